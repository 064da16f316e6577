import { Migrator, sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { engines } from '../test/engines.js';
import { migrations } from './index.js';

// The second playbooks seed on both engines: after it, every self-help topic the helpline works
// (the Digital First Aid Kit's, and blocked internet) has an active playbook; the five new ones
// are shaped as the first seven (4–8 ordered steps, required and optional ones, a title and
// guidance in each of the five staff languages, no control character); a helpline that already
// wrote its own playbook for one of these incident types keeps it alone; down removes what it
// seeded (but a seeded playbook a case used), and up seeds it again.

const MINE = '2026-12-08-002-more-playbooks';
const names = Object.keys(migrations);
const BEFORE = names[names.indexOf(MINE) - 1]!;
const NEW = ['impersonation', 'lost-data', 'surveillance', 'intimate-images', 'blocked-internet'];
const NEW_TYPES = ['impersonation', 'data_lost', 'surveillance', 'ncii', 'connectivity'];
/** The incident types of the self-help topics: each must have a playbook. */
const TOPICS = ['device_lost', 'account_access', 'device_suspicious', 'suspicious_message', 'website_down', 'impersonation', 'harassment', 'data_lost', 'surveillance', 'doxing', 'ncii', 'connectivity'];
const FIVE = ['ar', 'en', 'es', 'fr', 'ru'];
// eslint-disable-next-line no-control-regex -- the point is to find control characters
const CONTROL = /[\0-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]/;

for (const engine of engines) {
  describe.skipIf(!engine.available)(`the second playbooks seed on ${engine.name}`, () => {
    it('gives every self-help topic a playbook, in five languages, keeps a helpline’s own, and goes down and up again', async () => {
      const { storage, dispose } = await engine.create();
      const migrator = new Migrator({
        db: storage.db,
        provider: { getMigrations: async () => migrations },
        migrationTableName: 'haven_migrations',
        migrationLockTableName: 'haven_migrations_lock',
      });
      const db = storage.db as unknown as Kysely<unknown>;
      const activeTypes = async () =>
        new Set((await sql<{ incident_type: string }>`select incident_type from playbooks where active = 1`.execute(db)).rows.map((r) => r.incident_type));
      try {
        expect(names.indexOf(MINE)).toBeGreaterThan(0);
        expect((await migrator.migrateTo(BEFORE)).error).toBeUndefined();
        const before = await activeTypes();
        for (const t of NEW_TYPES) expect(before.has(t), t).toBe(false);
        expect((await migrator.migrateTo(MINE)).error).toBeUndefined();

        const after = await activeTypes();
        for (const t of TOPICS) expect(after.has(t), t).toBe(true);
        const playbooks = await sql<{ id: string; incident_type: string; sort: number }>`
          select id, incident_type, sort from playbooks where id in (${sql.join(NEW)}) order by sort`.execute(db);
        expect(playbooks.rows.map((p) => p.id)).toEqual(NEW);
        expect(playbooks.rows.map((p) => p.incident_type)).toEqual(NEW_TYPES);
        // Offered after the first seven.
        const firstSeven = await sql<{ m: number | string }>`select max(sort) as m from playbooks where id not in (${sql.join(NEW)})`.execute(db);
        expect(Number(playbooks.rows[0]!.sort)).toBeGreaterThan(Number(firstSeven.rows[0]!.m));
        const known = new Set((await sql<{ code: string }>`select code from taxonomy_terms where vocabulary = 'incident_type'`.execute(db)).rows.map((t) => t.code));
        for (const t of NEW_TYPES) expect(known.has(t), t).toBe(true);

        const playbookNames = await sql<{ playbook_id: string; language: string; name: string }>`
          select playbook_id, language, name from playbook_names where playbook_id in (${sql.join(NEW)}) order by playbook_id, language`.execute(db);
        for (const id of NEW) expect(playbookNames.rows.filter((n) => n.playbook_id === id).map((n) => n.language), id).toEqual(FIVE);
        const steps = await sql<{ id: string; playbook_id: string; position: number; required: number; due_minutes: number | null }>`
          select id, playbook_id, position, required, due_minutes from playbook_steps where playbook_id in (${sql.join(NEW)}) order by playbook_id, position`.execute(db);
        for (const id of NEW) {
          const mine = steps.rows.filter((s) => s.playbook_id === id);
          expect(mine.length, id).toBeGreaterThanOrEqual(4);
          expect(mine.length, id).toBeLessThanOrEqual(8);
          expect(mine.map((s) => Number(s.position)), id).toEqual(mine.map((_, i) => i + 1));
          expect(mine.some((s) => Number(s.required) === 1), id).toBe(true);
          expect(mine.some((s) => Number(s.required) === 0), id).toBe(true);
          // The first step is required and due within the hour: someone answers the person first.
          expect(Number(mine[0]!.required), id).toBe(1);
          expect(Number(mine[0]!.due_minutes), id).toBeLessThanOrEqual(60);
        }
        const texts = await sql<{ step_id: string; language: string; title: string; guidance: string }>`
          select t.step_id, t.language, t.title, t.guidance from playbook_step_texts t join playbook_steps s on s.id = t.step_id
          where s.playbook_id in (${sql.join(NEW)}) order by t.step_id, t.language`.execute(db);
        for (const s of steps.rows) expect(texts.rows.filter((t) => t.step_id === s.id).map((t) => t.language), s.id).toEqual(FIVE);
        for (const n of playbookNames.rows) {
          expect(n.name.length, `${n.playbook_id}/${n.language}`).toBeGreaterThan(3);
          expect(n.name.length, `${n.playbook_id}/${n.language}`).toBeLessThanOrEqual(120);
          expect(CONTROL.test(n.name), `${n.playbook_id}/${n.language}`).toBe(false);
        }
        for (const t of texts.rows) {
          const where = `${t.step_id}/${t.language}`;
          expect(t.title.length, where).toBeGreaterThan(3);
          expect(t.title.length, where).toBeLessThanOrEqual(200);
          expect(t.guidance.length, where).toBeGreaterThan(40);
          expect(t.guidance.length, where).toBeLessThanOrEqual(4000);
          expect(CONTROL.test(t.title) || CONTROL.test(t.guidance), where).toBe(false);
        }
        expect(texts.rows.filter((t) => t.language === 'ar').every((t) => /^[\u0600-\u06FF]/.test(t.title) && /[\u0600-\u06FF]/.test(t.guidance))).toBe(true);
        expect(texts.rows.filter((t) => t.language === 'ru').every((t) => /^[\u0400-\u04FF]/.test(t.title) && /[\u0400-\u04FF]/.test(t.guidance))).toBe(true);
        for (const s of steps.rows) {
          expect(new Set(texts.rows.filter((t) => t.step_id === s.id).map((t) => t.title)).size, s.id).toBe(5);
          expect(new Set(texts.rows.filter((t) => t.step_id === s.id).map((t) => t.guidance)).size, s.id).toBe(5);
        }
        // The intimate-images playbook never asks for the images, and points to hashing on the person's own device.
        const ncii = texts.rows.filter((t) => t.step_id.startsWith('intimate-images-') && t.language === 'en').map((t) => t.guidance).join(' ');
        expect(ncii).toContain('StopNCII.org');
        expect(ncii).toMatch(/never (need to )?send the images/i);

        // Down removes the seeded ones, but one a case used (it stays, as the record of that case).
        const now = Date.now();
        await sql`insert into cases (receipt_hash, key_wrapped, status, urgency, language, mandate, contact_method, awaiting_reply, created_at, updated_at, first_response_due_at, last_activity_at, version)
          values ('h2', ${Buffer.from([1])}, 'open', 'reactive', 'en', 'unknown', 'none', 0, ${now}, ${now}, ${now}, ${now}, 1)`.execute(db);
        const caseId = Number((await sql<{ id: number }>`select id from cases where receipt_hash = 'h2'`.execute(db)).rows[0]!.id);
        await sql`insert into case_playbooks (case_id, playbook_id, applied_at, applied_by) values (${caseId}, 'lost-data', ${now}, 'u1')`.execute(db);
        expect((await migrator.migrateTo(BEFORE)).error).toBeUndefined();
        const left = await sql<{ id: string }>`select id from playbooks where id in (${sql.join(NEW)})`.execute(db);
        expect(left.rows.map((r) => r.id)).toEqual(['lost-data']);
        await sql`delete from case_playbooks where case_id = ${caseId}`.execute(db);
        await sql`delete from playbooks where id = 'lost-data'`.execute(db);

        // A helpline that wrote its own surveillance playbook meanwhile: up seeds the other four only.
        await sql`insert into playbooks (id, incident_type, active, sort, created_at, updated_at) values ('own-1', 'surveillance', 1, 5, ${now}, ${now})`.execute(db);
        expect((await migrator.migrateTo(MINE)).error).toBeUndefined();
        const again = await sql<{ id: string; incident_type: string }>`select id, incident_type from playbooks where incident_type in (${sql.join(NEW_TYPES)}) order by sort`.execute(db);
        expect(again.rows.map((r) => r.id)).toEqual(['own-1', 'impersonation', 'lost-data', 'intimate-images', 'blocked-internet']);
        for (const t of TOPICS) expect((await activeTypes()).has(t), t).toBe(true);
      } finally {
        await dispose();
      }
    });
  });
}
