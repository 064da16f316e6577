import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { newRequest, staffMember, type StaffFixture } from '../cases/case.fixtures.js';
import { fillTemplate, templateChoices } from './index.js';

// Reply templates over HTTP on both engines: the seeded templates in five languages; a
// coordinator adds, changes and removes a language's text, renames, retires and brings back a
// template, each change audited in its transaction; refused input (an unknown placeholder, an
// oversized text, control characters, a language taken or unknown) changes nothing; a handler
// reads but may not edit, an auditor may neither; an unknown template or language is a 404. On
// a case page the template comes in the case's language, or in English with a warning.

const PUBLIC_URL = 'https://help.example.org';

for (const engine of engines) {
  describe.skipIf(!engine.available)(`reply templates on ${engine.name}`, () => {
    let h: Harness;
    let coordinator: StaffFixture;
    let handler: StaffFixture;
    let auditor: StaffFixture;

    beforeAll(async () => {
      h = await createHarness(engine, { PUBLIC_URL });
      coordinator = await staffMember(h.deps, 'coordinator', 'Cy Coordinator');
      handler = await staffMember(h.deps, 'handler', 'Ana Handler');
      auditor = await staffMember(h.deps, 'auditor', 'Au Auditor');
    });
    afterAll(async () => h?.close());

    const get = (who: StaffFixture, url: string) => h.app.inject({ method: 'GET', url, headers: { cookie: who.cookie } });
    const post = (who: StaffFixture, url: string, fields: Record<string, string>) =>
      h.app.inject({
        method: 'POST',
        url,
        headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: who.csrf, ...fields }).toString(),
      });
    const variant = async (id: string, language: string) =>
      (
        await h.deps.db
          .selectFrom('reply_template_variants')
          .select(['body', 'updated_by'])
          .where('template_id', '=', id)
          .where('language', '=', language)
          .executeTakeFirst()
      ) ?? null;
    const audits = async (action: string) =>
      h.deps.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id').execute();
    const textarea = (html: string, name: string) => {
      const m = new RegExp(`<textarea id="f-${name}"[^>]*>([\\s\\S]*?)</textarea>`).exec(html);
      return m ? m[1]! : null;
    };

    it('lists the five seeded templates, each with a text in all five languages', async () => {
      const list = await get(coordinator, '/staff/templates');
      expect(list.statusCode).toBe(200);
      for (const name of [
        'Initial reply',
        'Out of mandate, with a referral',
        'Referral follow-up',
        'Outreach after a local crisis',
        'Security assessment report',
      ])
        expect(list.body).toContain(name);
      expect(list.body).toContain('Arabic (ar), English (en), Spanish (es), French (fr), Russian (ru)');
      const page = await get(coordinator, '/staff/templates/initial-reply');
      expect(page.statusCode).toBe(200);
      // The Arabic text is edited right to left, marked as Arabic.
      expect(page.body).toMatch(/<textarea id="f-body_ar" name="body_ar" rows="14" lang="ar" dir="rtl"/);
      expect(textarea(page.body, 'body_ar')).toContain('شكرًا لكتابتك إلينا');
      expect(textarea(page.body, 'body_ru')).toContain('Спасибо, что написали нам');
    });

    it('saves a changed text (303, flash, audited with who and which language)', async () => {
      const before = (await audits('template.variant_changed')).length;
      const body = 'مرحبًا،\n\nأنا {handler_name} من {organisation}. رقم حالتك {case_number}.\n{followup_url}';
      const res = await post(coordinator, '/staff/templates/referral-follow-up/variants/ar', { body_ar: body });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/staff/templates/referral-follow-up?done=saved#lang-ar');
      expect(await variant('referral-follow-up', 'ar')).toEqual({ body, updated_by: coordinator.id });
      const entries = await audits('template.variant_changed');
      expect(entries).toHaveLength(before + 1);
      expect(entries.at(-1)!.actor_id).toBe(coordinator.id);
      expect(JSON.parse(entries.at(-1)!.detail!)).toEqual({ template: 'referral-follow-up', language: 'ar' });
      const page = await get(coordinator, '/staff/templates/referral-follow-up?done=saved');
      expect(page.body).toContain('Text saved.');
      // The same text again changes nothing and writes no audit entry.
      const again = await post(coordinator, '/staff/templates/referral-follow-up/variants/ar', { body_ar: body });
      expect(again.headers.location).toBe('/staff/templates/referral-follow-up?done=unchanged#lang-ar');
      expect(await audits('template.variant_changed')).toHaveLength(before + 1);
    });

    it('refuses an unknown placeholder, an oversized text, control characters and a blank text (422, nothing saved)', async () => {
      const before = await variant('initial-reply', 'en');
      const cases: [string, string][] = [
        ['Hello {name}, this is {handler_name} and {Case_Number}.', 'Use only the placeholders listed above'],
        ['x'.repeat(10_001), 'Write a text of at most 10,000 characters.'],
        ['Hello\u0007 {handler_name}', 'This had invisible control characters'],
        ['   ', 'Write the template’s text.'],
      ];
      for (const [body, message] of cases) {
        const res = await post(coordinator, '/staff/templates/initial-reply/variants/en', { body_en: body });
        expect(res.statusCode, body.slice(0, 20)).toBe(422);
        expect(res.body).toContain(message);
        expect(res.body).toContain('href="#f-body_en"');
      }
      // The refusal names the unknown placeholders, and keeps what was typed.
      const res = await post(coordinator, '/staff/templates/initial-reply/variants/en', { body_en: cases[0]![0] });
      expect(res.body).toMatch(/Not known:.*<code dir="auto">\{name\}<\/code>, <code dir="auto">\{Case_Number\}<\/code>/);
      expect(textarea(res.body, 'body_en')).toBe('Hello {name}, this is {handler_name} and {Case_Number}.');
      expect(await variant('initial-reply', 'en')).toEqual(before);
    });

    it('adds a text in a new language, refuses one taken or unknown, and removes one (audited)', async () => {
      const add = await post(coordinator, '/staff/templates/crisis-outreach/variants', {
        language: 'pt',
        new_body: 'Olá, aqui é {handler_name}, de {organisation}.\n{followup_url}',
      });
      expect(add.statusCode).toBe(303);
      expect(add.headers.location).toBe('/staff/templates/crisis-outreach?done=added#lang-pt');
      expect((await variant('crisis-outreach', 'pt'))?.body).toContain('Olá');
      expect(await audits('template.variant_added')).toHaveLength(1);

      const taken = await post(coordinator, '/staff/templates/crisis-outreach/variants', { language: 'ar', new_body: 'نص' });
      expect(taken.statusCode).toBe(422);
      expect(taken.body).toContain('This template already has a text in that language');
      const unknown = await post(coordinator, '/staff/templates/crisis-outreach/variants', { language: 'xx', new_body: 'Hi' });
      expect(unknown.statusCode).toBe(422);
      expect(unknown.body).toContain('Choose a language from the list.');
      const malformed = await post(coordinator, '/staff/templates/crisis-outreach/variants', { language: 'pt; drop', new_body: 'Hi' });
      expect(malformed.statusCode).toBe(422);
      expect((await variant('crisis-outreach', 'ar'))?.body).not.toBe('نص');
      expect(await audits('template.variant_added')).toHaveLength(1);

      const removed = await post(coordinator, '/staff/templates/crisis-outreach/variants/pt/remove', {});
      expect(removed.statusCode).toBe(303);
      expect(await variant('crisis-outreach', 'pt')).toBeNull();
      expect(await audits('template.variant_removed')).toHaveLength(1);
    });

    it('keeps one text when the same language is added twice at once', async () => {
      const send = () =>
        post(coordinator, '/staff/templates/security-assessment/variants', {
          language: 'fa',
          new_body: 'سلام {handler_name}',
        });
      const answers = await Promise.all([send(), send()]);
      expect(answers.map((a) => a.statusCode).sort()).toEqual([303, 422]);
      const rows = await h.deps.db
        .selectFrom('reply_template_variants')
        .select('language')
        .where('template_id', '=', 'security-assessment')
        .where('language', '=', 'fa')
        .execute();
      expect(rows).toHaveLength(1);
    });

    it('leaves one text when the last two are removed at once', async () => {
      const created = await post(coordinator, '/staff/templates', { name: 'Two texts', language: 'en', body: 'Hello {handler_name}' });
      const id = (created.headers.location as string).split('/')[3]!.split('?')[0]!;
      expect((await post(coordinator, `/staff/templates/${id}/variants`, { language: 'es', new_body: 'Hola {handler_name}' })).statusCode).toBe(303);
      const answers = await Promise.all([
        post(coordinator, `/staff/templates/${id}/variants/en/remove`, {}),
        post(coordinator, `/staff/templates/${id}/variants/es/remove`, {}),
      ]);
      expect(answers.map((a) => a.statusCode).sort()).toEqual([303, 409]);
      const left = await h.deps.db.selectFrom('reply_template_variants').select('language').where('template_id', '=', id).execute();
      expect(left).toHaveLength(1);
    });

    it('refuses a text beyond the body limit (413) and a name with a control character (422)', async () => {
      const before = await variant('initial-reply', 'fr');
      const huge = await post(coordinator, '/staff/templates/initial-reply/variants/fr', { body_fr: 'é'.repeat(200_000) });
      expect(huge.statusCode).toBe(413);
      expect(await variant('initial-reply', 'fr')).toEqual(before);
      const name = await post(coordinator, '/staff/templates/initial-reply/name', { name: 'Initial\u0000reply' });
      expect(name.statusCode).toBe(422);
      const bell = await post(coordinator, '/staff/templates/initial-reply/name', { name: 'Initial\u0007reply' });
      expect(bell.statusCode).toBe(422);
      expect(bell.body).toContain('This had invisible control characters');
      expect((await h.deps.db.selectFrom('reply_templates').select('name').where('id', '=', 'initial-reply').executeTakeFirst())?.name).toBe(
        'Initial reply',
      );
    });

    it('creates, renames, retires and brings back a template; a last text is not removed', async () => {
      const created = await post(coordinator, '/staff/templates', {
        name: 'Check-in',
        language: 'es',
        body: 'Hola, soy {handler_name}. ¿Cómo va todo?',
      });
      expect(created.statusCode).toBe(303);
      const href = created.headers.location as string;
      expect(href).toMatch(/^\/staff\/templates\/[0-9a-f-]{36}\?done=created$/);
      const id = href.split('/')[3]!.split('?')[0]!;
      expect((await audits('template.created')).map((a) => JSON.parse(a.detail!))).toContainEqual({ template: id, language: 'es' });

      const blank = await post(coordinator, '/staff/templates', { name: '', language: 'es', body: 'Hola' });
      expect(blank.statusCode).toBe(422);
      expect(blank.body).toContain('Enter a name for the template.');
      const long = await post(coordinator, `/staff/templates/${id}/name`, { name: 'n'.repeat(121) });
      expect(long.statusCode).toBe(422);
      expect(long.body).toContain('Write a name of at most 120 characters.');
      const lines = await post(coordinator, `/staff/templates/${id}/name`, { name: 'Check\nin' });
      expect(lines.statusCode).toBe(422);

      expect((await post(coordinator, `/staff/templates/${id}/name`, { name: 'Weekly check-in' })).statusCode).toBe(303);
      expect(await audits('template.renamed')).toHaveLength(1);

      const last = await post(coordinator, `/staff/templates/${id}/variants/es/remove`, {});
      expect(last.statusCode).toBe(409);
      expect(last.body).toContain('A template keeps at least one text.');
      expect(await variant(id, 'es')).not.toBeNull();

      expect((await templateChoices(h.deps, handler.principal)).map((c) => c.label)).toContain('Weekly check-in');
      expect((await post(coordinator, `/staff/templates/${id}/retire`, {})).statusCode).toBe(303);
      expect((await templateChoices(h.deps, handler.principal)).map((c) => c.label)).not.toContain('Weekly check-in');
      expect((await audits('template.retired')).map((a) => a.actor_id)).toEqual([coordinator.id]);
      const gone = await fillTemplate(h.deps, handler.principal, { templateId: id, language: 'es', caseNumber: 1 });
      expect(gone).toEqual({ ok: false, code: 'NOT_FOUND' });
      expect((await post(coordinator, `/staff/templates/${id}/reactivate`, {})).statusCode).toBe(303);
      expect(await audits('template.reactivated')).toHaveLength(1);

      // The list shows those in use first: a retired one comes after, marked as retired.
      expect((await post(coordinator, '/staff/templates/referral-follow-up/retire', {})).statusCode).toBe(303);
      const list = (await get(coordinator, '/staff/templates')).body;
      expect(list.indexOf('Referral follow-up')).toBeGreaterThan(list.indexOf('Weekly check-in'));
      expect(list).toMatch(/Referral follow-up<\/bdi><\/a><\/th><td>[^<]*<\/td><td><strong>Retired<\/strong>/);
      const page = await get(coordinator, '/staff/templates/referral-follow-up');
      expect(page.body).toContain('This template is retired: it is not offered on case pages.');
      expect(page.body).toContain('action="/staff/templates/referral-follow-up/reactivate"');
      expect((await post(coordinator, '/staff/templates/referral-follow-up/reactivate', {})).statusCode).toBe(303);
    });

    it('lets a handler read but not change templates, and refuses an auditor both (403)', async () => {
      const page = await get(handler, '/staff/templates/initial-reply');
      expect(page.statusCode).toBe(200);
      expect(page.body).not.toContain('action="/staff/templates/initial-reply/');
      expect(page.body).not.toContain('<textarea');
      expect(page.body).toContain('class="template-text" lang="ar" dir="rtl"');
      const before = await variant('initial-reply', 'en');
      for (const [url, fields] of [
        ['/staff/templates/initial-reply/variants/en', { body_en: 'Changed {handler_name}' }],
        ['/staff/templates/initial-reply/variants', { language: 'pt', new_body: 'Olá' }],
        ['/staff/templates/initial-reply/variants/en/remove', {}],
        ['/staff/templates/initial-reply/name', { name: 'Mine' }],
        ['/staff/templates/initial-reply/retire', {}],
        ['/staff/templates', { name: 'Mine', language: 'en', body: 'Hi' }],
      ] as const) {
        expect((await post(handler, url, fields)).statusCode, url).toBe(403);
        expect((await post(auditor, url, fields)).statusCode, url).toBe(403);
      }
      expect((await get(auditor, '/staff/templates')).statusCode).toBe(403);
      expect(await variant('initial-reply', 'en')).toEqual(before);
      const auditorUse = await fillTemplate(h.deps, auditor.principal, { templateId: 'initial-reply', language: 'en', caseNumber: 1 });
      expect(auditorUse).toEqual({ ok: false, code: 'FORBIDDEN' });
      expect(await templateChoices(h.deps, auditor.principal)).toEqual([]);
    });

    it('answers 404 for an unknown or malformed template, or a language it has no text in', async () => {
      for (const url of ['/staff/templates/no-such-template', '/staff/templates/Bad%20Id', `/staff/templates/${'a'.repeat(65)}`])
        expect((await get(coordinator, url)).statusCode, url).toBe(404);
      for (const url of [
        '/staff/templates/no-such-template/variants/en',
        '/staff/templates/initial-reply/variants/pt',
        '/staff/templates/initial-reply/variants/EN%3B',
        '/staff/templates/no-such-template/name',
        '/staff/templates/no-such-template/retire',
        '/staff/templates/initial-reply/variants/pt/remove',
      ])
        expect((await post(coordinator, url, { body_en: 'x', body_pt: 'x', name: 'x' })).statusCode, url).toBe(404);
    });

    it('fills the reply box on a case page in the case language, with every placeholder', async () => {
      const { caseId } = await newRequest(h.deps, { language: 'ar', description: 'هاتفي مراقب' });
      const page = await get(handler, `/staff/cases/${caseId}`);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('<form method="get" action="/staff/cases/' + caseId + '#reply"');
      expect(page.body).toContain('<option value="initial-reply">Initial reply</option>');

      const filled = await get(handler, `/staff/cases/${caseId}?template=initial-reply`);
      expect(filled.statusCode).toBe(200);
      const box = textarea(filled.body, 'body')!;
      expect(box).toContain('مرحبًا،');
      expect(box).toContain('اسمي Ana Handler وأنا من فريق Haven.');
      expect(box).toContain(`رقم حالتك هو ${caseId}.`);
      expect(box).toContain(`${PUBLIC_URL}/followup`);
      // Nothing of the requester's is put in, and no placeholder is left.
      expect(box).not.toContain('هاتفي مراقب');
      expect(box).not.toMatch(/\{[a-z_]+\}/);
      expect(filled.body).toContain('Template inserted in Arabic (ar).');
      expect(filled.body).not.toContain('class="template-warning"');
      expect(filled.body).toContain('<option value="initial-reply" selected>Initial reply</option>');
    });

    it('falls back to English with a visible warning naming both languages', async () => {
      const { caseId } = await newRequest(h.deps, { language: 'pt' });
      const filled = await get(handler, `/staff/cases/${caseId}?template=out-of-mandate`);
      expect(filled.statusCode).toBe(200);
      expect(textarea(filled.body, 'body')).toContain('Thank you for trusting us with your request. My name is Ana Handler, from Haven.');
      expect(filled.body).toMatch(
        /class="template-warning" role="status"><strong>This template has no text in Portuguese \(pt\)\. The text in English \(en\) was inserted instead/,
      );
    });

    it('answers 404 for an unknown, malformed or retired template on a case page, and 403 to an auditor', async () => {
      const { caseId } = await newRequest(h.deps, { language: 'es' });
      const views = async () =>
        (await h.deps.db.selectFrom('audit_log').select('id').where('case_id', '=', caseId).where('action', '=', 'case.viewed').execute()).length;
      for (const template of ['no-such-template', 'Bad Id', '', 'x'.repeat(200), 'crisis-outreach-retired'])
        expect((await get(handler, `/staff/cases/${caseId}?template=${encodeURIComponent(template)}`)).statusCode, template).toBe(404);
      const repeated = await get(handler, `/staff/cases/${caseId}?template=initial-reply&template=out-of-mandate`);
      expect(repeated.statusCode).toBe(404);
      // A refused template shows no case, so no view of it is audited.
      expect(await views()).toBe(0);
      expect((await get(auditor, `/staff/cases/${caseId}?template=initial-reply`)).statusCode).toBe(403);
    });
  });
}
