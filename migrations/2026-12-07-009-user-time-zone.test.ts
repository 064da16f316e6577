import { Migrator, sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { engines } from '../test/engines.js';
import { migrations } from './index.js';

// The user time-zone migration on both engines: people added before it are in 'UTC', a person
// added without a zone afterwards is too, a zone is kept as written; down removes the column
// and up again puts everyone back in 'UTC'.

const USER_TIME_ZONE = '2026-12-07-009-user-time-zone';
// Migrations run in the order of their names (the migrator sorts them), whatever the order of the list.
const names = Object.keys(migrations).sort();
const BEFORE = names[names.indexOf(USER_TIME_ZONE) - 1]!;

for (const engine of engines) {
  describe.skipIf(!engine.available)(`the user time-zone migration on ${engine.name}`, () => {
    it('puts everyone in UTC, keeps a chosen zone, and goes down and up again', async () => {
      const { storage, dispose } = await engine.create();
      const migrator = new Migrator({
        db: storage.db,
        provider: { getMigrations: async () => migrations },
        migrationTableName: 'haven_migrations',
        migrationLockTableName: 'haven_migrations_lock',
      });
      const db = storage.db as unknown as Kysely<unknown>;
      const zones = async () =>
        (await sql<{ id: string; time_zone: string }>`select id, time_zone from users order by id`.execute(db)).rows;
      try {
        expect(names).toContain(USER_TIME_ZONE);
        expect((await migrator.migrateTo(BEFORE)).error).toBeUndefined();
        const now = Date.now();
        await sql`insert into users (id, email, display_name, role, status, password_hash, totp_secret_enc, totp_last_step, locale, created_at, updated_at)
          values ('u1', 'a@example.org', 'A', 'handler', 'active', null, null, null, 'fr', ${now}, ${now})`.execute(db);

        expect((await migrator.migrateTo(USER_TIME_ZONE)).error).toBeUndefined();
        expect(await zones()).toEqual([{ id: 'u1', time_zone: 'UTC' }]);

        await sql`insert into users (id, email, display_name, role, status, password_hash, totp_secret_enc, totp_last_step, locale, created_at, updated_at)
          values ('u2', 'b@example.org', 'B', 'admin', 'active', null, null, null, 'ar', ${now}, ${now})`.execute(db);
        await sql`insert into users (id, email, display_name, role, status, password_hash, totp_secret_enc, totp_last_step, locale, time_zone, created_at, updated_at)
          values ('u3', 'c@example.org', 'C', 'handler', 'active', null, null, null, 'ru', 'Asia/Kolkata', ${now}, ${now})`.execute(db);
        await sql`update users set time_zone = 'America/Bogota' where id = 'u1'`.execute(db);
        expect(await zones()).toEqual([
          { id: 'u1', time_zone: 'America/Bogota' },
          { id: 'u2', time_zone: 'UTC' },
          { id: 'u3', time_zone: 'Asia/Kolkata' },
        ]);
        // Never without a zone.
        await expect(sql`update users set time_zone = null where id = 'u2'`.execute(db)).rejects.toThrow();

        expect((await migrator.migrateTo(BEFORE)).error).toBeUndefined();
        await expect(sql`select time_zone from users`.execute(db)).rejects.toThrow();
        expect((await sql<{ n: number | string }>`select count(*) as n from users`.execute(db)).rows.map((r) => Number(r.n))).toEqual([3]);
        expect((await migrator.migrateTo(USER_TIME_ZONE)).error).toBeUndefined();
        expect((await zones()).map((r) => r.time_zone)).toEqual(['UTC', 'UTC', 'UTC']);
      } finally {
        await dispose();
      }
    });
  });
}
