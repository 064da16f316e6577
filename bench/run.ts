// `npm run bench`: a first benchmark of Haven's hot paths on SQLite and PostgreSQL.
//
// Absolute times depend on the machine, so every measure is reported with a baseline taken
// in the same run on the same database, and the ratio between the two is the number to
// watch: a `SELECT 1` round trip for queries, encrypting the same text for submitting a
// request. Writes bench/results.json (not committed). Options:
//   --large N     size of the large demo database (default 100000)
//   --engine E    only `sqlite` or `postgres`
//   --skip-unseal leave out the unseal flood (bench/unseal-flood.ts)
// PostgreSQL is used when a server answers at TEST_DATABASE_URL (default as in the tests).

import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
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
import { engines, type Engine } from '../test/engines.js';
import { insertStaffRow } from '../test/staff-row.js';
import { unsealFlood } from './unseal-flood.js';

interface Result {
  engine: string;
  measure: string;
  value: number;
  unit: string;
  baseline: string;
  baselineValue: number;
  /** value / baselineValue for times (lower is better); baselineValue / value for rates. */
  ratio: number;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const LARGE = Number(arg('large') ?? 100_000);
const ONLY = arg('engine');
const SMALL = 3709;
const HANDLER = 'bench-handler';

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

async function benchEngine(engine: Engine, out: Result[]): Promise<void> {
  const { deps, dispose } = await openDeps(engine);
  const actor: Principal = {
    userId: HANDLER,
    email: 'bench@handler.invalid',
    displayName: 'Bench',
    role: 'handler',
    roles: ['handler'],
    locale: 'en',
    via: 'session',
  };
  const add = (r: Omit<Result, 'engine'>) => {
    out.push({ engine: engine.name, ...r });
    console.log(
      `  ${r.measure}: ${r.value.toFixed(r.value < 10 ? 3 : 0)} ${r.unit} (×${r.ratio.toFixed(1)})`,
    );
  };
  try {
    const roundTrip = await median(300, () => sql`select 1`.execute(deps.db));
    const queue = async (label: string, query: Record<string, string>) => {
      const ms = await median(100, async () => {
        const res = await listQueue(deps, actor, query);
        if (!res.ok) throw new Error('queue failed');
      });
      add({
        measure: label,
        value: ms,
        unit: 'ms',
        baseline: 'select 1',
        baselineValue: roundTrip,
        ratio: ms / roundTrip,
      });
    };
    const open = async (label: string, caseId: number) => {
      const ms = await median(50, async () => {
        const res = await viewCase(deps, actor, caseId);
        if (!res.ok) throw new Error('view failed');
      });
      add({
        measure: label,
        value: ms,
        unit: 'ms',
        baseline: 'select 1',
        baselineValue: roundTrip,
        ratio: ms / roundTrip,
      });
    };

    // Encrypting one request the way submitRequest does, without the database.
    const text = 'Someone took over our organisation’s page and is posting threats. '.repeat(4);
    const perEncrypt = await median(2000, async () => {
      const { wrapped } = deps.vault.newCaseKey();
      deps.vault.caseKey(1, wrapped).seal('message:x', text);
    });

    // (1) Demo generation and the queue on the helpline's real yearly volume.
    const small = await generateDemo(deps, { requests: SMALL, seed: 'bench', handlerId: HANDLER });
    if (!small.ok) throw new Error(small.code);
    const smallRate = SMALL / (small.summary.elapsedMs / 1000);
    add({
      measure: `demo generation, ${SMALL} cases`,
      value: smallRate,
      unit: 'cases/s',
      baseline: 'encrypt a request',
      baselineValue: 1000 / perEncrypt,
      ratio: 1000 / perEncrypt / smallRate,
    });
    await queue(`queue page 1, ${SMALL} cases`, {});
    await queue(`queue closed+region, ${SMALL} cases`, { status: 'closed', region: 'mena' });
    await open(`open a case, ${SMALL} cases`, 1);

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
      const rate = more / (large.summary.elapsedMs / 1000);
      add({
        measure: `demo generation, +${more} cases`,
        value: rate,
        unit: 'cases/s',
        baseline: 'encrypt a request',
        baselineValue: 1000 / perEncrypt,
        ratio: 1000 / perEncrypt / rate,
      });
      await queue(`queue page 1, ${LARGE} cases`, {});
      await queue(`queue closed+region, ${LARGE} cases`, { status: 'closed', region: 'mena' });
      await open(`open a case, ${LARGE} cases`, LARGE - 10);
    }

    // (3) Crypto-shredding with the deletion lists (ADR 11, 12): purging cases one by one as
    // retention does, each also listed beside the live backup key; then the check a starting
    // server makes of the whole list against the database (nothing left to delete again).
    const keysDir = backupKeysDir(deps.config.dataDir);
    const backupKey = randomBytes(32);
    currentBackupEpoch(keysDir, backupKey, Date.now());
    const shredDeps: Deps = { ...deps, shreds: fileLedger(keysDir, backupKey) };
    const purges = 2000;
    const tp = performance.now();
    for (let id = 1; id <= purges; id++) {
      const outcome = await purgeCasePersonalData(shredDeps, id, { kind: 'requester' });
      if (outcome !== 'purged') throw new Error(`purge ${id}: ${outcome}`);
    }
    const perPurge = (performance.now() - tp) / purges;
    add({
      measure: `purge a case (listed), ${LARGE} cases`,
      value: perPurge,
      unit: 'ms',
      baseline: 'select 1',
      baselineValue: roundTrip,
      ratio: perPurge / roundTrip,
    });
    const listed = shredDeps.shreds!.entries();
    if (listed.length !== purges) throw new Error(`the list holds ${listed.length} entries, not ${purges}`);
    const reapplyMs = await median(10, async () => {
      const r = await reapplyShreds(deps.db, shredDeps.shreds!.entries(), Date.now());
      if (r.purged !== 0) throw new Error('nothing should be deleted again');
    });
    add({
      measure: `deletion list check at start, ${purges} entries`,
      value: reapplyMs,
      unit: 'ms',
      baseline: 'select 1',
      baselineValue: roundTrip,
      ratio: reapplyMs / roundTrip,
    });

    // (4) A requester's submission, end to end through the service, one at a time.
    const submits = 300;
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
    const perSubmit = (performance.now() - t) / submits;
    add({
      measure: 'submitRequest',
      value: perSubmit,
      unit: 'ms',
      baseline: 'encrypt a request',
      baselineValue: perEncrypt,
      ratio: perSubmit / perEncrypt,
    });
    add({
      measure: 'baseline: select 1',
      value: roundTrip,
      unit: 'ms',
      baseline: '-',
      baselineValue: roundTrip,
      ratio: 1,
    });
    if (deps.storage.file) {
      await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(deps.db);
    }
  } finally {
    await dispose();
  }
}

