import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { insertStaffRow } from '../../../test/staff-row.js';
import { ACTIVE_STATUSES, CASE_STATUSES } from '../../contracts/case.js';
import type { Dialect } from '../../platform/storage/db.js';
import type { Database } from '../../platform/storage/schema.js';
import { queueStatuses } from './case.js';
import { countQueue, listQueueRows, type QueueCursor, type QueueFilter, type QueueRow } from './case.repo.js';
import { useMillionCaseStatistics } from './case.fixtures.js';
import { countQueueFor, hiddenCases, visibleSql } from './access.js';
import { capturing } from '../../../test/capture.js';

// The staff queue's every filter, alone and two at a time, on both engines: walked page by
// page by keyset, it gives exactly the cases a plain sort of the table gives, in the same
// order. On SQLite, the plan of every statement it runs is pinned too: each reads an index in
// the queue's order (no sort of the matching cases), with the planner's statistics of a
// fresh database and with those of a million demo cases.

type Filter = Omit<QueueFilter, 'limit' | 'after'>;

const MAIN = { statuses: ACTIVE_STATUSES, suspectedSpam: 0 } as const;
const FILTERS: [string, Filter][] = [
  ['the queue', MAIN],
  ...CASE_STATUSES.map((s): [string, Filter] => [
    `status ${s}`,
    { statuses: [s], suspectedSpam: 0 },
  ]),
  ['suspected spam', { statuses: [...ACTIVE_STATUSES, 'spam'], suspectedSpam: 1 }],
  ['mine', { ...MAIN, assigneeId: 'u1' }],
  ['unassigned', { ...MAIN, assigneeId: null }],
  ['someone without cases', { ...MAIN, assigneeId: 'u3' }],
  ['incident type', { ...MAIN, incidentType: 'harassment' }],
  ['region', { ...MAIN, region: 'africa' }],
  ['language', { ...MAIN, language: 'ru' }],
  ['incident type and region', { ...MAIN, incidentType: 'harassment', region: 'africa' }],
  ['region and language', { ...MAIN, region: 'africa', language: 'ru' }],
  ['mine and region', { ...MAIN, assigneeId: 'u1', region: 'mena' }],
  ['unassigned and incident type', { ...MAIN, assigneeId: null, incidentType: 'doxing' }],
  ['language and incident type', { ...MAIN, language: 'en', incidentType: 'doxing' }],
  ['mine and language', { ...MAIN, assigneeId: 'u1', language: 'en' }],
  ['closed and mine', { statuses: ['closed'], suspectedSpam: 0, assigneeId: 'u1' }],
  ['closed and region', { statuses: ['closed'], suspectedSpam: 0, region: 'mena' }],
  [
    'suspected spam in a region',
    { statuses: [...ACTIVE_STATUSES, 'spam'], suspectedSpam: 1, region: 'africa' },
  ],
  // `status=all`: one range per status, closed ones too, as the service asks for them.
  ['all statuses', { statuses: queueStatuses('main', 'all'), suspectedSpam: 0 }],
  [
    'all statuses and mine',
    { statuses: queueStatuses('main', 'all'), suspectedSpam: 0, assigneeId: 'u1' },
  ],
  [
    'all statuses and language',
    { statuses: queueStatuses('main', 'all'), suspectedSpam: 0, language: 'es' },
  ],
  ['all suspected spam', { statuses: queueStatuses('spam', 'all'), suspectedSpam: 1 }],
];

/** The indexes that serve a filter in the queue's order: one that starts with a filtered column. */
function indexes(f: Filter): string[] {
  const own = [
    f.assigneeId !== undefined && 'cases_queue_assignee',
    f.assigneeId === null && 'cases_queue_unassigned',
    f.incidentType !== undefined && 'cases_queue_incident_type',
    f.region !== undefined && 'cases_queue_region',
    f.language !== undefined && 'cases_queue_language',
  ].filter((i): i is string => i !== false);
  return own.length > 0 ? own : ['cases_queue_main'];
}

/** A small deterministic generator, so a failure can be replayed. */
function rng(seed: number) {
  let s = seed;
  return {
    next: () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31,
    pick<T>(xs: readonly T[]): T {
      return xs[Math.floor(this.next() * xs.length)]!;
    },
  };
}

