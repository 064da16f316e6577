// The staff queue's filters and the case page on an existing (large) database: p50 and p95
// of every filter the workspace offers, beside a `select 1` round trip measured in the same
// run, and with --explain the plan of each query the queue runs (EXPLAIN QUERY PLAN on SQLite,
// EXPLAIN ANALYZE on PostgreSQL).
//
//   DATA_DIR=/path/to/sqlite-1000000 HAVEN_MASTER_KEY=… npx tsx bench/queue-plans.ts [--explain]
//   DATABASE_URL=postgres://… HAVEN_MASTER_KEY=… npx tsx bench/queue-plans.ts [--runs 40]
//
// The database is one `haven demo` filled (migrated to the latest schema on opening). Only
// reads, except the audit entry each case view writes, as in production.

import { sql, type CompiledQuery, type KyselyPlugin } from 'kysely';
import { CASE_STATUSES } from '../src/contracts/case.js';
import { loadConfig } from '../src/config/index.js';
import type { Deps } from '../src/deps.js';
import type { Principal } from '../src/platform/auth/roles.js';
import { listQueue, viewCase } from '../src/modules/cases/case.service.js';
import type { QueueQuery } from '../src/modules/cases/case.schema.js';
import { openRuntime } from '../src/runtime.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const RUNS = Number(arg('runs') ?? 40);
const BUDGET_MS = Number(arg('budget') ?? 8000);
const EXPLAIN = process.argv.includes('--explain');
const ONLY = arg('only');

const rt = await openRuntime(loadConfig());
const pg = rt.dialect === 'postgres';

// Captures the SQL each call runs, for --explain.
let captured: CompiledQuery[] | null = null;
const capture: KyselyPlugin = {
  transformQuery(args) {
    captured?.push(rt.db.getExecutor().compileQuery(args.node, args.queryId));
    return args.node;
  },
  transformResult: async (args) => args.result,
};
const deps: Deps = { ...rt, db: rt.db.withPlugin(capture) };

const one = async <T>(q: string): Promise<T | undefined> =>
  (await sql<T>`${sql.raw(q)}`.execute(rt.db)).rows[0];
const handler = await one<{ id: string }>(
  'select assignee_id as id from cases where assignee_id is not null limit 1',
);
if (!handler) throw new Error('no assigned case: fill the database with `haven demo` first');
const count = await one<{ n: number | string }>('select count(*) as n from cases');
const maxId = Number((await one<{ n: number | string }>('select max(id) as n from cases'))!.n);
const actor: Principal = {
  userId: handler.id,
  email: 'bench@handler.invalid',
  displayName: 'Bench',
  role: 'handler',
  roles: ['handler'],
  locale: 'en',
  timeZone: 'UTC',
  via: 'session',
};

async function timed(fn: () => Promise<unknown>): Promise<{ p50: number; p95: number; n: number }> {
  for (let i = 0; i < 2; i++) await fn();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < RUNS && (times.length < 5 || performance.now() - start < BUDGET_MS)) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return { p50: at(0.5), p95: at(0.95), n: times.length };
}

async function explain(q: CompiledQuery): Promise<string> {
  if (pg) {
    const res = await rt.db.executeQuery<{ 'QUERY PLAN': string }>({
      ...q,
      sql: `explain (analyze, costs off, timing off, summary off) ${q.sql}`,
    });
    return res.rows.map((r) => `      ${r['QUERY PLAN']}`).join('\n');
  }
  const res = await rt.db.executeQuery<{ detail: string }>({
    ...q,
    sql: `explain query plan ${q.sql}`,
  });
  return res.rows.map((r) => `      ${r.detail}`).join('\n');
}

const lines: string[] = [];
function report(label: string, r: { p50: number; p95: number; n: number }, extra = '') {
  const line = `${label.padEnd(48)} p50 ${r.p50.toFixed(2).padStart(8)} ms  p95 ${r.p95.toFixed(2).padStart(8)} ms  (${r.n} runs)${extra}`;
  lines.push(line);
  console.log(line);
}

const roundTrip = await timed(() => sql`select 1`.execute(rt.db));
report('select 1', { ...roundTrip, n: roundTrip.n });

