import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { staffMember, type StaffFixture } from '../cases/case.fixtures.js';

// Playbooks over HTTP on both engines: the seeded playbooks listed in the reader's language; a
// coordinator adds a playbook (a form sent twice adds one), adds, changes, moves and removes
// steps, renames it and retires it, each change audited in its transaction; refused input
// (no name, an oversized or multi-line title, control characters, a bad due time, an unknown
// incident type) changes nothing and comes back with messages in the reader's language; a
// handler reads but may not edit, an auditor may do neither; unknown ids are 404s.

const hidden = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';

const STEP = { required: '', due_minutes: '', title_en: '', title_es: '', title_fr: '', title_ar: '', title_ru: '', guidance_en: '', guidance_es: '', guidance_fr: '', guidance_ar: '', guidance_ru: '' };
const NAMES = { incident_type: '', name_en: '', name_es: '', name_fr: '', name_ar: '', name_ru: '' };

for (const engine of engines) {
  describe.skipIf(!engine.available)(`playbooks on ${engine.name}`, () => {
    let h: Harness;
    let coordinator: StaffFixture;
    let handler: StaffFixture;
    let auditor: StaffFixture;

    beforeAll(async () => {
      h = await createHarness(engine);
      coordinator = await staffMember(h.deps, 'coordinator', 'Cy Coordinator');
      handler = await staffMember(h.deps, 'handler', 'Ana Handler');
      auditor = await staffMember(h.deps, 'auditor', 'Au Auditor');
    });
    afterAll(async () => h?.close());

    // The staff pages speak the person's own language (their account's): a twin of `who` with the same role speaks `lang`.
    const twins = new Map<string, StaffFixture>();
    const speaking = async (who: StaffFixture, lang: string): Promise<StaffFixture> => {
      if (lang === 'en') return who;
      const key = `${who.id}:${lang}`;
      let twin = twins.get(key);
      if (!twin) {
        twin = await staffMember(h.deps, who.principal.role, `${who.principal.displayName} (${lang})`);
        await h.deps.db.updateTable('users').set({ locale: lang }).where('id', '=', twin.id).execute();
        twins.set(key, twin);
      }
      return twin;
    };

    const get = async (who: StaffFixture, url: string, lang = 'en') =>
      h.app.inject({ method: 'GET', url, headers: { cookie: (await speaking(who, lang)).cookie } });
    const post = async (who: StaffFixture, url: string, fields: Record<string, string>, lang = 'en') =>
      h.app.inject({
        method: 'POST',
        url,
        headers: { cookie: (await speaking(who, lang)).cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: (await speaking(who, lang)).csrf, ...fields }).toString(),
      });
    const audits = async (action: string) =>
      h.deps.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('id').execute();
    const steps = (id: string) =>
      h.deps.db.selectFrom('playbook_steps').select(['id', 'position', 'required', 'due_minutes']).where('playbook_id', '=', id).orderBy('position').execute();
    const counts = async () => ({
      playbooks: (await h.deps.db.selectFrom('playbooks').select('id').execute()).length,
      steps: (await h.deps.db.selectFrom('playbook_steps').select('id').execute()).length,
      texts: (await h.deps.db.selectFrom('playbook_step_texts').select('step_id').execute()).length,
    });

    it('lists the seeded playbooks in the reader’s language, with their incident types', async () => {
      const en = await get(handler, '/staff/playbooks');
      expect(en.statusCode).toBe(200);
      expect(en.body).toContain('Lost, stolen or seized device');
      expect(en.body).toContain('Doxing: personal information exposed');
      expect(en.body).toContain('Suspicious messages (phishing)');
      // A handler reads them but is offered no form.
      expect(en.body).not.toContain('action="/staff/playbooks" ');
      expect(en.body).not.toContain('name="_once"');
      const ar = await get(handler, '/staff/playbooks', 'ar');
      expect(ar.body).toContain('dir="rtl"');
      expect(ar.body).toContain('<bdi lang="ar" dir="rtl">كشف المعلومات الشخصية (doxing)</bdi>');
      const page = await get(handler, '/staff/playbooks/account-takeover', 'ru');
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Восстановить аккаунт через официальную процедуру');
      expect(page.body).not.toContain('/steps/account-takeover-2/up');
    });

    it('refuses the editing pages to a handler and every page to an auditor', async () => {
      expect((await post(handler, '/staff/playbooks', { ...NAMES, name_en: 'Mine' })).statusCode).toBe(403);
      expect((await post(handler, '/staff/playbooks/doxing/retire', {})).statusCode).toBe(403);
      expect((await get(handler, '/staff/playbooks/doxing/steps/doxing-1')).statusCode).toBe(403);
      expect((await get(auditor, '/staff/playbooks')).statusCode).toBe(403);
      expect((await get(auditor, '/staff/playbooks/doxing')).statusCode).toBe(403);
      expect(await audits('playbook.retired')).toHaveLength(0);
    });

    it('adds a playbook once, even when its form is sent twice, and audits it', async () => {
      const list = await get(coordinator, '/staff/playbooks');
      const once = hidden(list.body, '_once');
      expect(once).not.toBe('');
      const before = await counts();
      const fields = { _once: once, ...NAMES, incident_type: 'impersonation', name_en: 'Impersonation', name_ar: 'انتحال الهوية' };
      const first = await post(coordinator, '/staff/playbooks', fields);
      expect(first.statusCode).toBe(303);
      const id = /\/staff\/playbooks\/([0-9a-f-]{36})\?done=created/.exec(first.headers.location as string)?.[1];
      expect(id).toBeDefined();
      const again = await post(coordinator, '/staff/playbooks', fields);
      expect(again.statusCode).toBe(303);
      expect(again.headers.location).toBe('/staff/playbooks?done=repeated');
      expect((await counts()).playbooks).toBe(before.playbooks + 1);
      const created = await audits('playbook.created');
      expect(created).toHaveLength(1);
      expect(created[0]!.actor_id).toBe(coordinator.id);
      expect(JSON.parse(created[0]!.detail!)).toEqual({ playbook: id, incident_type: 'impersonation' });
      const page = await get(coordinator, `/staff/playbooks/${id}?done=created`);
      expect(page.body).toContain('Playbook added. Add its steps below.');
      expect(page.body).toContain('This playbook has no steps yet');
    });

    it('refuses a playbook without a name, of an unknown type or with control characters (422, nothing saved), in the reader’s language', async () => {
      const before = await counts();
      const blank = await post(coordinator, '/staff/playbooks', { ...NAMES }, 'es');
      expect(blank.statusCode).toBe(422);
      expect(blank.body).toContain('Escribe el nombre del protocolo en al menos un idioma.');
      expect(blank.body).toContain('href="#f-name_en"');
      const unknown = await post(coordinator, '/staff/playbooks', { ...NAMES, incident_type: 'not_a_type', name_en: 'X' });
      expect(unknown.statusCode).toBe(422);
      expect(unknown.body).toContain('Choose an incident type from the list.');
      const control = await post(coordinator, '/staff/playbooks', { ...NAMES, name_fr: 'Nom\u0007' }, 'fr');
      expect(control.statusCode).toBe(422);
      expect(control.body).toContain('href="#f-name_fr"');
      const long = await post(coordinator, '/staff/playbooks', { ...NAMES, name_en: 'x'.repeat(121) });
      expect(long.statusCode).toBe(422);
      expect(long.body).toContain('Write a name of at most 120 characters.');
      expect(await counts()).toEqual(before);
    });

    it('adds, changes, moves and removes steps, each audited; refused steps change nothing', async () => {
      const page = await get(coordinator, '/staff/playbooks/website-down');
      const once = hidden(page.body, '_once');
      const before = await steps('website-down');
      const added = await post(coordinator, '/staff/playbooks/website-down/steps', {
        _once: once,
        ...STEP,
        required: 'yes',
        due_minutes: '30',
        title_en: 'Tell the person what happens next',
        title_ar: 'إخبار الشخص بما سيحدث بعد ذلك',
        guidance_ar: 'اشرح الخطوات التالية.',
      });
      expect(added.statusCode).toBe(303);
      expect(added.headers.location).toMatch(/^\/staff\/playbooks\/website-down\?done=step_added#step-/);
      // The same form again adds nothing.
      const twice = await post(coordinator, '/staff/playbooks/website-down/steps', { _once: once, ...STEP, title_en: 'Tell the person what happens next' });
      expect(twice.headers.location).toBe('/staff/playbooks/website-down?done=repeated');
      const after = await steps('website-down');
      expect(after).toHaveLength(before.length + 1);
      const last = after.at(-1)!;
      expect([Number(last.position), Number(last.required), Number(last.due_minutes)]).toEqual([before.length + 1, 1, 30]);
      expect(await audits('playbook.step_added')).toHaveLength(1);

      // Refused: no title, guidance without its title, a bad due time, an oversized guidance.
      const refusals: [Record<string, string>, string, string][] = [
        [{}, 'Write the step’s title in at least one language.', '#f-title_en'],
        [{ title_en: 'A', guidance_ru: 'Б' }, 'Write a title in this language too', '#f-title_ru'],
        [{ title_en: 'A', due_minutes: '-1' }, 'Write a whole number of minutes', '#f-due_minutes'],
        [{ title_en: 'A', guidance_en: 'x'.repeat(4001) }, 'Write guidance of at most 4,000 characters.', '#f-guidance_en'],
        [{ title_en: 'A\u202Eb\u0000' }, '', '#f-title_en'],
      ];
      for (const [fields, message, anchor] of refusals) {
        const res = await post(coordinator, `/staff/playbooks/website-down/steps/${last.id}`, { ...STEP, ...fields });
        expect(res.statusCode, JSON.stringify(fields).slice(0, 40)).toBe(422);
        if (message) {
          expect(res.body).toContain(message);
          expect(res.body).toContain(`href="${anchor}"`);
        }
      }
      expect(await audits('playbook.step_changed')).toHaveLength(0);

      const changed = await post(coordinator, `/staff/playbooks/website-down/steps/${last.id}`, { ...STEP, title_en: 'Say what happens next', due_minutes: '' });
      expect(changed.headers.location).toBe(`/staff/playbooks/website-down?done=step_saved#step-${last.id}`);
      const same = await post(coordinator, `/staff/playbooks/website-down/steps/${last.id}`, { ...STEP, title_en: 'Say what happens next', due_minutes: '' });
      expect(same.headers.location).toBe(`/staff/playbooks/website-down?done=unchanged#step-${last.id}`);
      expect(await audits('playbook.step_changed')).toHaveLength(1);
      const texts = await h.deps.db.selectFrom('playbook_step_texts').selectAll().where('step_id', '=', last.id).execute();
      expect(texts.map((t) => [t.language, t.title])).toEqual([['en', 'Say what happens next']]);

      const up = await post(coordinator, `/staff/playbooks/website-down/steps/${last.id}/up`, {});
      expect(up.statusCode).toBe(303);
      expect((await steps('website-down')).map((s) => s.id).at(-2)).toBe(last.id);
      const down = await post(coordinator, `/staff/playbooks/website-down/steps/${last.id}/down`, {});
      expect(down.statusCode).toBe(303);
      const atEnd = await post(coordinator, `/staff/playbooks/website-down/steps/${last.id}/down`, {});
      expect(atEnd.headers.location).toContain('done=unchanged');
      expect(await audits('playbook.step_moved')).toHaveLength(2);

      const removed = await post(coordinator, `/staff/playbooks/website-down/steps/${last.id}/remove`, {});
      expect(removed.statusCode).toBe(303);
      const left = await steps('website-down');
      expect(left.map((s) => s.id)).toEqual(before.map((s) => s.id));
      expect(left.map((s) => Number(s.position))).toEqual(left.map((_, i) => i + 1));
      expect(await audits('playbook.step_removed')).toHaveLength(1);
    });

    it('adds one step when the same form is sent twice at the same moment, and refuses a body past its limit (413)', async () => {
      const page = await get(coordinator, '/staff/playbooks/online-harassment');
      const once = hidden(page.body, '_once');
      const before = await steps('online-harassment');
      const fields = { _once: once, ...STEP, title_en: 'Check in after a week' };
      const [a, b] = await Promise.all([
        post(coordinator, '/staff/playbooks/online-harassment/steps', fields),
        post(coordinator, '/staff/playbooks/online-harassment/steps', fields),
      ]);
      expect([a.statusCode, b.statusCode]).toEqual([303, 303]);
      expect([a.headers.location, b.headers.location].filter((l) => String(l).includes('done=repeated'))).toHaveLength(1);
      expect(await steps('online-harassment')).toHaveLength(before.length + 1);

      const huge = await post(coordinator, '/staff/playbooks/online-harassment/steps', { ...STEP, title_en: 'A', guidance_en: 'x'.repeat(300_000) });
      expect(huge.statusCode).toBe(413);
      expect(huge.body).toContain('4,000');
      expect(await steps('online-harassment')).toHaveLength(before.length + 1);
    });

    it('refuses to remove a playbook’s last step, renames and retires it, and answers 404 for unknown ids', async () => {
      const list = await get(coordinator, '/staff/playbooks');
      const created = await post(coordinator, '/staff/playbooks', { _once: hidden(list.body, '_once'), ...NAMES, name_en: 'Short' });
      const id = /\/staff\/playbooks\/([0-9a-f-]{36})/.exec(created.headers.location as string)![1]!;
      const page = await get(coordinator, `/staff/playbooks/${id}`);
      await post(coordinator, `/staff/playbooks/${id}/steps`, { _once: hidden(page.body, '_once'), ...STEP, title_en: 'Only step' });
      const [only] = await steps(id);
      const last = await post(coordinator, `/staff/playbooks/${id}/steps/${only!.id}/remove`, {});
      expect(last.statusCode).toBe(409);
      expect(last.body).toContain('This is the playbook’s only step. Retire the playbook instead.');
      expect(await steps(id)).toHaveLength(1);

      const renamed = await post(coordinator, `/staff/playbooks/${id}`, { ...NAMES, incident_type: 'ncii', name_en: 'Short', name_es: 'Corto' });
      expect(renamed.headers.location).toBe(`/staff/playbooks/${id}?done=saved`);
      expect((await get(coordinator, `/staff/playbooks/${id}`, 'es')).body).toContain('Corto');
      expect(await audits('playbook.changed')).toHaveLength(1);

      const retired = await post(coordinator, `/staff/playbooks/${id}/retire`, {});
      expect(retired.headers.location).toBe(`/staff/playbooks/${id}?done=retired`);
      const again = await post(coordinator, `/staff/playbooks/${id}/retire`, {});
      expect(again.headers.location).toBe(`/staff/playbooks/${id}?done=unchanged`);
      expect(await audits('playbook.retired')).toHaveLength(1);
      expect((await get(coordinator, `/staff/playbooks/${id}`)).body).toContain('This playbook is retired');

      for (const url of ['/staff/playbooks/nope', '/staff/playbooks/NOPE!', `/staff/playbooks/${id}/steps/nope`, '/staff/playbooks/doxing/steps/website-down-1'])
        expect((await get(coordinator, url)).statusCode, url).toBe(404);
      expect((await post(coordinator, '/staff/playbooks/nope/retire', {})).statusCode).toBe(404);
      expect((await post(coordinator, '/staff/playbooks/doxing/steps/website-down-1/remove', {})).statusCode).toBe(404);
    });
  });
}