async function fill(db: Kysely<Database>, n: number): Promise<void> {
  const now = Date.UTC(2026, 0, 1);
  for (const [i, id] of ['u1', 'u2', 'u3'].entries())
    await insertStaffRow(db, {
      id,
      email: `${id}@example.org`,
      displayName: `U${i}`,
      role: 'handler',
      at: now,
    });
  const r = rng(7);
  const rows = Array.from({ length: n }, (_, i) => {
    // Few distinct deadlines, so ties are broken by id; both sides of awaiting_reply.
    const due = now + Math.floor(r.next() * 40) * 60_000;
    return {
      receipt_hash: `r${i}`,
      key_wrapped: Buffer.from([i % 256]),
      status: r.pick([...ACTIVE_STATUSES, ...ACTIVE_STATUSES, ...CASE_STATUSES]),
      urgency: 'reactive',
      incident_type: r.pick(['harassment', 'doxing', 'account_access', null]),
      severity: null,
      country: null,
      region: r.pick(['africa', 'mena', 'asia', null]),
      language: r.pick(['en', 'es', 'ru']),
      beneficiary: null,
      mandate: 'pending',
      contact_method: 'none',
      contact_enc: null,
      assignee_id: r.pick(['u1', 'u1', 'u2', null, null]),
      awaiting_reply: r.next() < 0.5 ? 1 : 0,
      created_at: now,
      updated_at: now,
      first_response_due_at: due,
      first_response_at: null,
      last_activity_at: now,
      closed_at: null,
      version: 1,
      suspected_spam: r.next() < 0.2 ? 1 : 0,
      spam_reason: null,
    };
  });
  for (let i = 0; i < rows.length; i += 100)
    await db
      .insertInto('cases')
      .values(rows.slice(i, i + 100))
      .execute();
}

/** What the queue must show for a filter: every matching case, in the queue's order. */
async function expected(db: Kysely<Database>, f: Filter): Promise<number[]> {
  const all = await db.selectFrom('cases').selectAll().execute();
  return all
    .filter(
      (c) =>
        f.statuses.includes(c.status) &&
        (f.suspectedSpam === undefined || c.suspected_spam === f.suspectedSpam) &&
        (f.incidentType === undefined || c.incident_type === f.incidentType) &&
        (f.region === undefined || c.region === f.region) &&
        (f.language === undefined || c.language === f.language) &&
        (f.assigneeId === undefined || c.assignee_id === f.assigneeId),
    )
    .sort(
      (a, b) =>
        b.awaiting_reply - a.awaiting_reply ||
        a.first_response_due_at - b.first_response_due_at ||
        a.id - b.id,
    )
    .map((c) => c.id);
}

async function walk(
  db: Kysely<Database>,
  dialect: Dialect,
  f: Filter,
  limit: number,
): Promise<number[]> {
  const seen: number[] = [];
  let after: QueueCursor | undefined;
  for (;;) {
    const rows: QueueRow[] = await listQueueRows(db, dialect, { ...f, after, limit });
    seen.push(...rows.map((r) => r.id));
    if (rows.length < limit) return seen;
    const last = rows[rows.length - 1]!;
    after = { awaiting: last.awaiting_reply, due: last.first_response_due_at, id: last.id };
  }
}

