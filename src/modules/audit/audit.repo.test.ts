import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import type { Database } from '../../platform/storage/schema.js';
import { listActions, listEntries, type AuditRow } from './audit.repo.js';
import type { AuditCursor, AuditFilters } from './audit.schema.js';
import { capturing } from '../../../test/capture.js';

// The audit log's reads on both engines: every filter, alone and together, walked page by
// page by keyset, gives exactly the entries a plain sort of the table gives; the list of
// actions is every action once. On SQLite the plans are pinned too: each filter but the
// case reads an index in the page's order, never sorting the matching entries.

const T0 = Date.UTC(2026, 0, 1);
const HOUR = 60 * 60 * 1000;
const ACTIONS = ['case.viewed', 'case.triaged', 'account.signed_in', 'retention.run', 'audit.viewed'];
const ACTORS = ['u1', 'u2', 'u3', null];

const FILTERS: [string, AuditFilters][] = [
  ['nothing', {}],
  ['a person', { actorId: 'u1' }],
  ['an action', { action: 'case.triaged' }],
  ['a case', { caseId: 3 }],
  ['from a day', { fromMs: T0 + 48 * HOUR }],
  ['a day range', { fromMs: T0 + 24 * HOUR, toMs: T0 + 72 * HOUR }],
  ['a person in a range', { actorId: 'u2', fromMs: T0 + 24 * HOUR, toMs: T0 + 96 * HOUR }],
  ['an action and a person', { action: 'case.viewed', actorId: 'u3' }],
  ['a case and an action until a day', { caseId: 2, action: 'case.viewed', toMs: T0 + 60 * HOUR }],
  ['nobody matches', { actorId: 'u9' }],
];

/**
 * The indexes that serve a filter in the page's order (SQLite): one that starts with a
 * filtered column, or the time index when only days are filtered. A case's entries are read
 * through audit_log_case (the case page's own index) and sorted: a case has few.
 */
function indexesFor(f: AuditFilters): string[] {
  const own = [
    f.actorId !== undefined && 'audit_log_actor',
    f.action !== undefined && 'audit_log_action',
    f.caseId !== undefined && 'audit_log_case',
  ].filter((i): i is string => i !== false);
  return own.length > 0 ? own : ['audit_log_at'];
}

async function fill(db: Kysely<Database>, n: number): Promise<void> {
  let s = 11;
  const next = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const rows = Array.from({ length: n }, () => {
    const actor = pick(ACTORS);
    return {
      // Few distinct times, and not in the order of the ids, so ties fall to the id.
      at: T0 + Math.floor(next() * 120) * HOUR,
      actor_kind: actor === null ? 'system' : 'staff',
      actor_id: actor,
      action: pick(ACTIONS),
      case_id: pick([1, 2, 3, 4, null]),
      detail: null,
    };
  });
  for (let i = 0; i < rows.length; i += 100) await db.insertInto('audit_log').values(rows.slice(i, i + 100)).execute();
}

async function expected(db: Kysely<Database>, f: AuditFilters): Promise<number[]> {
  const all = await db.selectFrom('audit_log').selectAll().execute();
  return all
    .map((r) => ({ ...r, id: Number(r.id), at: Number(r.at) }))
    .filter(
      (r) =>
        (f.actorId === undefined || r.actor_id === f.actorId) &&
        (f.action === undefined || r.action === f.action) &&
        (f.caseId === undefined || r.case_id === f.caseId) &&
        (f.fromMs === undefined || r.at >= f.fromMs) &&
        (f.toMs === undefined || r.at < f.toMs),
    )
    .sort((a, b) => b.at - a.at || b.id - a.id)
    .map((r) => r.id);
}

async function walk(db: Kysely<Database>, f: AuditFilters, limit: number): Promise<number[]> {
  const seen: number[] = [];
  let after: AuditCursor | null = null;
  for (;;) {
    const rows: AuditRow[] = await listEntries(db, f, after, limit);
    seen.push(...rows.map((r) => r.id));
    if (rows.length < limit) return seen;
    const last = rows[rows.length - 1]!;
    after = { at: last.at, id: last.id };
  }
}

for (const engine of engines) {
  describe.skipIf(!engine.available)(`the audit log's reads on ${engine.name}`, () => {
    let db: Kysely<Database>;
    let dispose: () => Promise<void>;

    beforeAll(async () => {
      const created = await engine.createMigrated();
      dispose = created.dispose;
      db = created.storage.db;
      await fill(db, 700);
    }, 60_000);
    afterAll(async () => dispose?.());

    it('pages through every filter by keyset, as a plain sort of the table would list it', async () => {
      for (const [label, f] of FILTERS) {
        const want = await expected(db, f);
        if (label !== 'nobody matches') expect(want.length, label).toBeGreaterThan(5);
        expect(await walk(db, f, 9), label).toEqual(want);
        expect(await walk(db, f, 1000), label).toEqual(want);
      }
    });

    it('lists every action the log holds, once, in code order', async () => {
      expect(await listActions(db)).toEqual([...ACTIONS].sort());
    });

    if (engine.name === 'sqlite')
      it('reads each filter from an index in the page order; only a case sorts its own entries', async () => {
        const { statements, capture } = capturing(db);
        const problems: string[] = [];
        for (const [label, f] of FILTERS) {
          for (const after of [null, { at: T0 + 50 * HOUR, id: 300 }]) {
            statements.length = 0;
            await listEntries(db.withPlugin(capture), f, after, 5);
            const res = await db.executeQuery<{ detail: string }>({ ...statements[0]!, sql: `explain query plan ${statements[0]!.sql}` });
            const details = res.rows.map((r) => r.detail);
            const read = /^(SCAN|SEARCH) a USING INDEX (\w+)/.exec(details[0] ?? '');
            const index = read?.[2] ?? '';
            const sorts = details.some((d) => d.includes('TEMP B-TREE'));
            const bounded = Object.keys(f).length > 0 || after !== null;
            const ok =
              read !== null &&
              indexesFor(f).includes(index) &&
              (read[1] === 'SEARCH') === bounded &&
              sorts === (index === 'audit_log_case');
            if (!ok) problems.push(`${label}${after ? ', after a cursor' : ''}: ${details.join(' | ')}`);
          }
        }
        expect(problems).toEqual([]);
        // The list of actions probes the action index, never scans the log.
        const plan = await sql<{ detail: string }>`explain query plan
          with recursive acts(action) as (
            select min(action) from audit_log
            union all
            select (select min(l.action) from audit_log l where l.action > acts.action) from acts where acts.action is not null
          ) select action from acts where action is not null`.execute(db);
        const details = plan.rows.map((r) => r.detail);
        expect(details.some((d) => d.includes('audit_log_action')), details.join(' | ')).toBe(true);
        expect(details.filter((d) => /^SCAN (audit_log|l)\b/.test(d)), details.join(' | ')).toEqual([]);
      });
  });
}
