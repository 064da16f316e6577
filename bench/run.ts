// `npm run bench`: Haven's performance, in process and over HTTP, on SQLite and PostgreSQL.
//
// Absolute times depend on the machine, so every measure is reported beside a baseline taken
// in the same run on the same database, and the ratio between the two is the number to watch
// (docs/benchmarks.md). Writes bench/results/latest.json, an array of
// `{ name, db, size, value, unit, baseline?, ratio? }` (bench/results.ts).
//
// Two levels:
//   in process   the services called directly (queue, case, purge, deletion lists, submitRequest)
//                on a fresh database grown to --large cases; the unseal flood (bench/unseal-flood.ts)
//   HTTP         Haven in its own process on a cached demo database of each size, driven over
//                loopback by closed-loop clients (bench/http/level.ts)
//
// Options:
//   --quick        smaller sizes and shorter runs (under five minutes)
//   --engine E     only `sqlite` or `postgres`
//   --sizes A,B    database sizes of the HTTP level (default 100000,1000000; quick 10000)
//   --cache DIR    where the large databases are kept (default bench/.cache)
//   --import DIR   also use SQLite databases built elsewhere (DIR/sqlite-<size>/haven.db, DIR/master-key)
//   --rebuild      build them again with `haven demo` (timed: demo.build_s) even when cached
//   --large N      size of the in-process database (default 100000; quick 3709, the demo year)
//   --out FILE     where to write the results (default bench/results/latest.json)
//   --skip-unseal  leave out the unseal flood
//   --skip-search  leave out search (its index walk over a database not yet indexed takes long)
//   --skip-inprocess, --skip-http   leave out a level
// PostgreSQL is used when a server answers at TEST_DATABASE_URL (default as in the tests).

import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { sql } from 'kysely';
import { loadConfig } from '../src/config/index.js';
import type { Deps } from '../src/deps.js';
import type { Principal } from '../src/platform/auth/roles.js';
import { listQueue, viewCase } from '../src/modules/cases/case.service.js';
import { purgeCasePersonalData, reapplyShreds, submitRequest } from '../src/modules/cases/index.js';
import { backupKeysDir, currentBackupEpoch } from '../src/platform/backup/keys.js';
import { fileLedger } from '../src/platform/backup/shreds.js';
import { generateDemo } from '../src/modules/demo/index.js';
import { randomBytes, Vault } from '../src/platform/crypto/vault.js';
import { migrateToLatest } from '../src/platform/storage/migrate.js';
import { sharedI18n } from '../src/runtime.js';
import { engines, PG_ADMIN_URL, type Engine } from '../test/engines.js';
import { insertStaffRow } from '../test/staff-row.js';
import { DEFAULT_CACHE } from './http/cache.js';
import { httpLevel } from './http/level.js';
import { formatTable, Results, writeResults, type Db } from './results.js';
import { unsealFlood } from './unseal-flood.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

const QUICK = flag('quick');
const LARGE = Number(arg('large') ?? (QUICK ? 3709 : 100_000));
const ONLY = arg('engine');
const SIZES = (arg('sizes') ?? (QUICK ? '10000' : '100000,1000000'))
  .split(',')
  .map((n) => Number(n.replaceAll('_', '')));
const CACHE = resolve(arg('cache') ?? DEFAULT_CACHE);
const SMALL = 3709;
const HANDLER = 'bench-handler';
if (SIZES.some((n) => !Number.isInteger(n) || n < 1) || !Number.isInteger(LARGE) || LARGE < 1) {
  throw new Error('--sizes and --large take whole numbers of cases');
}
if (ONLY && ONLY !== 'sqlite' && ONLY !== 'postgres')
  throw new Error('--engine is sqlite or postgres');

const results = new Results((line) => console.log(line));

async function median(runs: number, fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < Math.min(10, runs); i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

async function openDeps(engine: Engine) {
  const db = await engine.create();
  await migrateToLatest(db.storage);
  const deps: Deps = {
    config: loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: db.dataDir }),
    storage: db.storage,
    db: db.storage.db,
    dialect: db.storage.dialect,
    vault: new Vault(randomBytes(32)),
    i18n: sharedI18n(),
    now: Date.now,
  };
  const now = Date.now();
  await insertStaffRow(deps.db, {
    id: HANDLER,
    email: 'bench@handler.invalid',
    displayName: 'Bench',
    role: 'handler',
    at: now,
  });
  return { deps, dispose: db.dispose };
}