const started = performance.now();
const results: Result[] = [];
for (const engine of engines) {
  if (ONLY && engine.name !== ONLY) continue;
  if (!engine.available) {
    console.log(`${engine.name}: not available, skipped`);
    continue;
  }
  console.log(`${engine.name}:`);
  await benchEngine(engine, results);
}

// The public surface during a flood of unseal attempts (ADR 15), on SQLite.
if (!process.argv.includes('--skip-unseal') && (!ONLY || ONLY === 'sqlite')) {
  console.log('unseal flood (sqlite):');
  const f = await unsealFlood(engines.find((e) => e.name === 'sqlite')!);
  const push = (measure: string, value: number, unit: string, baseline: string, baselineValue: number) => {
    results.push({ engine: 'sqlite', measure, value, unit, baseline, baselineValue, ratio: value / baselineValue });
    console.log(`  ${measure}: ${value.toFixed(1)} ${unit} (×${(value / baselineValue).toFixed(1)})`);
  };
  push('GET /request p50 during unseal flood', f.flood.p50, 'ms', 'GET /request p50, quiet', f.quiet.p50);
  push('GET /request p95 during unseal flood', f.flood.p95, 'ms', 'GET /request p95, quiet', f.quiet.p95);
  push('peak RSS during unseal flood', f.flood.rssMb, 'MB', 'peak RSS, quiet', f.quiet.rssMb);
  console.log(`  ${f.flood.attempts} attempts: ${f.flood.checked} checked, ${f.flood.refused} told to wait`);
}

const rows = results.map((r) => [
  r.engine,
  r.measure,
  `${r.value < 10 ? r.value.toFixed(3) : Math.round(r.value).toLocaleString('en')} ${r.unit}`,
  r.baseline,
  `×${r.ratio.toFixed(1)}`,
]);
const head = ['engine', 'measure', 'value', 'baseline', 'ratio'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
console.log('');
console.log(line(head));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const r of rows) console.log(line(r));
const total = (performance.now() - started) / 1000;
console.log(`\n${total.toFixed(0)} s in all on ${cpus().length} CPU(s), node ${process.version}`);

writeFileSync(
  join(import.meta.dirname, 'results.json'),
  `${JSON.stringify({ at: new Date().toISOString(), node: process.version, cpus: cpus().length, large: LARGE, seconds: total, results }, null, 2)}\n`,
);