const someone = 'no-such-staff-member';
const filters: [string, QueueQuery, number?][] = [
  ['queue (active statuses)', {}],
  ...CASE_STATUSES.map((s): [string, QueueQuery] => [`status=${s}`, { status: s }]),
  ['view=spam', { view: 'spam' }],
  ['assignee=mine', { assignee: 'mine' }],
  ['assignee=unassigned', { assignee: 'unassigned' }],
  ['assignee=<someone without cases>', { assignee: someone }],
  ['incident_type=harassment', { incident_type: 'harassment' }],
  ['incident_type=doxing', { incident_type: 'doxing' }],
  ['region=africa', { region: 'africa' }],
  ['language=en', { language: 'en' }],
  ['language=ru', { language: 'ru' }],
  ['incident_type=harassment&region=africa', { incident_type: 'harassment', region: 'africa' }],
  ['region=africa&language=ru', { region: 'africa', language: 'ru' }],
  ['assignee=mine&region=africa', { assignee: 'mine', region: 'africa' }],
  ['assignee=mine&incident_type=harassment', { assignee: 'mine', incident_type: 'harassment' }],
  [
    'assignee=unassigned&incident_type=harassment',
    { assignee: 'unassigned', incident_type: 'harassment' },
  ],
  ['assignee=unassigned&language=en', { assignee: 'unassigned', language: 'en' }],
  ['language=en&incident_type=harassment', { language: 'en', incident_type: 'harassment' }],
  ['status=closed&region=mena', { status: 'closed', region: 'mena' }],
  ['status=closed&assignee=mine', { status: 'closed', assignee: 'mine' }],
  ['status=open&assignee=unassigned', { status: 'open', assignee: 'unassigned' }],
  ['view=spam&region=africa', { view: 'spam', region: 'africa' }],
  ['page 2: queue', {}, 2],
  ['page 10: queue', {}, 10],
  ['page 2: assignee=mine', { assignee: 'mine' }, 2],
  [
    'page 2: incident_type=harassment&region=africa',
    { incident_type: 'harassment', region: 'africa' },
    2,
  ],
  ['page 2: region=africa', { region: 'africa' }, 2],
  ['page 2: status=closed', { status: 'closed' }, 2],
  ['page 2: assignee=unassigned', { assignee: 'unassigned' }, 2],
];

console.log(
  `${pg ? 'PostgreSQL' : `SQLite ${rt.storage.file}`}: ${Number(count!.n).toLocaleString('en')} cases, acting as ${handler.id}`,
);
for (const [label, query, page = 1] of filters) {
  if (ONLY && !label.includes(ONLY)) continue;
  // The cursor of the page before, as the workspace's "next" link carries it.
  let q: QueueQuery | null = query;
  for (let p = 1; p < page && q; p++) {
    const res = await listQueue(deps, actor, q);
    if (!res.ok) throw new Error(`${label}: ${res.code}`);
    q = res.value.nextCursor ? { ...query, cursor: res.value.nextCursor } : null;
  }
  if (!q) {
    console.log(`${label.padEnd(48)} (no such page here)`);
    continue;
  }
  const qq = q;
  let rows = 0;
  const r = await timed(async () => {
    const res = await listQueue(deps, actor, qq);
    if (!res.ok) throw new Error(`${label}: ${res.code}`);
    rows = res.value.rows.length;
  });
  report(label, r, `  ${rows} rows`);
  if (EXPLAIN) {
    captured = [];
    await listQueue(deps, actor, qq);
    const queries = captured;
    captured = null;
    // The plugin also sees each part of a union: the statement run is the longest.
    for (const c of [queries.reduce((a, b) => (b.sql.length > a.sql.length ? b : a))]) {
      console.log(
        `    ${c.sql.replace(/\s+/g, ' ').slice(0, 400)}  ${JSON.stringify(c.parameters)}`,
      );
      console.log(await explain(c));
    }
  }
}

// The case page: a few cases spread over the table, each opened repeatedly.
if (!ONLY || 'case page'.includes(ONLY)) {
  const ids = [1, Math.floor(maxId / 3), Math.floor(maxId / 2), maxId - 10, maxId];
  let i = 0;
  const r = await timed(async () => {
    const res = await viewCase(deps, actor, ids[i++ % ids.length]!);
    if (!res.ok) throw new Error(`case page: ${res.code}`);
  });
  report('case page (viewCase)', r);
}

const after = await timed(() => sql`select 1`.execute(rt.db));
report('select 1 (again)', after);
await rt.close();
