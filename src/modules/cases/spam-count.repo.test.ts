import { sql, type CompiledQuery, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { ACTIVE_STATUSES, CASE_STATUSES } from '../../contracts/case.js';
import type { Database } from '../../platform/storage/schema.js';
import { countSuspectedSpam } from './case.repo.js';
import { useMillionCaseStatistics } from './case.fixtures.js';
import { capturing } from '../../../test/capture.js';

// The suspected-spam count in the staff bar: exact up to its cap, never more than the cap, on
// both engines, as one statement with one LIMIT over a union of one range per status. On SQLite
// its plan is pinned: each range read from cases_queue_main alone (no case is read), with a fresh
// database's planner and with the statistics of a million demo cases; the LIMIT bounds how many
// index entries it reads. (PostgreSQL's planner picks by table size: on a small test table a
// sequential scan is right, so its plan is left to the bench.)

const now = Date.UTC(2026, 0, 1);

/** `n` cases in `status`, suspected or not. */
async function add(db: Kysely<Database>, n: number, status: string, suspected: 0 | 1, from: number): Promise<void> {
  const rows = Array.from({ length: n }, (_, i) => ({
    receipt_hash: `r${from + i}`,
    key_wrapped: Buffer.from([i % 256]),
    status,
    urgency: 'reactive',
    incident_type: null,
    severity: null,
    country: null,
    region: null,
    language: 'en',
    beneficiary: null,
    mandate: 'pending',
    contact_method: 'none',
    contact_enc: null,
    assignee_id: null,
    awaiting_reply: i % 2,
    created_at: now,
    updated_at: now,
    first_response_due_at: now + i,
    first_response_at: null,
    last_activity_at: now,
    closed_at: null,
    version: 1,
    suspected_spam: suspected,
    spam_reason: suspected ? 'too_fast' : null,
  }));
  for (let i = 0; i < rows.length; i += 200) await db.insertInto('cases').values(rows.slice(i, i + 200)).execute();
}

for (const engine of engines) {
  describe.skipIf(!engine.available)(`the suspected-spam count on ${engine.name}`, () => {
    let db: Kysely<Database>;
    let dispose: () => Promise<void>;

    beforeAll(async () => {
      const created = await engine.createMigrated();
      dispose = created.dispose;
      db = created.storage.db;
    });
    afterAll(async () => dispose?.());

    it('counts suspected cases in the given statuses only, and no further than its cap', async () => {
      expect(await countSuspectedSpam(db, ACTIVE_STATUSES, 1000)).toBe(0);
      let next = 0;
      const put = async (n: number, status: string, suspected: 0 | 1) => {
        await add(db, n, status, suspected, next);
        next += n;
      };
      await put(3, 'new', 1);
      await put(2, 'vetting', 1);
      await put(4, 'spam', 1);
      await put(5, 'closed', 1);
      await put(6, 'new', 0);
      await put(7, 'open', 0);
      expect(await countSuspectedSpam(db, ACTIVE_STATUSES, 1000)).toBe(5);
      expect(await countSuspectedSpam(db, ['spam'], 1000)).toBe(4);
      expect(await countSuspectedSpam(db, CASE_STATUSES, 1000)).toBe(14);
      expect(await countSuspectedSpam(db, [], 1000)).toBe(0);
      expect(await countSuspectedSpam(db, ACTIVE_STATUSES, 4)).toBe(4);

      await put(1000, 'open', 1);
      expect(await countSuspectedSpam(db, ACTIVE_STATUSES, 1000)).toBe(1000);
      expect(await countSuspectedSpam(db, ACTIVE_STATUSES, 2000)).toBe(1005);
    });

    /** The statement the count runs (the plugin sees its parts too; the one run is the outer one). */
    const counted = async (): Promise<CompiledQuery> => {
      const { statements, capture } = capturing(db);
      await countSuspectedSpam(db.withPlugin(capture), ACTIVE_STATUSES, 1000);
      const run = statements.filter((s) => s.sql.startsWith('select count(*)'));
      expect(run).toHaveLength(1);
      // One LIMIT, over the whole union.
      expect(run[0]!.sql.match(/ limit /g)).toHaveLength(1);
      return run[0]!;
    };

    if (engine.name === 'sqlite')
      it('reads cases_queue_main alone, one range per status, fresh and with a million cases’ statistics', async () => {
        const plan = async (): Promise<string[]> => {
          const run = await counted();
          const res = await db.executeQuery<{ detail: string }>({ ...run, sql: `explain query plan ${run.sql}` });
          return res.rows.map((r) => r.detail);
        };
        const expectIndexOnly = (details: string[]) => {
          const reads = details.filter((d) => / cases\b/.test(d));
          expect(reads, details.join(' | ')).toEqual(
            ACTIVE_STATUSES.map(() => 'SEARCH cases USING COVERING INDEX cases_queue_main (suspected_spam=? AND status=?)'),
          );
          expect(details.some((d) => d.includes('TEMP B-TREE')), details.join(' | ')).toBe(false);
        };

        expectIndexOnly(await plan());

        // The statistics ANALYZE gathered after `haven demo --requests 1000000`.
        await sql`analyze`.execute(db);
        await useMillionCaseStatistics(db);
        expectIndexOnly(await plan());
      });
  });
}

