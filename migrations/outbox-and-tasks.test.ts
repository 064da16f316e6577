import { Migrator, sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { engines } from '../test/engines.js';
import { migrations } from './index.js';

// The outbox-and-tasks migration on its own: the constraints the queue and the outbox rely
// on are the database's, and it steps down cleanly.

const NAME = '2026-12-02-001-outbox-and-tasks';

for (const engine of engines) {
  describe.skipIf(!engine.available)(`migration ${NAME} on ${engine.name}`, () => {
    it('keeps one task per name and key (unkeyed tasks apart), refuses an orphan delivery, and steps down', async () => {
      const { storage, dispose } = await engine.create();
      const migrator = new Migrator({
        db: storage.db,
        provider: { getMigrations: async () => migrations },
        migrationTableName: 'haven_migrations',
        migrationLockTableName: 'haven_migrations_lock',
      });
      // Frozen in time: the tables as this migration makes them, in plain SQL.
      const db = storage.db as unknown as Kysely<unknown>;
      const task = (id: string, name: string, key: string | null) =>
        sql`insert into tasks (id, name, payload, idempotency_key, state, run_at, created_at, updated_at)
            values (${id}, ${name}, '{}', ${key}, 'pending', 1, 1, 1)`.execute(db);
      try {
        expect((await migrator.migrateTo(NAME)).error).toBeUndefined();
        await task('t1', 'm.a', 'k');
        await expect(task('t2', 'm.a', 'k')).rejects.toThrow();
        await task('t3', 'm.b', 'k');
        await task('t4', 'm.a', null);
        await task('t5', 'm.a', null);
        const n = await sql<{ n: number | string }>`select count(*) as n from tasks`.execute(db);
        expect(Number(n.rows[0]!.n)).toBe(4);

        await sql`insert into outbox_events (id, type, payload, occurred_at) values ('e1', 'case.created', '{}', 1)`.execute(
          db,
        );
        await sql`insert into event_deliveries (id, event_id, subscriber, state, next_attempt_at, created_at, updated_at)
                  values ('d1', 'e1', 's', 'pending', 1, 1, 1)`.execute(db);
        await expect(
          sql`insert into event_deliveries (id, event_id, subscriber, state, next_attempt_at, created_at, updated_at)
              values ('d2', 'e1', 's', 'pending', 1, 1, 1)`.execute(db),
        ).rejects.toThrow();
        await expect(
          sql`insert into event_deliveries (id, event_id, subscriber, state, next_attempt_at, created_at, updated_at)
              values ('d3', 'missing', 's', 'pending', 1, 1, 1)`.execute(db),
        ).rejects.toThrow();
        const row = await sql<{
          attempts: number;
          locked_until: number | string;
        }>`select attempts, locked_until from event_deliveries`.execute(db);
        expect(row.rows.map((r) => [r.attempts, Number(r.locked_until)])).toEqual([[0, 0]]);

        const names = Object.keys(migrations);
        expect((await migrator.migrateTo(names[names.indexOf(NAME) - 1]!)).error).toBeUndefined();
        await expect(sql`select 1 from tasks`.execute(db)).rejects.toThrow();
        await expect(sql`select 1 from outbox_events`.execute(db)).rejects.toThrow();
      } finally {
        await dispose();
      }
    });
  });
}
