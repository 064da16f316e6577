// The server side of the HTTP benchmark: a child process (started by bench/http/load.ts with
// `fork`) that opens Haven exactly as `haven serve` does — openRuntime, the modules' start
// steps, createApp, createWorker — on the database its environment names (DATA_DIR, or
// DATABASE_URL for PostgreSQL; HAVEN_MASTER_KEY), listens on a free loopback port and tells the
// parent which. It also answers the parent's IPC messages, `{ id, op, ... }` → `{ id, ok, value }`:
//
//   session              a coordinator and a full staff session (its cookie), and filter values
//                        found in the database (an incident type, a region, a language, a staff id)
//   retention-rule       switches every retention rule off but one, for closed cases, that makes
//                        the first `spanDays` days of closures due (a bounded share, like an
//                        hourly run's on a live helpline); → { days, due }
//   job                  runs one scheduled job now (`runDue({ force: true, only: name })`) while
//                        perf_hooks.monitorEventLoopDelay measures; → { maxStallMs, durationMs, outcome }
//   job-start            starts a job and answers at once (the parent then sends SIGTERM)
//   idle-stall           the longest event-loop stall over `ms` milliseconds with nothing running
//   search-index         the search index's walk (ADR 37) over every case not yet indexed (a cache
//                        entry built before the index existed); → { indexed, durationMs, maxStallMs }
//   search-terms         query strings that exist in the data (an email, a domain) and the index's
//                        size → { email, domain, rows, cases, bytes }
//   rewrap               key rotation's walk (rewrapCaseKeys, batches of 200, paced as in
//                        finishRotation) over every case key, stopped after `ms` milliseconds;
//                        → { maxStallMs, durationMs, outcome, rewrapped }
//
// The worker's timer is not started: jobs run only when the parent asks, so each measure sees
// one job. SIGTERM stops as `haven serve` does (`shutdown`: the worker's run in progress ends at
// its next transaction boundary while the app closes, then the database).

import { monitorEventLoopDelay } from 'node:perf_hooks';
import { sql } from 'kysely';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/index.js';
import { createSession } from '../../src/platform/auth/session.js';
import { backupKeysDir, currentBackupEpoch } from '../../src/platform/backup/keys.js';
import { deriveBackupKey, loadMasterKey } from '../../src/platform/crypto/vault.js';
import { upsertRule } from '../../src/modules/retention/retention.repo.js';
import { rewrapCaseKeys } from '../../src/modules/vault/vault.service.js';
import { documentTokens, runIndexing, searchIndexSize } from '../../src/modules/search/index.js';
import { caseTextsForIndex } from '../../src/modules/cases/index.js';
import { createPace, JobStopped } from '../../src/platform/jobs/pace.js';
import { DAY_MS } from '../../src/modules/retention/retention.js';
import { openRuntime } from '../../src/runtime.js';
import { shutdown } from '../../src/cli/serve.js';
import { createWorker, startModules } from '../../src/worker.js';
import { insertStaffRow } from '../../test/staff-row.js';

export type ServerRequest =
  | { id: number; op: 'session' }
  | { id: number; op: 'retention-rule'; spanDays: number }
  | { id: number; op: 'job'; name: string }
  | { id: number; op: 'job-start'; name: string }
  | { id: number; op: 'idle-stall'; ms: number }
  | { id: number; op: 'rewrap'; ms: number }
  | { id: number; op: 'search-index' }
  | { id: number; op: 'search-terms' };

export interface SearchIndexRun {
  indexed: number;
  durationMs: number;
  maxStallMs: number;
}

export interface SearchTerms {
  email: string | null;
  domain: string | null;
  rows: number;
  cases: number;
  bytes: number | null;
}

export interface SessionInfo {
  cookie: string;
  userId: string;
  maxCaseId: number;
  incidentType: string | null;
  region: string | null;
  language: string | null;
  assignee: string | null;
}

export interface JobRun {
  maxStallMs: number;
  durationMs: number;
  outcome: string;
}

export interface RewrapRun extends JobRun {
  rewrapped: number;
}

const BENCH_USER = 'bench-coordinator';

function send(msg: unknown): void {
  process.send?.(msg);
}

