import { Migrator, sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { engines } from '../test/engines.js';
import { migrations } from './index.js';

// The escalation migration on both engines: one ladder per team (the global one has none), a
// ladder's steps go with it and hold one position each, a case reaches a step once per wait,
// the SLA rows have no tie to the case (they outlive it) and a case's teams go with its row;
// down removes every table and up makes them again.

const ESCALATION = '2026-12-07-012-escalation';
const names = Object.keys(migrations);
const BEFORE = names[names.indexOf(ESCALATION) - 1]!;

for (const engine of engines) {
  describe.skipIf(!engine.available)(`the escalation migration on ${engine.name}`, () => {
    it('keeps ladders, steps, escalations and SLA rows to their keys, and goes down and up again', async () => {
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
        expect((await migrator.migrateTo(ESCALATION)).error).toBeUndefined();
        const now = Date.now();
        // Nothing is seeded: the global ladder is the configuration's until saved.
        expect((await sql`select id from escalation_ladders`.execute(db)).rows).toEqual([]);

        await sql`insert into teams (id, name, time_zone, region, created_at) values ('t1', 'Night', 'UTC', null, ${now})`.execute(db);
        await sql`insert into escalation_ladders (id, team_id, resolution_hours, version, updated_at, updated_by) values ('global', null, 168, 1, ${now}, null)`.execute(db);
        await sql`insert into escalation_ladders (id, team_id, resolution_hours, version, updated_at, updated_by) values ('l1', 't1', 24, 1, ${now}, null)`.execute(db);
        await expect(
          sql`insert into escalation_ladders (id, team_id, resolution_hours, version, updated_at, updated_by) values ('l2', 't1', 24, 1, ${now}, null)`.execute(db),
        ).rejects.toThrow();
        await sql`insert into escalation_steps (id, ladder_id, position, minutes, action, urgency, severity) values ('s1', 'l1', 0, 10, 'notify_director', null, null)`.execute(db);
        await expect(
          sql`insert into escalation_steps (id, ladder_id, position, minutes, action, urgency, severity) values ('s2', 'l1', 0, 20, 'notify_director', null, null)`.execute(db),
        ).rejects.toThrow();
        // A team deleted takes its ladder and steps with it.
        await sql`delete from teams where id = 't1'`.execute(db);
        expect((await sql`select id from escalation_ladders order by id`.execute(db)).rows).toEqual([{ id: 'global' }]);
        expect((await sql`select id from escalation_steps`.execute(db)).rows).toEqual([]);

        // The SLA read model: a case's teams, once each, going with its row.
        await sql`insert into case_sla (case_id, arrived_at, urgency, first_response_due_at, first_response_at, resolution_due_at, resolved_at, excluded, updated_at) values (42, ${now}, 'reactive', ${now + 1}, null, ${now + 2}, null, 0, ${now})`.execute(db);
        await sql`insert into case_sla_teams (case_id, team_id, arrived_at, shift_starts_at, shift_ends_at) values (42, '', ${now}, null, null)`.execute(db);
        await expect(
          sql`insert into case_sla_teams (case_id, team_id, arrived_at, shift_starts_at, shift_ends_at) values (42, '', ${now}, null, null)`.execute(db),
        ).rejects.toThrow();
        // The SLA row names case 42, which does not exist: no tie to cases, so it outlives one.
        await sql`delete from case_sla where case_id = 42`.execute(db);
        expect((await sql`select case_id from case_sla_teams`.execute(db)).rows).toEqual([]);

        expect((await migrator.migrateTo(BEFORE)).error).toBeUndefined();
        for (const table of ['escalation_ladders', 'escalation_steps', 'case_escalations', 'case_sla', 'case_sla_teams'])
          await expect(sql`select 1 from ${sql.table(table)}`.execute(db)).rejects.toThrow();
        expect((await migrator.migrateTo(ESCALATION)).error).toBeUndefined();
        expect((await sql`select count(*) as n from case_escalations`.execute(db)).rows).toHaveLength(1);
      } finally {
        await dispose();
      }
    });
  });
}
