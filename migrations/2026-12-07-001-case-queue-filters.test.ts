import { Migrator, sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { engines } from '../test/engines.js';
import { QUEUE_FILTER_INDEXES, queueFilterColumns } from './2026-12-07-001-case-queue-filters.js';
import { migrations } from './index.js';

// The queue-filter indexes on both engines: up replaces each single-column index by one that
// continues in the queue's order, keeping the cases; down puts the single-column ones back.

const QUEUE_FILTERS = '2026-12-07-001-case-queue-filters';
const names = Object.keys(migrations);
const BEFORE = names[names.indexOf(QUEUE_FILTERS) - 1]!;

async function caseIndexes(db: Kysely<unknown>, postgres: boolean): Promise<Map<string, string>> {
  const rows = postgres
    ? (
        await sql<{
          name: string;
          def: string;
        }>`select indexname as name, indexdef as def from pg_indexes where tablename = 'cases'`.execute(
          db,
        )
      ).rows
    : (
        await sql<{
          name: string;
          def: string | null;
        }>`select name, sql as def from sqlite_master where type = 'index' and tbl_name = 'cases'`.execute(
          db,
        )
      ).rows;
  return new Map(rows.map((r) => [r.name, (r.def ?? '').toLowerCase().replace(/"/g, '')]));
}

for (const engine of engines) {
  describe.skipIf(!engine.available)(`the queue-filter indexes migration on ${engine.name}`, () => {
    it('replaces the single-column indexes by ordered ones, keeps the cases, and goes down and up again', async () => {
      const { storage, dispose } = await engine.create();
      const migrator = new Migrator({
        db: storage.db,
        provider: { getMigrations: async () => migrations },
        migrationTableName: 'haven_migrations',
        migrationLockTableName: 'haven_migrations_lock',
      });
      const db = storage.db as unknown as Kysely<unknown>;
      const postgres = engine.name === 'postgres';
      try {
        expect((await migrator.migrateTo(BEFORE)).error).toBeUndefined();
        const now = Date.now();
        await sql`insert into cases (receipt_hash, key_wrapped, status, urgency, language, mandate, contact_method,
            awaiting_reply, created_at, updated_at, first_response_due_at, last_activity_at, region, incident_type)
          values ('r1', ${Buffer.from([1])}, 'new', 'reactive', 'en', 'pending', 'none', 1, ${now}, ${now}, ${now}, ${now}, 'africa', 'harassment')`.execute(
          db,
        );
        let indexes = await caseIndexes(db, postgres);
        for (const { index, replaces } of QUEUE_FILTER_INDEXES) {
          expect(indexes.has(replaces), replaces).toBe(true);
          expect(indexes.has(index), index).toBe(false);
        }

        expect((await migrator.migrateTo(QUEUE_FILTERS)).error).toBeUndefined();
        indexes = await caseIndexes(db, postgres);
        for (const { column, index, replaces } of QUEUE_FILTER_INDEXES) {
          expect(indexes.has(replaces), replaces).toBe(false);
          expect(indexes.get(index), index).toContain(`(${queueFilterColumns(column).join(', ')})`);
        }
        expect(queueFilterColumns('region')).toEqual([
          'region',
          'suspected_spam',
          'status',
          'awaiting_reply desc',
          'first_response_due_at',
          'id',
          'assignee_id',
          'incident_type',
          'language',
        ]);
        // Unassigned cases only, without the column they all leave empty.
        expect(indexes.get('cases_queue_unassigned')).toMatch(
          /\(suspected_spam, status, awaiting_reply desc, first_response_due_at, id, incident_type, region, language\) where \(?assignee_id is null\)?$/,
        );
        const kept = await sql<{
          region: string;
        }>`select region from cases where region = 'africa' and incident_type = 'harassment'`.execute(
          db,
        );
        expect(kept.rows).toEqual([{ region: 'africa' }]);

        expect((await migrator.migrateTo(BEFORE)).error).toBeUndefined();
        indexes = await caseIndexes(db, postgres);
        for (const { index, replaces } of QUEUE_FILTER_INDEXES) {
          expect(indexes.has(replaces), replaces).toBe(true);
          expect(indexes.has(index), index).toBe(false);
        }
        expect(indexes.has('cases_queue_unassigned')).toBe(false);
        expect((await migrator.migrateTo(QUEUE_FILTERS)).error).toBeUndefined();
        expect((await caseIndexes(db, postgres)).size).toBe(indexes.size + 1);
      } finally {
        await dispose();
      }
    });
  });
}
