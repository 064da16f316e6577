import { Migrator, sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { engines } from '../test/engines.js';
import { migrations } from './index.js';

// The shifts migration on both engines, up on a database with a team and a person: a weekly
// slot with its people; one change per person per shift date (a second is refused); one
// handover per team and shift end (a second is refused, as two processes would try); a note's
// sealed bytes kept as bytes; a team's removal takes its slots, exceptions, handovers and notes
// with it; down removes the tables and up makes them again.

const SHIFTS = '2026-12-07-011-shifts';
const names = Object.keys(migrations);
const BEFORE = names[names.indexOf(SHIFTS) - 1]!;

for (const engine of engines) {
  describe.skipIf(!engine.available)(`the shifts migration on ${engine.name}`, () => {
    it('keeps slots, exceptions and handovers one per key, goes with its team, and goes down and up again', async () => {
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
        const now = Date.UTC(2026, 11, 7, 12);
        await sql`insert into teams (id, name, time_zone, region, created_at) values ('t1', 'Team', 'Europe/Berlin', null, ${now})`.execute(
          db,
        );
        await sql`insert into users (id, email, display_name, role, status, password_hash, totp_secret_enc, totp_last_step, locale, created_at, updated_at)
                  values ('u1', 'u1@example.org', 'U One', 'handler', 'active', null, null, null, 'en', ${now}, ${now})`.execute(
          db,
        );
        expect((await migrator.migrateTo(SHIFTS)).error).toBeUndefined();

        await sql`insert into shift_slots (id, team_id, weekday, start_minute, end_minute, lead_id, created_at, updated_at) values ('s1', 't1', 1, 1320, 360, 'u1', ${now}, ${now})`.execute(
          db,
        );
        await sql`insert into shift_slot_members (slot_id, user_id) values ('s1', 'u1')`.execute(
          db,
        );
        await expect(
          sql`insert into shift_slot_members (slot_id, user_id) values ('s1', 'u1')`.execute(db),
        ).rejects.toThrow();
        await expect(
          sql`insert into shift_slots (id, team_id, weekday, start_minute, end_minute, lead_id, created_at, updated_at) values ('s2', 'nope', 1, 0, 60, null, ${now}, ${now})`.execute(
            db,
          ),
        ).rejects.toThrow();

        const exception = (id: string, subject: string, kind: string) =>
          sql`insert into shift_exceptions (id, slot_id, on_date, kind, subject, replacement_id, created_at, created_by) values (${id}, 's1', '2026-12-14', ${kind}, ${subject}, null, ${now}, 'u1')`.execute(
            db,
          );
        await exception('e1', 'u1', 'absence');
        await expect(exception('e2', 'u1', 'swap')).rejects.toThrow();
        await exception('e3', '', 'lead');
        await expect(exception('e4', '', 'lead')).rejects.toThrow();

        const handover = (id: string) =>
          sql`insert into handovers (id, team_id, slot_id, starts_at, ends_at, outgoing_lead_id, outgoing_ids, incoming_lead_id, incoming_ids, created_at, acknowledged_at, acknowledged_by)
              values (${id}, 't1', 's1', ${now}, ${now + 8 * 3_600_000}, 'u1', '["u1"]', null, '[]', ${now}, null, null)`.execute(
            db,
          );
        await handover('h1');
        await expect(handover('h2')).rejects.toThrow();
        const sealed = Buffer.from([0, 1, 2, 255, 254]);
        await sql`insert into handover_notes (id, handover_id, author_id, body_enc, created_at) values ('n1', 'h1', 'u1', ${sealed}, ${now})`.execute(
          db,
        );
        const back = await sql<{
          body_enc: Uint8Array;
        }>`select body_enc from handover_notes where id = 'n1'`.execute(db);
        expect(Buffer.from(back.rows[0]!.body_enc).equals(sealed)).toBe(true);
        const ends = await sql<{
          ends_at: number | string;
        }>`select ends_at from handovers where id = 'h1'`.execute(db);
        expect(Number(ends.rows[0]!.ends_at)).toBe(now + 8 * 3_600_000);

        await sql`delete from teams where id = 't1'`.execute(db);
        for (const table of [
          'shift_slots',
          'shift_slot_members',
          'shift_exceptions',
          'handovers',
          'handover_notes',
        ]) {
          const left = await sql<{
            n: number | string;
          }>`select count(*) as n from ${sql.table(table)}`.execute(db);
          expect(Number(left.rows[0]!.n), table).toBe(0);
        }

        expect((await migrator.migrateTo(BEFORE)).error).toBeUndefined();
        for (const table of [
          'shift_slots',
          'shift_slot_members',
          'shift_exceptions',
          'handovers',
          'handover_notes',
        ]) {
          await expect(sql`select 1 from ${sql.table(table)}`.execute(db), table).rejects.toThrow();
        }
        expect((await migrator.migrateTo(SHIFTS)).error).toBeUndefined();
        const empty = await sql<{
          n: number | string;
        }>`select count(*) as n from handovers`.execute(db);
        expect(Number(empty.rows[0]!.n)).toBe(0);
      } finally {
        await dispose();
      }
    });
  });
}
