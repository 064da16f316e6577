import { Migrator, sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { engines } from '../test/engines.js';
import { migrations } from './index.js';

// The notifications migration on both engines: a notification names a person and a case and
// goes with either; a preference is one row per person, kind and channel; a mark is written
// once (a second copy is refused, which is what keeps a rerun from notifying twice); down
// removes the three tables and up makes them again.

const NOTIFICATIONS = '2026-12-07-005-notifications';
const names = Object.keys(migrations);
const BEFORE = names[names.indexOf(NOTIFICATIONS) - 1]!;

for (const engine of engines) {
  describe.skipIf(!engine.available)(`the notifications migration on ${engine.name}`, () => {
    it('holds notifications, preferences and marks, and goes down and up again', async () => {
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
        await sql`insert into users (id, email, display_name, role, status, password_hash, totp_secret_enc, totp_last_step, locale, created_at, updated_at)
          values ('u1', 'u1@example.org', 'U1', 'handler', 'active', null, null, null, 'en', ${now}, ${now}),
                 ('u2', 'u2@example.org', 'U2', 'handler', 'active', null, null, null, 'es', ${now}, ${now})`.execute(db);
        await sql`insert into cases (receipt_hash, key_wrapped, status, urgency, incident_type, language, mandate, contact_method, awaiting_reply, created_at, updated_at, first_response_due_at, last_activity_at, closed_at, version)
          values ('h1', ${Buffer.from([1])}, 'new', 'reactive', null, 'en', 'pending', 'none', 1, ${now}, ${now}, ${now}, ${now}, null, 1),
                 ('h2', ${Buffer.from([2])}, 'new', 'reactive', null, 'en', 'pending', 'none', 1, ${now}, ${now}, ${now}, ${now}, null, 1)`.execute(db);
        const ids = (await sql<{ id: number }>`select id from cases order by id`.execute(db)).rows.map((r) => Number(r.id));

        expect((await migrator.migrateTo(NOTIFICATIONS)).error).toBeUndefined();
        await sql`insert into notifications (id, user_id, kind, case_id, in_app, created_at, read_at, email_state, email_claimed_at, email_sent_at)
          values ('n1', 'u1', 'case_assigned', ${ids[0]}, 1, ${now}, null, 'pending', null, null),
                 ('n2', 'u2', 'new_request', ${ids[0]}, 1, ${now}, ${now}, 'none', null, null),
                 ('n3', 'u1', 'new_request', ${ids[1]}, 0, ${now}, null, 'sent', ${now}, ${now})`.execute(db);
        // A notification names a person and a case that exist.
        await expect(
          sql`insert into notifications (id, user_id, kind, case_id, in_app, created_at, read_at, email_state, email_claimed_at, email_sent_at)
            values ('n4', 'nobody', 'case_assigned', ${ids[0]}, 1, ${now}, null, 'none', null, null)`.execute(db),
        ).rejects.toThrow();
        await sql`insert into notification_preferences (user_id, kind, channel, enabled, updated_at)
          values ('u1', 'new_request', 'email', 1, ${now}), ('u1', 'new_request', 'in_app', 0, ${now})`.execute(db);
        await expect(
          sql`insert into notification_preferences (user_id, kind, channel, enabled, updated_at) values ('u1', 'new_request', 'email', 0, ${now})`.execute(db),
        ).rejects.toThrow();
        await sql`insert into notification_marks (mark, created_at) values ('event:e1', ${now})`.execute(db);
        await expect(sql`insert into notification_marks (mark, created_at) values ('event:e1', ${now})`.execute(db)).rejects.toThrow();

        // A person's notifications and choices go with them; a case's notifications with it.
        await sql`delete from users where id = 'u2'`.execute(db);
        await sql`delete from cases where id = ${ids[1]}`.execute(db);
        const left = await sql<{ id: string }>`select id from notifications order by id`.execute(db);
        expect(left.rows.map((r) => r.id)).toEqual(['n1']);
        await sql`delete from users where id = 'u1'`.execute(db);
        const prefs = await sql<{ n: number }>`select count(*) as n from notification_preferences`.execute(db);
        expect(Number(prefs.rows[0]!.n)).toBe(0);

        expect((await migrator.migrateTo(BEFORE)).error).toBeUndefined();
        for (const table of ['notifications', 'notification_preferences', 'notification_marks'])
          await expect(sql`select 1 from ${sql.table(table)}`.execute(db)).rejects.toThrow();
        expect((await migrator.migrateTo(NOTIFICATIONS)).error).toBeUndefined();
        const marks = await sql<{ n: number }>`select count(*) as n from notification_marks`.execute(db);
        expect(Number(marks.rows[0]!.n)).toBe(0);
      } finally {
        await dispose();
      }
    });
  });
}
