import { Migrator, sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { engines } from '../test/engines.js';
import { migrations } from './index.js';

// The referrals migration on both engines, up from the migration before it, with data: a
// partner with its services, regions and languages (each once), a referral and its consent;
// a partner's lists and a referral's consent go with them; a referral must name a partner that
// exists; nothing is seeded; down removes every table and up makes them again.

const REFERRALS = '2026-12-07-014-referrals';
const names = Object.keys(migrations);
const BEFORE = names[names.indexOf(REFERRALS) - 1]!;

for (const engine of engines) {
  describe.skipIf(!engine.available)(`the referrals migration on ${engine.name}`, () => {
    it('makes the directory and referral tables, keeps their rules, and goes down and up again', async () => {
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
        expect((await migrator.migrateTo(REFERRALS)).error).toBeUndefined();
        expect(Number((await sql<{ n: number | string }>`select count(*) as n from partners`.execute(db)).rows[0]!.n)).toBe(0);

        const now = Date.UTC(2026, 11, 7);
        await sql`insert into partners (id, name, description, contact_kind, contact_address, pgp_key, pgp_fingerprint, active, created_at, updated_at, updated_by)
                  values ('p1', 'Lawyers', '', 'email', 'a@example.org', null, null, 1, ${now}, ${now}, null)`.execute(db);
        await sql`insert into partner_services (partner_id, service) values ('p1', 'legal')`.execute(db);
        await sql`insert into partner_regions (partner_id, region) values ('p1', 'americas')`.execute(db);
        await sql`insert into partner_languages (partner_id, language) values ('p1', 'es')`.execute(db);
        await expect(sql`insert into partner_services (partner_id, service) values ('p1', 'legal')`.execute(db)).rejects.toThrow();
        await sql`insert into referrals (id, case_id, partner_id, items, summary_enc, letter_language, follow_up_at, reminded_at, outcome, outcome_at, outcome_by, created_by, created_at)
                  values ('r1', 1, 'p1', 'case_facts,contact', null, 'es', ${now + 7 * 86_400_000}, null, null, null, null, 'u1', ${now})`.execute(db);
        await sql`insert into referral_consents (id, referral_id, items, how, given_at, recorded_by, recorded_at)
                  values ('c1', 'r1', 'contact', 'phone', ${now}, 'u1', ${now})`.execute(db);
        await expect(
          sql`insert into referrals (id, case_id, partner_id, items, letter_language, follow_up_at, created_by, created_at)
              values ('r2', 1, 'nobody', 'case_facts', 'en', ${now}, 'u1', ${now})`.execute(db),
        ).rejects.toThrow();
        const due = await sql<{ id: string }>`select id from referrals where outcome is null and reminded_at is null and follow_up_at <= ${now + 8 * 86_400_000}`.execute(db);
        expect(due.rows.map((r) => r.id)).toEqual(['r1']);

        // A referral's consent goes with it.
        await sql`delete from referrals where id = 'r1'`.execute(db);
        expect((await sql<{ id: string }>`select id from referral_consents`.execute(db)).rows).toEqual([]);
        // A partner's lists go with it.
        await sql`delete from partners where id = 'p1'`.execute(db);
        expect((await sql<{ service: string }>`select service from partner_services`.execute(db)).rows).toEqual([]);

        expect((await migrator.migrateTo(BEFORE)).error).toBeUndefined();
        await expect(sql`select 1 from partners`.execute(db)).rejects.toThrow();
        await expect(sql`select 1 from referral_consents`.execute(db)).rejects.toThrow();
        expect((await migrator.migrateTo(REFERRALS)).error).toBeUndefined();
        expect((await sql`select id from referrals`.execute(db)).rows).toEqual([]);
      } finally {
        await dispose();
      }
    });
  });
}