/** The in-process level: the services called directly, on a database grown to LARGE cases. */
async function benchEngine(engine: Engine): Promise<void> {
  const { deps, dispose } = await openDeps(engine);
  const db = engine.name as Db;
  const actor: Principal = {
    userId: HANDLER,
    email: 'bench@handler.invalid',
    displayName: 'Bench',
    role: 'handler',
    roles: ['handler'],
    locale: 'en',
    timeZone: 'UTC',
    via: 'session',
  };
  const add = (name: string, size: number, value: number, unit: string, baseline?: string) =>
    results.add({ name, db, size, value, unit, ...(baseline ? { baseline } : {}) });
  try {
    const select1 = (size: number) =>
      median(300, () => sql`select 1`.execute(deps.db)).then((ms) =>
        add('db.select1', size, ms, 'ms'),
      );
    const queue = async (name: string, size: number, query: Record<string, string>) => {
      const ms = await median(100, async () => {
        const res = await listQueue(deps, actor, query);
        if (!res.ok) throw new Error('queue failed');
      });
      add(name, size, ms, 'ms', 'db.select1');
    };
    const open = async (size: number, caseId: number) => {
      const ms = await median(50, async () => {
        const res = await viewCase(deps, actor, caseId);
        if (!res.ok) throw new Error('view failed');
      });
      add('case.open', size, ms, 'ms', 'db.select1');
    };

    // Encrypting one request the way submitRequest does, without the database.
    const text = 'Someone took over our organisation’s page and is posting threats. '.repeat(4);
    const perEncrypt = await median(2000, async () => {
      const { wrapped } = deps.vault.newCaseKey();
      deps.vault.caseKey(1, wrapped).seal('message:x', text);
    });
    const encryptBaseline = (size: number) => {
      add('crypto.encrypt_request', size, perEncrypt, 'ms');
      add('crypto.encrypt_requests_per_s', size, 1000 / perEncrypt, 'requests/s');
    };

    // (1) Demo generation and the queue on the helpline's real yearly volume.
    const small = await generateDemo(deps, {
      requests: SMALL,
      seed: 'bench',
      handlerId: HANDLER,
      allMessages: true,
    });
    if (!small.ok) throw new Error(small.code);
    encryptBaseline(SMALL);
    add(
      'demo.generation',
      SMALL,
      SMALL / (small.summary.elapsedMs / 1000),
      'cases/s',
      'crypto.encrypt_requests_per_s',
    );
    await select1(SMALL);
    await queue('queue.page1', SMALL, {});
    await queue('queue.closed_region', SMALL, { status: 'closed', region: 'mena' });
    await open(SMALL, 1);

    // (2) The same at a larger scale.
    const more = LARGE - SMALL;
    if (more > 0) {
      const large = await generateDemo(deps, {
        requests: more,
        seed: 'bench-large',
        handlerId: HANDLER,
        year: 2024,
      });
      if (!large.ok) throw new Error(large.code);
      encryptBaseline(LARGE);
      add(
        'demo.generation',
        LARGE,
        more / (large.summary.elapsedMs / 1000),
        'cases/s',
        'crypto.encrypt_requests_per_s',
      );
      await select1(LARGE);
      await queue('queue.page1', LARGE, {});
      await queue('queue.closed_region', LARGE, { status: 'closed', region: 'mena' });
      await open(LARGE, LARGE - 10);
    }
    const size = Math.max(LARGE, SMALL);

    // (3) Crypto-shredding with the deletion lists (ADR 11, 12): purging cases one by one as
    // retention does, each also listed beside the live backup key; then the check a starting
    // server makes of the whole list against the database (nothing left to delete again).
    const keysDir = backupKeysDir(deps.config.dataDir);
    const backupKey = randomBytes(32);
    currentBackupEpoch(keysDir, backupKey, Date.now());
    const shredDeps: Deps = { ...deps, shreds: fileLedger(keysDir, backupKey) };
    const purges = QUICK ? 500 : 2000;
    const tp = performance.now();
    for (let id = 1; id <= purges; id++) {
      const outcome = await purgeCasePersonalData(shredDeps, id, { kind: 'requester' });
      if (outcome !== 'purged') throw new Error(`purge ${id}: ${outcome}`);
    }
    add('purge.listed', size, (performance.now() - tp) / purges, 'ms', 'db.select1');
    const listed = shredDeps.shreds!.entries();
    if (listed.length !== purges)
      throw new Error(`the list holds ${listed.length} entries, not ${purges}`);
    const reapplyMs = await median(10, async () => {
      const r = await reapplyShreds(deps.db, shredDeps.shreds!.entries(), Date.now());
      if (r.purged !== 0) throw new Error('nothing should be deleted again');
    });
    add(`deletion_list.check.${purges}`, size, reapplyMs, 'ms', 'db.select1');

    // (4) A requester's submission, end to end through the service, one at a time.
    const submits = QUICK ? 100 : 300;
    const t = performance.now();
    for (let i = 0; i < submits; i++) {
      await submitRequest(deps, {
        description: text,
        urgency: 'reactive',
        country: 'KE',
        language: 'en',
        contactMethod: 'signal',
        contact: 'river.42',
        beneficiary: 'journalist',
      });
    }
    add(
      'intake.submit_request',
      size,
      (performance.now() - t) / submits,
      'ms',
      'crypto.encrypt_request',
    );
    if (deps.storage.file) {
      await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(deps.db);
    }
  } finally {
    await dispose();
  }
}

