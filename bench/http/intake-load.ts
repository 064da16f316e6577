// The public request form under load, the real path: N clients in a loop, each doing
// GET /request (the form and its one-time `_csrf` token), then POST /request with the form's
// fields, urlencoded, as a browser without JavaScript sends them. Counts the 201s (a saved
// request and its receipt) and times the POSTs. Run it against a real `haven serve` with
// INTAKE_MIN_FILL_SECONDS=0 and INTAKE_BUDGET_PER_HOUR high enough, so nothing is suspected
// spam. `rawCommitRate` is the baseline of the same run: durable single-row commits per second
// on the same disk (SQLite, WAL, synchronous=FULL) or the same server (PostgreSQL).
//
// Standalone: tsx bench/http/intake-load.ts --url http://127.0.0.1:8080 --clients 16 --seconds 10
//             tsx bench/http/intake-load.ts --raw sqlite|postgres [--dir /tmp] [--seconds 3]

import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';

export interface IntakeLoadOptions {
  baseUrl: string;
  clients: number;
  /** Each client stops starting new submissions after this long. */
  durationMs: number;
  /** Or stop once this many submissions have been started in all (whichever comes first). */
  count?: number;
}

export interface IntakeLoadResult {
  /** 201: the request was saved. */
  accepted: number;
  /** Any other HTTP answer (403, 409, 422, 503…). */
  refused: number;
  /** No HTTP answer (connection refused or reset, no token in the form). */
  errors: number;
  /** Accepted submissions per second of the run. */
  perSecond: number;
  /** The POST's latency in milliseconds, over every answered POST. */
  p50: number;
  p95: number;
  p99: number;
}

const DESCRIPTIONS = [
  'My phone shows messages I did not send and the battery drains fast since last week.',
  'Someone logged into my email from another country; I changed the password but I am worried.',
  'Our organisation website was defaced this morning and the admin password no longer works.',
];

function request(
  agent: http.Agent,
  url: URL,
  method: 'GET' | 'POST',
  body?: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method,
        headers: {
          'accept-language': 'en',
          ...(body === undefined
            ? {}
            : {
                'content-type': 'application/x-www-form-urlencoded',
                'content-length': Buffer.byteLength(body),
                origin: url.origin,
              }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const CSRF = /name="_csrf"\s+value="([^"]+)"/;

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** Runs `clients` loops of GET /request then POST /request for `durationMs` (or `count` in all). */
export async function intakeLoad(opts: IntakeLoadOptions): Promise<IntakeLoadResult> {
  const url = new URL('/request', opts.baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.clients });
  const latencies: number[] = [];
  let accepted = 0;
  let refused = 0;
  let errors = 0;
  let started = 0;
  const t0 = performance.now();
  const deadline = t0 + opts.durationMs;
  const more = () =>
    performance.now() < deadline && (opts.count === undefined || started < opts.count);

  async function client(i: number): Promise<void> {
    while (more()) {
      started++;
      try {
        const form = await request(agent, url, 'GET');
        const token = CSRF.exec(form.text)?.[1];
        if (form.status !== 200 || !token) {
          errors++;
          continue;
        }
        const body = new URLSearchParams({
          _csrf: token.replaceAll('&amp;', '&'),
          description: DESCRIPTIONS[(i + started) % DESCRIPTIONS.length]!,
          urgency: started % 2 ? 'reactive' : 'preventive',
          country: '',
          language: 'en',
          contact_method: 'none',
          contact: '',
          beneficiary: '',
          consent: 'yes',
          website: '',
        }).toString();
        const t = performance.now();
        const res = await request(agent, url, 'POST', body);
        latencies.push(performance.now() - t);
        if (res.status === 201) accepted++;
        else refused++;
      } catch {
        errors++;
        await new Promise((r) => setTimeout(r, 10));
      }
    }
  }

  await Promise.all(Array.from({ length: opts.clients }, (_, i) => client(i)));
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    accepted,
    refused,
    errors,
    perSecond: accepted / seconds,
    p50: quantile(latencies, 0.5),
    p95: quantile(latencies, 0.95),
    p99: quantile(latencies, 0.99),
  };
}

export interface RawCommitOptions {
  durationMs?: number;
  /** SQLite: a folder on the disk to measure (a temporary folder is made in it and removed). */
  dir?: string;
  /** PostgreSQL: the server to measure (a temporary table is made and dropped). */
  databaseUrl?: string;
}

/**
 * Durable single-row commits per second, one after another: on SQLite an INSERT in its own
 * transaction, WAL, synchronous=FULL, in a temporary folder on the disk given (the data
 * folder's disk); on PostgreSQL an autocommit INSERT (synchronous_commit as the server has it).
 */
export async function rawCommitRate(
  engine: 'sqlite' | 'postgres',
  opts: RawCommitOptions = {},
): Promise<number> {
  const durationMs = opts.durationMs ?? 3000;
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(opts.dir ?? tmpdir(), 'haven-raw-commit-'));
    try {
      const db = new SqliteDatabase(join(dir, 'raw.db'));
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, at INTEGER NOT NULL)');
      const insert = db.prepare('INSERT INTO t (at) VALUES (?)');
      let n = 0;
      const t0 = performance.now();
      while (performance.now() - t0 < durationMs) {
        insert.run(Date.now());
        n++;
      }
      const rate = n / ((performance.now() - t0) / 1000);
      db.close();
      return rate;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const client = new pg.Client({
    connectionString:
      opts.databaseUrl ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  });
  await client.connect();
  const table = `haven_raw_commit_${process.pid}`;
  try {
    await client.query(`CREATE TABLE ${table} (id bigserial PRIMARY KEY, at bigint NOT NULL)`);
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < durationMs) {
      await client.query(`INSERT INTO ${table} (at) VALUES ($1)`, [Date.now()]);
      n++;
    }
    return n / ((performance.now() - t0) / 1000);
  } finally {
    await client.query(`DROP TABLE IF EXISTS ${table}`);
    await client.end();
  }
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const raw = arg('raw');
  const seconds = Number(arg('seconds') ?? 10);
  if (raw === 'sqlite' || raw === 'postgres') {
    const rate = await rawCommitRate(raw, {
      durationMs: seconds * 1000,
      dir: arg('dir'),
      databaseUrl: arg('database-url'),
    });
    console.log(JSON.stringify({ engine: raw, commitsPerSecond: Math.round(rate) }));
  } else {
    const result = await intakeLoad({
      baseUrl: arg('url') ?? 'http://127.0.0.1:8080',
      clients: Number(arg('clients') ?? 16),
      durationMs: seconds * 1000,
      count: arg('count') === undefined ? undefined : Number(arg('count')),
    });
    const r = (n: number) => Math.round(n * 10) / 10;
    console.log(
      JSON.stringify({
        clients: Number(arg('clients') ?? 16),
        ...result,
        perSecond: r(result.perSecond),
        p50: r(result.p50),
        p95: r(result.p95),
        p99: r(result.p99),
      }),
    );
  }
}
