import { Migrator, sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { engines } from '../test/engines.js';
import { migrations } from './index.js';

// The need-to-know migration on both engines: cases made before it are not restricted, a case
// added afterwards without the flag is not either; a person is listed once per case; the list
// goes with its case and with its person; the partial index holds the restricted cases alone;
// down removes all of it and up again starts every case unrestricted.

const NEED_TO_KNOW = '2026-12-07-010-need-to-know';
// Migrations run in the order of their names (the migrator sorts them), whatever the order of the list.
const names = Object.keys(migrations).sort();
const BEFORE = names[names.indexOf(NEED_TO_KNOW) - 1]!;

for (const engine of engines) {
  describe.skipIf(!engine.available)(`the need-to-know migration on ${engine.name}`, () => {
    it('starts every case unrestricted, lists people once, follows deletions, and goes down and up again', async () => {
      const { storage, dispose } = await engine.create();
      const migrator = new Migrator({
        db: storage.db,
        provider: { getMigrations: async () => migrations },
        migrationTableName: 'haven_migrations',
        migrationLockTableName: 'haven_migrations_lock',
      });
      const db = storage.db as unknown as Kysely<unknown>;
      const now = Date.UTC(2026, 11, 7);
      const addCase = (id: number) =>
        sql`insert into cases (id, receipt_hash, key_wrapped, status, urgency, language, mandate, contact_method, awaiting_reply,
          created_at, updated_at, first_response_due_at, last_activity_at, version)
          values (${id}, ${`r${id}`}, ${Buffer.from([id])}, 'new', 'reactive', 'en', 'pending', 'none', 1, ${now}, ${now}, ${now}, ${now}, 1)`.execute(db);
      const flags = async () =>
        (await sql<{ id: number; restricted: number }>`select id, restricted from cases order by id`.execute(db)).rows.map((r) => [
          Number(r.id),
          Number(r.restricted),
        ]);
      try {
        expect(names).toContain(NEED_TO_KNOW);
        expect((await migrator.migrateTo(BEFORE)).error).toBeUndefined();
        for (const id of ['u1', 'u2'])
          await sql`insert into users (id, email, display_name, role, status, password_hash, totp_secret_enc, totp_last_step, locale, created_at, updated_at)
            values (${id}, ${`${id}@example.org`}, ${id}, 'handler', 'active', null, null, null, 'en', ${now}, ${now})`.execute(db);
        await addCase(1);

        expect((await migrator.migrateTo(NEED_TO_KNOW)).error).toBeUndefined();
        await addCase(2);
        expect(await flags()).toEqual([
          [1, 0],
          [2, 0],
        ]);
        await sql`update cases set restricted = 1 where id = 2`.execute(db);
        const listed = (caseId: number, userId: string) =>
          sql`insert into case_access (case_id, user_id, added_by, added_at) values (${caseId}, ${userId}, 'u1', ${now})`.execute(db);
        await listed(2, 'u1');
        await listed(2, 'u2');
        await listed(1, 'u2');
        // Once per person and case; never without a case or a person.
        await expect(listed(2, 'u1')).rejects.toThrow();
        await expect(listed(99, 'u1')).rejects.toThrow();
        await expect(listed(1, 'nobody')).rejects.toThrow();
        await expect(sql`update cases set restricted = null where id = 1`.execute(db)).rejects.toThrow();

        // The partial index answers for the restricted cases alone.
        const restricted = await sql<{ id: number }>`select id from cases where restricted = 1`.execute(db);
        expect(restricted.rows.map((r) => Number(r.id))).toEqual([2]);
        if (engine.name === 'sqlite') {
          const plan = await sql<{ detail: string }>`explain query plan select id from cases where restricted = 1`.execute(db);
          expect(plan.rows.map((r) => r.detail).join(' | ')).toContain('cases_restricted');
        }

        // The list goes with its case and with its person.
        await sql`delete from users where id = 'u2'`.execute(db);
        await sql`delete from cases where id = 1`.execute(db);
        const left = await sql<{ case_id: number; user_id: string }>`select case_id, user_id from case_access`.execute(db);
        expect(left.rows.map((r) => [Number(r.case_id), r.user_id])).toEqual([[2, 'u1']]);

        expect((await migrator.migrateTo(BEFORE)).error).toBeUndefined();
        await expect(sql`select restricted from cases`.execute(db)).rejects.toThrow();
        await expect(sql`select 1 from case_access`.execute(db)).rejects.toThrow();
        expect((await migrator.migrateTo(NEED_TO_KNOW)).error).toBeUndefined();
        expect(await flags()).toEqual([[2, 0]]);
      } finally {
        await dispose();
      }
    });
  });
}