const started = performance.now();
const at = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;
const selected = engines.filter((e) => !ONLY || e.name === ONLY);
for (const engine of selected) {
  if (!engine.available) console.log(`${engine.name}: not available, skipped`);
}
const available = selected.filter((e) => e.available);

console.log(
  `Haven benchmark${QUICK ? ' (quick)' : ''}: ${cpus().length} CPU(s), node ${process.version}`,
);
console.log(`  http sizes ${SIZES.join(', ')}; in-process ${LARGE}; cache ${CACHE}\n`);

if (!flag('skip-inprocess')) {
  for (const engine of available) {
    console.log(`in process, ${engine.name} (at ${at()}):`);
    await benchEngine(engine);
  }
  // The public surface during a flood of unseal attempts (ADR 15), on SQLite.
  if (!flag('skip-unseal') && available.some((e) => e.name === 'sqlite')) {
    console.log(`unseal flood, sqlite (at ${at()}):`);
    const f = await unsealFlood(
      engines.find((e) => e.name === 'sqlite')!,
      QUICK ? 60 : 200,
    );
    const add = (name: string, value: number, unit: string, baseline?: string) =>
      results.add({ name, db: 'sqlite', size: 0, value, unit, ...(baseline ? { baseline } : {}) });
    add('unseal.quiet.request_p50_ms', f.quiet.p50, 'ms');
    add('unseal.quiet.request_p95_ms', f.quiet.p95, 'ms');
    add('unseal.quiet.rss_peak_mb', f.quiet.rssMb, 'MB');
    add('unseal.flood.request_p50_ms', f.flood.p50, 'ms', 'unseal.quiet.request_p50_ms');
    add('unseal.flood.request_p95_ms', f.flood.p95, 'ms', 'unseal.quiet.request_p95_ms');
    add('unseal.flood.rss_peak_mb', f.flood.rssMb, 'MB', 'unseal.quiet.rss_peak_mb');
    console.log(
      `  ${f.flood.attempts} attempts: ${f.flood.checked} checked, ${f.flood.refused} told to wait`,
    );
  }
}

if (!flag('skip-http')) {
  for (const engine of available) {
    for (const size of SIZES) {
      console.log(`http, ${engine.name}, ${size.toLocaleString('en')} cases (at ${at()}):`);
      await httpLevel({
        engine: engine.name,
        size,
        cacheDir: CACHE,
        quick: QUICK,
        results,
        adminUrl: engine.name === 'postgres' ? PG_ADMIN_URL : undefined,
        log: (line) => console.log(line),
        rebuild: flag('rebuild'),
        skipSearch: flag('skip-search'),
        importDir: arg('import') === undefined ? undefined : resolve(arg('import')!),
      });
    }
  }
}

const total = (performance.now() - started) / 1000;
console.log(`\n${formatTable(results.records)}`);
console.log(
  `\n${total.toFixed(0)} s in all${QUICK ? ' (quick)' : ''} on ${cpus().length} CPU(s) (${cpus()[0]?.model ?? 'unknown'}), ` +
    `${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}, ${new Date().toISOString()}`,
);
const file = resolve(arg('out') ?? join(import.meta.dirname, 'results', 'latest.json'));
writeResults(file, results.records);
console.log(`written to ${file}`);
