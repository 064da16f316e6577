import { Migrator, sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrateToLatest } from '../src/platform/storage/migrate.js';
import { engines } from '../test/engines.js';
import { migrations } from './index.js';

for (const engine of engines) {
  describe.skipIf(!engine.available)(`migrations on ${engine.name}`, () => {
    it('apply in order on an empty database, then are a no-op', async () => {
      const { storage, dispose } = await engine.create();
      try {
        const first = await migrateToLatest(storage);
        expect(first.results?.map((r) => r.migrationName)).toEqual(Object.keys(migrations));
        expect(first.results?.every((r) => r.status === 'Success')).toBe(true);
        const again = await migrateToLatest(storage);
        expect(again.results).toEqual([]);
      } finally {
        await dispose();
      }
    });

    it('step one at a time, keeping data written at every earlier step, and step back down', async () => {
      const { storage, dispose } = await engine.create();
      const migrator = new Migrator({
        db: storage.db,
        provider: { getMigrations: async () => migrations },
        migrationTableName: 'haven_migrations',
        migrationLockTableName: 'haven_migrations_lock',
      });
      try {
        const names = Object.keys(migrations);
        const now = Date.now();
        for (const [i, name] of names.entries()) {
          const res = await migrator.migrateTo(name);
          expect(res.error, name).toBeUndefined();
          // A user written after each step must still be there after every later one.
          await storage.db
            .insertInto('users')
            .values({ id: `u${i}`, email: `u${i}@example.org`, display_name: `U${i}`, role: 'handler', status: 'active', password_hash: null, totp_secret_enc: null, totp_last_step: null, locale: 'en', created_at: now, updated_at: now })
            .execute();
        }
        const users = await storage.db.selectFrom('users').select('id').orderBy('id').execute();
        // Compared as sets: `u10` sorts before `u2`.
        expect(users.map((u) => u.id).sort()).toEqual(names.map((_, i) => `u${i}`).sort());
        // Down to the first migration and back up again: every later step reverses cleanly.
        const down = await migrator.migrateTo(names[0]!);
        expect(down.error).toBeUndefined();
        const up = await migrateToLatest(storage);
        expect(up.results?.map((r) => r.migrationName)).toEqual(names.slice(1));
      } finally {
        await dispose();
      }
    });

    it('keep retention rules through the per-type migration, up, down and up again', async () => {
      const { storage, dispose } = await engine.create();
      const migrator = new Migrator({
        db: storage.db,
        provider: { getMigrations: async () => migrations },
        migrationTableName: 'haven_migrations',
        migrationLockTableName: 'haven_migrations_lock',
      });
      const BEFORE = '2026-11-22-006-intake-abuse';
      const BY_TYPE = '2026-12-01-001-retention-by-type';
      // The tables change shape across these steps, so this test speaks plain SQL.
      const db = storage.db as unknown as Kysely<unknown>;
      const rules = async () =>
        (
          await sql<{ r: string }>`select status || ':' || days || ':' || enabled as r from retention_rules order by status`.execute(db)
        ).rows.map((x) => x.r);
      try {
        expect((await migrator.migrateTo(BEFORE)).error).toBeUndefined();
        // Written at the old shape: a changed default, a new status, and a triaged closed case.
        await sql`update retention_rules set days = 45, enabled = 0 where status = 'closed'`.execute(db);
        await sql`insert into retention_rules (status, basis, days, enabled, updated_at, updated_by) values ('waiting', 'last_activity_at', 30, 1, 1, null)`.execute(db);
        const now = Date.now();
        await sql`insert into cases (receipt_hash, key_wrapped, status, urgency, incident_type, language, mandate, contact_method, awaiting_reply, created_at, updated_at, first_response_due_at, last_activity_at, closed_at, version)
          values ('h1', ${Buffer.from([1])}, 'closed', 'reactive', 'harassment', 'en', 'pending', 'none', 0, ${now}, ${now}, ${now}, ${now}, ${now}, 1)`.execute(db);
        const oldRules = await rules();
        expect(oldRules).toContain('closed:45:0');

        expect((await migrator.migrateTo(BY_TYPE)).error).toBeUndefined();
        // Every existing rule is now its status's general rule ('' = any incident type).
        const general = await sql<{ n: number }>`select count(*) as n from retention_rules where incident_type = ''`.execute(db);
        expect(Number(general.rows[0]!.n)).toBe(oldRules.length);
        expect(await rules()).toEqual(oldRules);
        // One rule per (status, incident type or none): a type rule beside the general one, no duplicates.
        await sql`insert into retention_rules (status, incident_type, basis, days, enabled, updated_at, updated_by) values ('closed', 'harassment', 'closed_at', 7, 1, 2, null)`.execute(db);
        await expect(
          sql`insert into retention_rules (status, incident_type, basis, days, enabled, updated_at, updated_by) values ('closed', 'harassment', 'closed_at', 8, 1, 3, null)`.execute(db),
        ).rejects.toThrow();
        await expect(
          sql`insert into retention_rules (status, basis, days, enabled, updated_at, updated_by) values ('closed', 'closed_at', 8, 1, 3, null)`.execute(db),
        ).rejects.toThrow();
        const due = await sql<{ id: number }>`select id from cases where status = 'closed' and incident_type = 'harassment' and purged_at is null and closed_at <= ${now}`.execute(db);
        expect(due.rows).toHaveLength(1);

        // Down: the general rules stay as they were, the type rule goes, status is the key again.
        expect((await migrator.migrateTo(BEFORE)).error).toBeUndefined();
        expect(await rules()).toEqual(oldRules);
        await expect(
          sql`insert into retention_rules (status, basis, days, enabled, updated_at, updated_by) values ('closed', 'closed_at', 8, 1, 3, null)`.execute(db),
        ).rejects.toThrow();

        // Up again: nothing lost.
        expect((await migrateToLatest(storage)).error).toBeUndefined();
        expect(await rules()).toEqual(oldRules);
        const cases = await sql<{ n: number }>`select count(*) as n from cases where incident_type = 'harassment'`.execute(db);
        expect(Number(cases.rows[0]!.n)).toBe(1);
      } finally {
        await dispose();
      }
    });

    it('seed the taxonomies with RSIT mappings and every country in a region', async () => {
      const { storage, dispose } = await engine.create();
      try {
        await migrateToLatest(storage);
        const types = await storage.db
          .selectFrom('taxonomy_terms')
          .leftJoin('taxonomy_term_mappings as m', (j) =>
            j.onRef('m.vocabulary', '=', 'taxonomy_terms.vocabulary').onRef('m.term', '=', 'taxonomy_terms.code').on('m.scheme', '=', 'rsit'),
          )
          .select(['taxonomy_terms.code', 'm.value as rsit'])
          .where('taxonomy_terms.vocabulary', '=', 'incident_type')
          .execute();
        expect(types.length).toBeGreaterThanOrEqual(11);
        for (const t of types) expect(t.rsit).toMatch(/^[a-z-]+\/[a-z-]+$/);
        const regions = new Set(
          (await storage.db.selectFrom('taxonomy_terms').select('code').where('vocabulary', '=', 'region').execute()).map((r) => r.code),
        );
        const countries = await storage.db.selectFrom('taxonomy_terms').selectAll().where('vocabulary', '=', 'country').execute();
        expect(countries.length).toBeGreaterThan(200);
        for (const c of countries) expect(regions.has(c.parent!)).toBe(true);
      } finally {
        await dispose();
      }
    });

    it('keep the audit log append-only, in the database itself', async () => {
      const { storage, dispose } = await engine.create();
      try {
        await migrateToLatest(storage);
        await storage.db
          .insertInto('audit_log')
          .values({ at: 1, actor_kind: 'system', actor_id: null, action: 'test', case_id: null, detail: null })
          .execute();
        await expect(storage.db.updateTable('audit_log').set({ action: 'changed' }).execute()).rejects.toThrow(/append-only/);
        await expect(storage.db.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/);
        const rows = await sql<{ n: number }>`select count(*) as n from audit_log where action = 'test'`.execute(storage.db);
        expect(Number(rows.rows[0]!.n)).toBe(1);
      } finally {
        await dispose();
      }
    });

    it('store data written before a later migration (foreign keys hold, cascades work)', async () => {
      const { storage, dispose } = await engine.create();
      try {
        await migrateToLatest(storage);
        const now = Date.now();
        await storage.db
          .insertInto('users')
          .values({ id: 'u1', email: 'a@example.org', display_name: 'A', role: 'handler', status: 'active', password_hash: null, totp_secret_enc: null, totp_last_step: null, locale: 'en', created_at: now, updated_at: now })
          .execute();
        const c = await storage.db
          .insertInto('cases')
          .values({ receipt_hash: 'h', key_wrapped: Buffer.from([1, 2, 3]), status: 'new', urgency: 'reactive', incident_type: null, severity: null, country: null, region: null, language: 'en', beneficiary: null, mandate: 'pending', contact_method: 'none', contact_enc: null, assignee_id: 'u1', awaiting_reply: 1, created_at: now, updated_at: now, first_response_due_at: now, first_response_at: null, last_activity_at: now, closed_at: null, version: 1 })
          .returning('id')
          .executeTakeFirstOrThrow();
        expect(c.id).toBeGreaterThan(0);
        await storage.db.insertInto('messages').values({ id: 'm1', case_id: c.id, kind: 'requester', author_id: null, body_enc: Buffer.from([9]), created_at: now }).execute();
        const back = await storage.db.selectFrom('cases').select(['key_wrapped', 'created_at']).where('id', '=', c.id).executeTakeFirstOrThrow();
        expect(Buffer.isBuffer(back.key_wrapped)).toBe(true);
        expect(back.created_at).toBe(now);
        await expect(
          storage.db.insertInto('messages').values({ id: 'm2', case_id: 99999, kind: 'reply', author_id: null, body_enc: Buffer.from([9]), created_at: now }).execute(),
        ).rejects.toThrow();
        await storage.db.deleteFrom('users').where('id', '=', 'u1').execute();
        const after = await storage.db.selectFrom('cases').select('assignee_id').where('id', '=', c.id).executeTakeFirstOrThrow();
        expect(after.assignee_id).toBeNull();
      } finally {
        await dispose();
      }
    });
  });
}
