import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { everyCrashPoint } from '../../../test/crash-points.js';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { staffMember, type StaffFixture } from '../cases/case.fixtures.js';
import { addVariant, changeVariant, createTemplate } from './template.service.js';

// Template changes crashed at each of their statements: a text is changed or added, or a
// template created, only together with its audit entry, so a crash never leaves an unaudited
// change, nor an audit entry for a change that did not happen. The coordinator saves again.

for (const engine of engines) {
  describe.skipIf(!engine.available)(`crash points in reply templates on ${engine.name}`, () => {
    let h: Harness;
    let coordinator: StaffFixture;
    beforeAll(async () => {
      h = await createHarness(engine);
      coordinator = await staffMember(h.deps, 'coordinator');
    });
    afterAll(async () => h?.close());

    const audits = async (action: string) =>
      (await h.deps.db.selectFrom('audit_log').select('id').where('action', '=', action).execute()).length;
    const text = async (id: string, language: string) =>
      (
        await h.deps.db
          .selectFrom('reply_template_variants')
          .select('body')
          .where('template_id', '=', id)
          .where('language', '=', language)
          .executeTakeFirst()
      )?.body ?? null;

    it('changes a text only with its audit entry', async () => {
      let n = 0;
      let body = '';
      let before = 0;
      const tried = await everyCrashPoint(
        h.deps.db,
        async (db) => {
          n += 1;
          body = `Hello, this is {handler_name} (${n}).`;
          before = await audits('template.variant_changed');
          return changeVariant({ ...h.deps, db }, coordinator.principal, 'initial-reply', 'en', body);
        },
        async (k) => {
          const saved = (await text('initial-reply', 'en')) === body;
          expect(await audits('template.variant_changed'), `crash at statement ${k}`).toBe(before + (saved ? 1 : 0));
          // Saving again works.
          expect((await changeVariant(h.deps, coordinator.principal, 'initial-reply', 'en', body)).ok).toBe(true);
          expect(await text('initial-reply', 'en')).toBe(body);
        },
      );
      expect(tried).toBeGreaterThanOrEqual(3);
    });

    it('adds a text, and creates a template, only with its audit entry', async () => {
      const languages = ['pt', 'fa', 'tr', 'uk', 'zh', 'hi', 'ur', 'bn', 'id', 'ms', 'sw', 'am', 'my', 'th', 'vi', 'ko', 'ja', 'de', 'it', 'pl'];
      let language = '';
      let before = 0;
      const tried = await everyCrashPoint(
        h.deps.db,
        async (db) => {
          language = languages.shift()!;
          before = await audits('template.variant_added');
          return addVariant({ ...h.deps, db }, coordinator.principal, 'crisis-outreach', { language, body: `{handler_name} ${language}` });
        },
        async (k) => {
          const added = (await text('crisis-outreach', language)) !== null;
          expect(await audits('template.variant_added'), `crash at statement ${k}`).toBe(before + (added ? 1 : 0));
          if (!added) expect((await addVariant(h.deps, coordinator.principal, 'crisis-outreach', { language, body: 'x' })).ok).toBe(true);
        },
      );
      expect(tried).toBeGreaterThanOrEqual(3);

      let name = '';
      let n = 0;
      const created = await everyCrashPoint(
        h.deps.db,
        async (db) => {
          n += 1;
          name = `Check-in ${n}`;
          before = await audits('template.created');
          return createTemplate({ ...h.deps, db }, coordinator.principal, { name, language: 'es', body: 'Hola {handler_name}' });
        },
        async (k) => {
          const row = await h.deps.db.selectFrom('reply_templates').select('id').where('name', '=', name).executeTakeFirst();
          const texts = row
            ? (await h.deps.db.selectFrom('reply_template_variants').select('language').where('template_id', '=', row.id).execute()).length
            : 0;
          expect([row !== undefined, texts, await audits('template.created')], `crash at statement ${k}`).toEqual(
            row ? [true, 1, before + 1] : [false, 0, before],
          );
        },
      );
      expect(created).toBeGreaterThanOrEqual(4);
    });
  });
}
