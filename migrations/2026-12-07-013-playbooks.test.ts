import { Migrator, sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { engines } from '../test/engines.js';
import { migrations } from './index.js';

// The playbooks migration on both engines: the seven seeded playbooks, each for an incident type
// the vocabulary has, with 4–8 steps, at least one required, every step titled and explained in
// English, Spanish, French, Arabic and Russian, no control character anywhere; a playbook is
// applied to a case once (the primary key); steps and names go with their playbook; down removes
// every table and up seeds them again.

const PLAYBOOKS = '2026-12-07-013-playbooks';
const names = Object.keys(migrations);
const BEFORE = names[names.indexOf(PLAYBOOKS) - 1]!;
const SEEDED = ['lost-device', 'account-takeover', 'suspicious-message', 'website-down', 'doxing', 'online-harassment', 'suspicious-device'];
const FIVE = ['ar', 'en', 'es', 'fr', 'ru'];
// eslint-disable-next-line no-control-regex -- the point is to find control characters
const CONTROL = /[\0-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]/;

for (const engine of engines) {
  describe.skipIf(!engine.available)(`the playbooks migration on ${engine.name}`, () => {
    it('seeds seven playbooks in five languages, applies a playbook once per case, and goes down and up again', async () => {
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
        expect((await migrator.migrateTo(PLAYBOOKS)).error).toBeUndefined();

        const playbooks = await sql<{ id: string; incident_type: string; active: number }>`
          select id, incident_type, active from playbooks order by sort`.execute(db);
        expect(playbooks.rows.map((p) => p.id)).toEqual(SEEDED);
        const types = await sql<{ code: string }>`select code from taxonomy_terms where vocabulary = 'incident_type'`.execute(db);
        const known = new Set(types.rows.map((t) => t.code));
        for (const p of playbooks.rows) {
          expect(known.has(p.incident_type), p.id).toBe(true);
          expect(Number(p.active)).toBe(1);
        }
        const playbookNames = await sql<{ playbook_id: string; language: string; name: string }>`
          select playbook_id, language, name from playbook_names order by playbook_id, language`.execute(db);
        for (const id of SEEDED) expect(playbookNames.rows.filter((n) => n.playbook_id === id).map((n) => n.language), id).toEqual(FIVE);

        const steps = await sql<{ id: string; playbook_id: string; position: number; required: number; due_minutes: number | null }>`
          select id, playbook_id, position, required, due_minutes from playbook_steps order by playbook_id, position`.execute(db);
        for (const id of SEEDED) {
          const mine = steps.rows.filter((s) => s.playbook_id === id);
          expect(mine.length, id).toBeGreaterThanOrEqual(4);
          expect(mine.length, id).toBeLessThanOrEqual(8);
          expect(mine.map((s) => Number(s.position)), id).toEqual(mine.map((_, i) => i + 1));
          expect(mine.some((s) => Number(s.required) === 1), id).toBe(true);
          expect(mine.some((s) => Number(s.required) === 0), id).toBe(true);
        }
        const texts = await sql<{ step_id: string; language: string; title: string; guidance: string }>`
          select step_id, language, title, guidance from playbook_step_texts order by step_id, language`.execute(db);
        for (const s of steps.rows) expect(texts.rows.filter((t) => t.step_id === s.id).map((t) => t.language), s.id).toEqual(FIVE);
        for (const t of [...texts.rows, ...playbookNames.rows.map((n) => ({ step_id: n.playbook_id, language: n.language, title: n.name, guidance: 'x' }))]) {
          const where = `${t.step_id}/${t.language}`;
          expect(t.title.length, where).toBeGreaterThan(3);
          expect(t.title.length, where).toBeLessThanOrEqual(200);
          expect(t.guidance.length, where).toBeGreaterThan(0);
          expect(CONTROL.test(t.title) || CONTROL.test(t.guidance), where).toBe(false);
        }
        // The Arabic texts are in Arabic script, the Russian ones in Cyrillic; no two languages share a title.
        expect(texts.rows.filter((t) => t.language === 'ar').every((t) => /^[\u0600-\u06FF]/.test(t.title))).toBe(true);
        expect(texts.rows.filter((t) => t.language === 'ru').every((t) => /^[\u0400-\u04FF]/.test(t.title))).toBe(true);
        for (const s of steps.rows) {
          const titles = texts.rows.filter((t) => t.step_id === s.id).map((t) => t.title);
          expect(new Set(titles).size, s.id).toBe(5);
        }

        // A playbook applied to a case once; its tasks and its record go with the case.
        const now = Date.now();
        await sql`insert into cases (receipt_hash, key_wrapped, status, urgency, language, mandate, contact_method, awaiting_reply, created_at, updated_at, first_response_due_at, last_activity_at, version)
          values ('h1', ${Buffer.from([1])}, 'open', 'reactive', 'en', 'unknown', 'none', 0, ${now}, ${now}, ${now}, ${now}, 1)`.execute(db);
        const caseId = Number((await sql<{ id: number }>`select id from cases where receipt_hash = 'h1'`.execute(db)).rows[0]!.id);
        await sql`insert into case_playbooks (case_id, playbook_id, applied_at, applied_by) values (${caseId}, 'doxing', ${now}, 'u1')`.execute(db);
        await expect(
          sql`insert into case_playbooks (case_id, playbook_id, applied_at, applied_by) values (${caseId}, 'doxing', ${now}, 'u2')`.execute(db),
        ).rejects.toThrow();
        await expect(
          sql`insert into case_playbooks (case_id, playbook_id, applied_at, applied_by) values (${caseId}, 'no-such-playbook', ${now}, 'u2')`.execute(db),
        ).rejects.toThrow();
        await sql`insert into case_tasks (id, case_id, playbook_id, step_id, position, title, title_language, required, created_at)
          values ('t1', ${caseId}, 'doxing', 'doxing-1', 1, 'Assess', 'en', 1, ${now})`.execute(db);
        await sql`delete from cases where id = ${caseId}`.execute(db);
        const left = await sql<{ n: number | string }>`select (select count(*) from case_tasks) + (select count(*) from case_playbooks) as n`.execute(db);
        expect(Number(left.rows[0]!.n)).toBe(0);
        // Steps, their texts and names go with their playbook.
        await sql`insert into playbooks (id, incident_type, active, sort, created_at, updated_at) values ('p1', null, 1, 99, ${now}, ${now})`.execute(db);
        await sql`insert into playbook_names (playbook_id, language, name) values ('p1', 'en', 'Test')`.execute(db);
        await sql`insert into playbook_steps (id, playbook_id, position, required, due_minutes, created_at, updated_at) values ('p1-1', 'p1', 1, 0, null, ${now}, ${now})`.execute(db);
        await sql`insert into playbook_step_texts (step_id, language, title, guidance) values ('p1-1', 'en', 'Step', '')`.execute(db);
        await sql`delete from playbooks where id = 'p1'`.execute(db);
        const gone = await sql<{ n: number | string }>`
          select (select count(*) from playbook_names where playbook_id = 'p1') + (select count(*) from playbook_step_texts where step_id = 'p1-1') as n`.execute(db);
        expect(Number(gone.rows[0]!.n)).toBe(0);

        expect((await migrator.migrateTo(BEFORE)).error).toBeUndefined();
        for (const table of ['playbooks', 'playbook_names', 'playbook_steps', 'playbook_step_texts', 'case_playbooks', 'case_tasks'])
          await expect(sql`select 1 from ${sql.table(table)}`.execute(db), table).rejects.toThrow();
        expect((await migrator.migrateTo(PLAYBOOKS)).error).toBeUndefined();
        const again = await sql<{ n: number | string }>`select count(*) as n from playbook_step_texts`.execute(db);
        expect(Number(again.rows[0]!.n)).toBe(5 * steps.rows.length);
      } finally {
        await dispose();
      }
    });
  });
}