const config = loadConfig({
  ...process.env,
  HOST: '127.0.0.1',
  PORT: '0',
  LOG_LEVEL: 'silent',
  INTAKE_MIN_FILL_SECONDS: '0',
  INTAKE_BUDGET_PER_HOUR: '100000',
});
const rt = await openRuntime(config);
await startModules(rt);
// Purges are listed beside a live backup key, as on a server that takes backups (ADR 11).
currentBackupEpoch(
  backupKeysDir(config.dataDir),
  deriveBackupKey(loadMasterKey(config).key),
  Date.now(),
);
const app = await createApp(rt);
const worker = createWorker(rt, {
  onError: (job, e) => console.error(`job ${job} failed: ${(e as Error)?.name}`),
});
app.addHook('onClose', async () => worker.stop());
let current: Promise<unknown> | undefined;

async function mostCommon(
  column: 'incident_type' | 'region' | 'language' | 'assignee_id',
): Promise<string | null> {
  // A sample keeps this quick on a million cases.
  const rows = await sql<{ v: string | null; n: number }>`
    select ${sql.ref(column)} as v, count(*) as n
    from (select ${sql.ref(column)} from cases where ${sql.ref(column)} is not null limit 5000) s
    group by ${sql.ref(column)} order by n desc limit 1`.execute(rt.db);
  return rows.rows[0]?.v ?? null;
}

async function session(): Promise<SessionInfo> {
  const now = Date.now();
  const existing = await rt.db
    .selectFrom('users')
    .select('id')
    .where('id', '=', BENCH_USER)
    .executeTakeFirst();
  if (!existing) {
    await insertStaffRow(rt.db, {
      id: BENCH_USER,
      email: 'bench.coordinator@example.invalid',
      displayName: 'Bench coordinator',
      role: 'coordinator',
      at: now,
    });
  }
  const { cookie } = await createSession(
    { db: rt.db, vault: rt.vault, now: Date.now },
    BENCH_USER,
    'full',
  );
  const max = await rt.db
    .selectFrom('cases')
    .select((eb) => eb.fn.max('id').as('m'))
    .executeTakeFirst();
  return {
    cookie: `haven_staff=${cookie}`,
    userId: BENCH_USER,
    maxCaseId: Number(max?.m ?? 0),
    incidentType: await mostCommon('incident_type'),
    region: await mostCommon('region'),
    language: await mostCommon('language'),
    assignee: await mostCommon('assignee_id'),
  };
}

/** A rule for closed cases whose cutoff falls `spanDays` days after the first closure. */
async function retentionRule(spanDays: number): Promise<{ days: number; due: number }> {
  const first = await rt.db
    .selectFrom('cases')
    .select((eb) => eb.fn.min('closed_at').as('m'))
    .where('status', '=', 'closed')
    .executeTakeFirst();
  const now = Date.now();
  const firstClosed = Number(first?.m ?? now);
  const days = Math.max(1, Math.floor((now - (firstClosed + spanDays * DAY_MS)) / DAY_MS));
  // The demo database holds every case whole (--all-messages), so the default rules (90 days
  // after closing…) would make most cases due at once; an hourly run on a live helpline meets a bounded share.
  // Only this rule stays switched on.
  await rt.db.updateTable('retention_rules').set({ enabled: 0 }).execute();
  await upsertRule(rt.db, {
    status: 'closed',
    incidentType: null,
    basis: 'closed_at',
    days,
    enabled: true,
    updatedAt: now,
    updatedBy: null,
  });
  const due = await rt.db
    .selectFrom('cases')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'closed')
    .where('purged_at', 'is', null)
    .where('closed_at', '<=', now - days * DAY_MS)
    .executeTakeFirst();
  return { days, due: Number(due?.n ?? 0) };
}

/** How often the event-loop delay histogram samples, in ms. */
const RESOLUTION_MS = 10;

async function measured<T>(
  fn: () => Promise<T>,
): Promise<{ value: T; maxStallMs: number; durationMs: number }> {
  const h = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  h.enable();
  const t = performance.now();
  try {
    const value = await fn();
    const durationMs = performance.now() - t;
    // The histogram's timer records a stall when it next fires: let it fire once more, so a
    // stall that lasted until the very end of the work is counted too.
    await new Promise((r) => setTimeout(r, 3 * RESOLUTION_MS));
    // Each sample is the time between two firings of a RESOLUTION_MS timer: the stall is what
    // exceeds the interval.
    return {
      value,
      maxStallMs: h.count > 0 ? Math.max(0, h.max / 1e6 - RESOLUTION_MS) : 0,
      durationMs,
    };
  } finally {
    h.disable();
  }
}

