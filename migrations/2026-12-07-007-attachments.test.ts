import { Migrator, sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { engines } from '../test/engines.js';
import { migrations } from './index.js';

// The attachments migration on both engines: a pending attachment (no case, no message) and
// an attached one can be written with their chunks; a chunk's place is unique; chunks go with
// their attachment, attachments with their message and their case; down removes both tables
// and up makes them again.

const ATTACHMENTS = '2026-12-07-007-attachments';
const names = Object.keys(migrations);
const BEFORE = names[names.indexOf(ATTACHMENTS) - 1]!;

for (const engine of engines) {
  describe.skipIf(!engine.available)(`the attachments migration on ${engine.name}`, () => {
    it('holds pending and attached files with their chunks, deletes them with their case, and goes down and up again', async () => {
      const { storage, dispose } = await engine.create();
      const migrator = new Migrator({
        db: storage.db,
        provider: { getMigrations: async () => migrations },
        migrationTableName: 'haven_migrations',
        migrationLockTableName: 'haven_migrations_lock',
      });
      const db = storage.db as unknown as Kysely<unknown>;
      const blob = (s: string) => Buffer.from(s);
      try {
        expect((await migrator.migrateTo(BEFORE)).error).toBeUndefined();
        const now = Date.now();
        await sql`insert into cases (receipt_hash, key_wrapped, status, urgency, language, mandate, contact_method, awaiting_reply, created_at, updated_at, first_response_due_at, last_activity_at)
          values ('r1', ${blob('k')}, 'new', 'reactive', 'en', 'unknown', 'none', 1, ${now}, ${now}, ${now}, ${now})`.execute(db);
        const caseId = (await sql<{ id: number }>`select id from cases`.execute(db)).rows[0]!.id;
        await sql`insert into messages (id, case_id, kind, author_id, body_enc, created_at) values ('m1', ${caseId}, 'requester', null, ${blob('b')}, ${now})`.execute(db);

        expect((await migrator.migrateTo(ATTACHMENTS)).error).toBeUndefined();
        await sql`insert into attachments (id, case_id, message_id, key_wrapped, sealed_to_key, header, meta_enc, type, size, chunk_count, created_at, expires_at)
          values ('a1', ${caseId}, 'm1', ${blob('w')}, null, ${blob('h')}, ${blob('m')}, 'application/pdf', ${5_000_000_000}, 2, ${now}, null),
                 ('p1', null, null, null, null, ${blob('h')}, null, 'image/png', 0, 0, ${now}, ${now + 1000})`.execute(db);
        await sql`insert into attachment_chunks (attachment_id, seq, data) values ('a1', 0, ${blob('c0')}), ('a1', 1, ${blob('c1')}), ('p1', 0, ${blob('p0')})`.execute(db);
        await expect(sql`insert into attachment_chunks (attachment_id, seq, data) values ('a1', 1, ${blob('again')})`.execute(db)).rejects.toThrow();
        await expect(sql`insert into attachment_chunks (attachment_id, seq, data) values ('nope', 0, ${blob('x')})`.execute(db)).rejects.toThrow();
        // Sizes beyond 2^31 fit (bigint on PostgreSQL).
        const size = await sql<{ size: string | number }>`select size from attachments where id = 'a1'`.execute(db);
        expect(Number(size.rows[0]!.size)).toBe(5_000_000_000);

        // A pending file's chunks go with it; an attached file goes with its case.
        await sql`delete from attachments where id = 'p1'`.execute(db);
        await sql`delete from cases where id = ${caseId}`.execute(db);
        expect((await sql`select id from attachments`.execute(db)).rows).toEqual([]);
        expect((await sql`select seq from attachment_chunks`.execute(db)).rows).toEqual([]);

        expect((await migrator.migrateTo(BEFORE)).error).toBeUndefined();
        await expect(sql`select 1 from attachments`.execute(db)).rejects.toThrow();
        await expect(sql`select 1 from attachment_chunks`.execute(db)).rejects.toThrow();
        expect((await migrator.migrateTo(ATTACHMENTS)).error).toBeUndefined();
        expect((await sql`select id from attachments`.execute(db)).rows).toEqual([]);
      } finally {
        await dispose();
      }
    });
  });
}
