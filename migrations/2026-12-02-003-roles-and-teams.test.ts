import { Migrator, sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { engines } from '../test/engines.js';
import { migrations } from './index.js';

// The roles-and-teams migration on both engines: every person's role becomes their first row
// in user_roles; teams and their members can be written; a person's rows go with them; down
// removes the new tables and up again rebuilds user_roles from users.role.

const ROLES_AND_TEAMS = '2026-12-02-003-roles-and-teams';
const names = Object.keys(migrations);
const BEFORE = names[names.indexOf(ROLES_AND_TEAMS) - 1]!;

for (const engine of engines) {
  describe.skipIf(!engine.available)(`the roles-and-teams migration on ${engine.name}`, () => {
    it('fills user_roles from users.role, holds teams and members, and goes down and up again', async () => {
      const { storage, dispose } = await engine.create();
      const migrator = new Migrator({
        db: storage.db,
        provider: { getMigrations: async () => migrations },
        migrationTableName: 'haven_migrations',
        migrationLockTableName: 'haven_migrations_lock',
      });
      const db = storage.db as unknown as Kysely<unknown>;
      try {
        expect((await migrator.migrateTo(BEFORE)).error).toBeUndefined();
        const now = Date.now();
        for (const [id, role] of [['u1', 'admin'], ['u2', 'handler'], ['u3', 'auditor']] as const) {
          await sql`insert into users (id, email, display_name, role, status, password_hash, totp_secret_enc, totp_last_step, locale, created_at, updated_at)
            values (${id}, ${`${id}@example.org`}, ${id}, ${role}, 'active', null, null, null, 'en', ${now}, ${now})`.execute(db);
        }

        expect((await migrator.migrateTo(ROLES_AND_TEAMS)).error).toBeUndefined();
        const roles = async () =>
          (await sql<{ user_id: string; role: string }>`select user_id, role from user_roles order by user_id, role`.execute(db)).rows;
        expect(await roles()).toEqual([
          { user_id: 'u1', role: 'admin' },
          { user_id: 'u2', role: 'handler' },
          { user_id: 'u3', role: 'auditor' },
        ]);
        // A second role; the same one twice is refused by the key.
        await sql`insert into user_roles (user_id, role) values ('u2', 'coordinator')`.execute(db);
        await expect(sql`insert into user_roles (user_id, role) values ('u2', 'handler')`.execute(db)).rejects.toThrow();

        await sql`insert into teams (id, name, time_zone, region, created_at) values ('t1', 'Nairobi nights', 'Africa/Nairobi', 'africa', ${now}),
          ('t2', 'Americas', 'America/Bogota', null, ${now})`.execute(db);
        await sql`insert into team_members (team_id, user_id) values ('t1', 'u2'), ('t2', 'u2'), ('t1', 'u1')`.execute(db);
        await expect(sql`insert into teams (id, name, time_zone, region, created_at) values ('t3', 'Americas', 'UTC', null, ${now})`.execute(db)).rejects.toThrow();
        const members = await sql<{ team_id: string; user_id: string }>`select team_id, user_id from team_members order by team_id, user_id`.execute(db);
        expect(members.rows).toHaveLength(3);

        // A person's roles and memberships go with them.
        await sql`delete from users where id = 'u2'`.execute(db);
        expect((await roles()).map((r) => r.user_id)).toEqual(['u1', 'u3']);
        const left = await sql<{ user_id: string }>`select user_id from team_members`.execute(db);
        expect(left.rows.map((r) => r.user_id)).toEqual(['u1']);

        expect((await migrator.migrateTo(BEFORE)).error).toBeUndefined();
        await expect(sql`select 1 from user_roles`.execute(db)).rejects.toThrow();
        await expect(sql`select 1 from teams`.execute(db)).rejects.toThrow();
        await sql`update users set role = 'coordinator' where id = 'u3'`.execute(db);
        expect((await migrator.migrateTo(ROLES_AND_TEAMS)).error).toBeUndefined();
        expect(await roles()).toEqual([
          { user_id: 'u1', role: 'admin' },
          { user_id: 'u3', role: 'coordinator' },
        ]);
      } finally {
        await dispose();
      }
    });
  });
}