for (const engine of engines) {
  describe.skipIf(!engine.available)(`the staff queue's filters on ${engine.name}`, () => {
    let db: Kysely<Database>;
    let dialect: Dialect;
    let dispose: () => Promise<void>;

    beforeAll(async () => {
      const created = await engine.createMigrated();
      dispose = created.dispose;
      db = created.storage.db;
      dialect = created.storage.dialect;
      await fill(db, 600);
    });
    afterAll(async () => dispose?.());

    it('pages through every filter by keyset, as a plain sort of the table would list it', async () => {
      for (const [label, f] of FILTERS) {
        const want = await expected(db, f);
        // The total counts the same cases, no further than its cap.
        expect(await countQueue(db, f, 10_000), label).toBe(want.length);
        expect(await countQueue(db, f, 3), label).toBe(Math.min(3, want.length));
        if (label !== 'someone without cases') expect(want.length, label).toBeGreaterThan(3);
        expect(await walk(db, dialect, f, 7), label).toEqual(want);
        expect(await walk(db, dialect, f, 200), label).toEqual(want);
      }
    });

    // SQLite's plans only (PostgreSQL's planner is checked by the page walk above and the bench).
    if (engine.name === 'sqlite')
      it('reads each filter from an index in the queue order, never sorting the matching cases', async () => {
        const { statements, capture } = capturing(db);
        /** The plan of the one statement a page runs, each line of it. */
        const plan = async (f: QueueFilter): Promise<string[]> => {
          statements.length = 0;
          await listQueueRows(db.withPlugin(capture), 'sqlite', f);
          // The plugin also sees each part of the union; the statement run is the one ordered.
          const run = statements.filter((s) => s.sql.includes(' order by '));
          expect(run).toHaveLength(1);
          const res = await db.executeQuery<{ detail: string }>({
            ...run[0]!,
            sql: `explain query plan ${run[0]!.sql}`,
          });
          return res.rows.map((r) => r.detail);
        };
        // Each page as read by nobody in particular, by a handler (need-to-know: listed or not,
        // ADR 32) and by a coordinator (listed, or a lead of the case's teams): the same ranges.
        const readers = [
          ['', undefined],
          [', as a handler', visibleSql({ userId: 'u1', roles: ['handler'] })],
          [', as a lead', visibleSql({ userId: 'u2', roles: ['coordinator'] })],
        ] as const;
        const plans = async () => {
          const problems: string[] = [];
          for (const [label, f] of FILTERS) for (const [reader, visible] of readers) {
            // The first page (a range per status) and one after a cursor (two per status).
            const cursor = { awaiting: 1, due: Date.UTC(2026, 0, 1) + 20 * 60_000, id: 300 };
            for (const [after, ranges] of [
              [undefined, 1],
              [cursor, 2],
            ] as const) {
              const details = await plan({ ...f, limit: 5, after, visible });
              const reads = details.filter((d) => / cases\b/.test(d));
              const ok =
                reads.length === f.statuses.length * ranges &&
                reads.every((d) =>
                  indexes(f).some((i) => d.startsWith(`SEARCH cases USING INDEX ${i} (`)),
                ) &&
                !details.some((d) => d.includes('TEMP B-TREE')) &&
                (f.statuses.length * ranges === 1 || details[0] === 'MERGE (UNION ALL)');
              if (!ok)
                problems.push(`${label}${reader}${after ? ', after a cursor' : ''}: ${details.join(' | ')}`);
            }
          }
          return problems;
        };

        // A fresh database: no statistics at all.
        expect(await plans()).toEqual([]);

        // The statistics ANALYZE gathered on a million demo cases (`haven demo --requests
        // 1000000`), where a bound `suspected_spam = ?` made SQLite sort every assigned case;
        // then the same without the queue-filter indexes', as in a database analyzed before
        // the migration that added them.
        await sql`analyze`.execute(db);
        for (const without of [[], QUEUE_FILTER_INDEXES]) {
          await useMillionCaseStatistics(db, without);
          expect(await plans()).toEqual([]);
        }
      });

    // The latest-activity and newest-received orders, with the received-date filter: the same
    // walk, and on SQLite each range read backwards from the order's own (partial) index.
    it('pages through the activity and received orders by keyset, and reads each from its own index', async () => {
      const start = Date.UTC(2026, 0, 1);
      // Times with ties, so the id breaks them; received and activity in different orders.
      await sql`update cases set created_at = cast(${start} as bigint) + (id * 7919 % 50) * 60000,
        last_activity_at = cast(${start} as bigint) + (id * 104729 % 40) * 60000`.execute(db);
      const from = start + 10 * 60_000;
      const before = start + 30 * 60_000;
      const cases: { label: string; f: Filter & { receivedFrom?: number; receivedBefore?: number } }[] = [
        { label: 'the queue', f: MAIN },
        { label: 'all statuses', f: { statuses: queueStatuses('main', 'all'), suspectedSpam: 0 } },
        { label: 'mine', f: { ...MAIN, assigneeId: 'u1' } },
        { label: 'region and language', f: { ...MAIN, region: 'africa', language: 'ru' } },
        { label: 'received between', f: { ...MAIN, receivedFrom: from, receivedBefore: before } },
        { label: 'suspected spam received since', f: { statuses: [...ACTIVE_STATUSES, 'spam'], suspectedSpam: 1, receivedFrom: from } },
      ];
      for (const sort of ['activity', 'received'] as const) {
        const key = sort === 'activity' ? 'last_activity_at' : 'created_at';
        for (const { label, f } of cases) {
          const all = await db.selectFrom('cases').selectAll().execute();
          const want = all
            .filter(
              (c) =>
                f.statuses.includes(c.status) &&
                c.suspected_spam === f.suspectedSpam &&
                (f.region === undefined || c.region === f.region) &&
                (f.language === undefined || c.language === f.language) &&
                (f.assigneeId === undefined || c.assignee_id === f.assigneeId) &&
                (f.receivedFrom === undefined || c.created_at >= f.receivedFrom) &&
                (f.receivedBefore === undefined || c.created_at < f.receivedBefore),
            )
            .sort((a, b) => b[key] - a[key] || b.id - a.id)
            .map((c) => c.id);
          expect(want.length, `${sort}, ${label}`).toBeGreaterThan(3);
          for (const limit of [7, 200]) {
            const seen: number[] = [];
            let after: { at: number; id: number } | undefined;
            for (;;) {
              const rows = await listQueueRows(db, dialect, { ...f, sort, after, limit });
              seen.push(...rows.map((r) => r.id));
              if (rows.length < limit) break;
              const last = rows[rows.length - 1]!;
              after = { at: last[key], id: last.id };
            }
            expect(seen, `${sort}, ${label}, pages of ${limit}`).toEqual(want);
          }
        }
      }

      if (engine.name !== 'sqlite') return;
      const { statements, capture } = capturing(db);
      const problems: string[] = [];
      const check = async (stats: string) => {
        for (const sort of ['activity', 'received'] as const) {
          for (const { label, f } of [cases[0]!, cases[1]!, cases[4]!]) {
            for (const after of [undefined, { at: from, id: 300 }]) {
              statements.length = 0;
              await listQueueRows(db.withPlugin(capture), 'sqlite', { ...f, sort, after, limit: 5 });
              const run = statements.filter((x) => x.sql.includes(' order by '));
              const res = await db.executeQuery<{ detail: string }>({ ...run[0]!, sql: `explain query plan ${run[0]!.sql}` });
              const details = res.rows.map((r) => r.detail);
              const reads = details.filter((d) => / cases\b/.test(d));
              const ok =
                reads.length === f.statuses.length &&
                reads.every((d) => d.startsWith(`SEARCH cases USING INDEX cases_queue_${sort} (`)) &&
                !details.some((d) => d.includes('TEMP B-TREE'));
              if (!ok) problems.push(`${stats}, ${sort}, ${label}${after ? ', after a cursor' : ''}: ${details.join(' | ')}`);
            }
          }
        }
      };
      await sql`analyze`.execute(db);
      await useMillionCaseStatistics(db);
      await check('a million cases, analyzed before the order indexes existed');
      // The total: read from an index alone; with received days, a range of the received index.
      for (const { label, f } of cases) {
        statements.length = 0;
        await countQueue(db.withPlugin(capture), f, 1_001);
        const run = statements.filter((x) => x.sql.includes('count('));
        const res = await db.executeQuery<{ detail: string }>({ ...run[0]!, sql: `explain query plan ${run[0]!.sql}` });
        const reads = res.rows.map((r) => r.detail).filter((d) => / cases\b/.test(d));
        const want = f.receivedFrom !== undefined ? 'cases_queue_received' : null;
        const ok =
          reads.length === f.statuses.length &&
          reads.every((d) => d.startsWith('SEARCH cases USING COVERING INDEX ')) &&
          reads.every((d) => (want ? d.includes(`INDEX ${want} (`) && / created_at[><]/.test(d) : true));
        if (!ok) problems.push(`count, ${label}: ${reads.join(' | ')}`);
      }
      expect(problems).toEqual([]);
    });

    // Need-to-know (ADR 32): a page leaves out the restricted cases its reader may not know, and
    // the keyset walk still gives every other case once, in order; the total, counted from the
    // covering indexes, takes the hidden ones away (access.ts countQueueFor), below its cap and at it.
    it('leaves out of every filter, page and total the restricted cases the reader may not know', async () => {
      await sql`update cases set restricted = 1 where id % 7 = 0`.execute(db);
      const restricted = (await db.selectFrom('cases').select('id').where('restricted', '=', 1).execute()).map((r) => r.id);
      const listed = restricted.filter((id) => id % 2 === 0);
      for (const id of listed)
        await db.insertInto('case_access').values({ case_id: id, user_id: 'u1', added_by: 'u2', added_at: 0 }).execute();
      const reader = { userId: 'u1', roles: ['handler'] } as const;
      const hidden = new Set(restricted.filter((id) => !listed.includes(id)));
      expect(hidden.size).toBeGreaterThan(10);
      try {
        for (const [label, f] of FILTERS) {
          const want = (await expected(db, f)).filter((id) => !hidden.has(id));
          expect(await walk(db, dialect, { ...f, visible: visibleSql(reader) }, 7), label).toEqual(want);
          expect(await countQueueFor(db, reader, f, 10_000), label).toBe(want.length);
          expect(await countQueueFor(db, reader, f, 3), label).toBe(Math.min(3, want.length));
        }
        // What the totals take away is read from the partial index of restricted cases, never a
        // scan of the others (on SQLite, here with a million cases' statistics).
        if (engine.name === 'sqlite') {
          const { statements, capture } = capturing(db);
          expect((await hiddenCases(db.withPlugin(capture), reader)).length).toBe(hidden.size);
          const res = await db.executeQuery<{ detail: string }>({ ...statements[0]!, sql: `explain query plan ${statements[0]!.sql}` });
          const reads = res.rows.map((r) => r.detail).filter((d) => / cases\b/.test(d));
          expect(reads).toEqual([expect.stringMatching(/^SCAN cases USING INDEX cases_restricted|^SEARCH cases USING INDEX cases_restricted/)]);
        }
      } finally {
        await db.deleteFrom('case_access').execute();
        await sql`update cases set restricted = 0`.execute(db);
      }
    });
  });
}

const QUEUE_FILTER_INDEXES = [
  'cases_queue_assignee',
  'cases_queue_unassigned',
  'cases_queue_incident_type',
  'cases_queue_region',
  'cases_queue_language',
];

