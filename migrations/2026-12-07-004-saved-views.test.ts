import { Migrator, sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { engines } from '../test/engines.js';
import { QUEUE_ORDER_INDEXES } from './2026-12-07-004-saved-views.js';
import { migrations } from './index.js';

// The queue's order indexes and saved views on both engines: up adds the two partial indexes
// and the table, keeping the cases; a view goes with its person and is unique per person by
// name; down takes them away, and up again puts them back.

const SAVED_VIEWS = '2026-12-07-004-saved-views';
const names = Object.keys(migrations);
const BEFORE = names[names.indexOf(SAVED_VIEWS) - 1]!;

async function caseIndexes(db: Kysely<unknown>, postgres: boolean): Promise<Map<string, string>> {
  const rows = postgres
    ? (await sql<{ name: string; def: string }>`select indexname as name, indexdef as def from pg_indexes where tablename = 'cases'`.execute(db)).rows
    : (await sql<{ name: string; def: string | null }>`select name, sql as def from sqlite_master where type = 'index' and tbl_name = 'cases'`.execute(db)).rows;
  return new Map(rows.map((r) => [r.name, (r.def ?? '').toLowerCase().replace(/"/g, '')]));
}

for (const engine of engines) {
  describe.skipIf(!engine.available)(`the saved-views migration on ${engine.name}`, () => {
    it('adds the order indexes and saved views, keeps the cases, and goes down and up again', async () => {
      const { storage, dispose } = await engine.create();
      const migrator = new Migrator({
        db: storage.db,
        provider: { getMigrations: async () => migrations },
        migrationTableName: 'haven_migrations',
        migrationLockTableName: 'haven_migrations_lock',
        // The migrations after this one may have run already where it lands later.
        allowUnorderedMigrations: true,
      });
      const db = storage.db as unknown as Kysely<unknown>;
      const postgres = engine.name === 'postgres';
      try {
        expect((await migrator.migrateTo(BEFORE)).error).toBeUndefined();
        const now = Date.now();
        await sql`insert into cases (receipt_hash, key_wrapped, status, urgency, language, mandate, contact_method,
            awaiting_reply, created_at, updated_at, first_response_due_at, last_activity_at)
          values ('r1', ${Buffer.from([1])}, 'new', 'reactive', 'en', 'pending', 'none', 1, ${now}, ${now}, ${now}, ${now})`.execute(db);
        await sql`insert into users (id, email, display_name, role, status, locale, created_at, updated_at)
          values ('u1', 'u1@example.org', 'U1', 'handler', 'active', 'en', ${now}, ${now})`.execute(db);

        expect((await migrator.migrateTo(SAVED_VIEWS)).error).toBeUndefined();
        const indexes = await caseIndexes(db, postgres);
        for (const { index, columns, condition } of QUEUE_ORDER_INDEXES) {
          const def = indexes.get(index) ?? '';
          expect(def, index).toContain(`(${columns.join(', ')})`);
          // Partial: only a query that states the condition may use it.
          expect(def, index).toMatch(new RegExp(`where \\(?${condition} >= 0\\)?$`));
        }
        expect(Number((await sql<{ n: number | string }>`select count(*) as n from cases`.execute(db)).rows[0]!.n)).toBe(1);

        const view = (id: string, name: string) =>
          sql`insert into saved_views (id, user_id, name, query, created_at) values (${id}, 'u1', ${name}, 'sort=activity', ${now})`.execute(db);
        await view('v1', 'Mine');
        await expect(view('v2', 'Mine')).rejects.toThrow();
        await view('v3', 'Other');
        await sql`delete from users where id = 'u1'`.execute(db);
        expect((await sql`select id from saved_views`.execute(db)).rows).toEqual([]);

        expect((await migrator.migrateTo(BEFORE)).error).toBeUndefined();
        const after = await caseIndexes(db, postgres);
        for (const { index } of QUEUE_ORDER_INDEXES) expect(after.has(index), index).toBe(false);
        await expect(sql`select id from saved_views`.execute(db)).rejects.toThrow();
        expect((await migrator.migrateTo(SAVED_VIEWS)).error).toBeUndefined();
        expect((await caseIndexes(db, postgres)).size).toBe(after.size + 2);
      } finally {
        await dispose();
      }
    });
  });
}
