import { Migrator, sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { engines } from '../test/engines.js';
import { migrations } from './index.js';

// The reply-templates migration on both engines: the five seeded templates each have a text in
// English, Spanish, French, Arabic and Russian, every placeholder in them is one Haven fills,
// no text holds a control character; one variant per language (a second is refused); a
// template's variants go with it; down removes both tables and up seeds them again.

const REPLY_TEMPLATES = '2026-12-07-006-reply-templates';
const names = Object.keys(migrations);
const BEFORE = names[names.indexOf(REPLY_TEMPLATES) - 1]!;
const SEEDED = ['initial-reply', 'out-of-mandate', 'referral-follow-up', 'crisis-outreach', 'security-assessment'];
const KNOWN = new Set(['handler_name', 'case_number', 'followup_url', 'organisation']);

for (const engine of engines) {
  describe.skipIf(!engine.available)(`the reply-templates migration on ${engine.name}`, () => {
    it('seeds five templates in five languages, holds one variant per language, and goes down and up again', async () => {
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
        expect((await migrator.migrateTo(REPLY_TEMPLATES)).error).toBeUndefined();

        const templates = await sql<{ id: string; active: number }>`select id, active from reply_templates order by sort`.execute(db);
        expect(templates.rows.map((t) => t.id)).toEqual(SEEDED);
        expect(templates.rows.every((t) => Number(t.active) === 1)).toBe(true);
        const variants = await sql<{ template_id: string; language: string; body: string }>`
          select template_id, language, body from reply_template_variants order by template_id, language`.execute(db);
        for (const id of SEEDED) {
          expect(variants.rows.filter((v) => v.template_id === id).map((v) => v.language), id).toEqual(['ar', 'en', 'es', 'fr', 'ru']);
        }
        for (const v of variants.rows) {
          const where = `${v.template_id}/${v.language}`;
          const placeholders = [...v.body.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]!);
          expect(placeholders.filter((p) => !KNOWN.has(p)), where).toEqual([]);
          // Every seeded text says who writes and where to answer.
          expect(placeholders, where).toContain('handler_name');
          expect(placeholders, where).toContain('followup_url');
          // eslint-disable-next-line no-control-regex -- the point is to find control characters
          expect(/[\0-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]/.test(v.body), where).toBe(false);
        }
        // The Arabic texts are in Arabic script, the Russian ones in Cyrillic.
        expect(variants.rows.filter((v) => v.language === 'ar').every((v) => /^[\u0600-\u06FF]/.test(v.body))).toBe(true);
        expect(variants.rows.filter((v) => v.language === 'ru').every((v) => /^[\u0400-\u04FF]/.test(v.body))).toBe(true);

        const now = Date.now();
        await sql`insert into reply_templates (id, name, active, sort, created_at, updated_at) values ('t1', 'Check-in', 1, 60, ${now}, ${now})`.execute(db);
        await sql`insert into reply_template_variants (template_id, language, body, updated_at, updated_by) values ('t1', 'pt', 'Olá', ${now}, null)`.execute(db);
        await expect(
          sql`insert into reply_template_variants (template_id, language, body, updated_at, updated_by) values ('t1', 'pt', 'Oi', ${now}, null)`.execute(db),
        ).rejects.toThrow();
        await expect(
          sql`insert into reply_template_variants (template_id, language, body, updated_at, updated_by) values ('nope', 'pt', 'Oi', ${now}, null)`.execute(db),
        ).rejects.toThrow();
        await sql`delete from reply_templates where id = 't1'`.execute(db);
        const left = await sql<{ n: number | string }>`select count(*) as n from reply_template_variants where template_id = 't1'`.execute(db);
        expect(Number(left.rows[0]!.n)).toBe(0);

        expect((await migrator.migrateTo(BEFORE)).error).toBeUndefined();
        await expect(sql`select 1 from reply_templates`.execute(db)).rejects.toThrow();
        await expect(sql`select 1 from reply_template_variants`.execute(db)).rejects.toThrow();
        expect((await migrator.migrateTo(REPLY_TEMPLATES)).error).toBeUndefined();
        const again = await sql<{ n: number | string }>`select count(*) as n from reply_template_variants`.execute(db);
        expect(Number(again.rows[0]!.n)).toBe(25);
      } finally {
        await dispose();
      }
    });
  });
}