async function runJob(name: string): Promise<JobRun> {
  const run = measured(() => worker.runDue({ force: true, only: name }));
  current = run;
  try {
    const r = await run;
    const outcome =
      r.value.map((x) => `${x.outcome}${x.error ? `:${x.error}` : ''}`).join(',') || 'no such job';
    return { maxStallMs: r.maxStallMs, durationMs: r.durationMs, outcome };
  } finally {
    current = undefined;
  }
}

/**
 * Key rotation's walk over the case keys, as finishRotation runs it in a live server: every key
 * unwrapped and wrapped again to the active key (here the same one: the demo database is not in
 * sealed mode, and the work per key is the same), 200 per transaction, paced; stopped after `ms`.
 */
async function rewrap(ms: number): Promise<RewrapRun> {
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), ms);
  let rewrapped = 0;
  const run = measured(async () => {
    try {
      await rewrapCaseKeys(rt, () => true, {
        batchSize: 200,
        pace: createPace({ signal: stop.signal }),
        onBatch: (n) => {
          rewrapped = n;
        },
      });
      return 'done';
    } catch (e) {
      if (e instanceof JobStopped) return 'stopped';
      throw e;
    } finally {
      clearTimeout(timer);
    }
  });
  current = run;
  try {
    const r = await run;
    return { maxStallMs: r.maxStallMs, durationMs: r.durationMs, outcome: r.value, rewrapped };
  } finally {
    current = undefined;
  }
}

/** The search index's walk over whatever is not indexed yet, paced as the job runs it. */
async function searchIndex(): Promise<SearchIndexRun> {
  const r = await measured(() => runIndexing(rt, createPace(), 0));
  return { indexed: r.value.indexed, durationMs: r.durationMs, maxStallMs: r.maxStallMs };
}

/** An email and a domain found in the newest cases' contacts, and the index's size. */
async function searchTerms(): Promise<SearchTerms> {
  const recent = await rt.db.selectFrom('cases').select('id').where('purged_at', 'is', null).orderBy('id', 'desc').limit(200).execute();
  let email: string | null = null;
  let domain: string | null = null;
  for (const { id } of recent) {
    const doc = await caseTextsForIndex(rt, rt.db, id);
    for (const token of (doc?.texts ?? []).flatMap((t) => documentTokens(t))) {
      if (!email && token.startsWith('email:')) email = token.slice('email:'.length);
      if (!domain && token.startsWith('dom:')) domain = token.slice('dom:'.length);
    }
    if (email && domain) break;
  }
  return { email, domain, ...(await searchIndexSize(rt)) };
}

async function answer(m: ServerRequest): Promise<unknown> {
  switch (m.op) {
    case 'session':
      return session();
    case 'retention-rule':
      return retentionRule(m.spanDays);
    case 'job':
      return runJob(m.name);
    case 'job-start': {
      void runJob(m.name).catch(() => undefined);
      return { started: true };
    }
    case 'idle-stall':
      return (await measured(() => new Promise((r) => setTimeout(r, m.ms)))).maxStallMs;
    case 'rewrap':
      return rewrap(m.ms);
    case 'search-index':
      return searchIndex();
    case 'search-terms':
      return searchTerms();
  }
}

process.on('message', (m: ServerRequest) => {
  answer(m).then(
    (value) => send({ id: m.id, ok: true, value }),
    (e: unknown) =>
      send({
        id: m.id,
        ok: false,
        error: e instanceof Error ? `${e.name}: ${e.message}` : String(e),
      }),
  );
});

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  // Exactly as `haven serve` stops: the worker's run ends at its next transaction boundary.
  await shutdown(app, worker, rt);
  await current?.catch(() => undefined);
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
// The parent gone: nothing more to measure.
process.on('disconnect', () => void stop());

await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
send({ ready: true, port: typeof address === 'object' && address ? address.port : 0 });
