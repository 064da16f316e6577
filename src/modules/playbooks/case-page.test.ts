import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { newRequest, staffMember, type StaffFixture } from '../cases/case.fixtures.js';

// Playbooks through the cases module's own pages, on both engines: the case page shows the
// playbook section with its forms, JavaScript off; the queue row says "Steps 1/5"; the status
// form refuses to resolve a case with required tasks open, saying why, and a coordinator's
// override goes through, audited by the cases module; once the tasks are done, it simply goes.

for (const engine of engines) {
  describe.skipIf(!engine.available)(`playbooks on the case page on ${engine.name}`, () => {
    let h: Harness;
    let handler: StaffFixture;
    let coordinator: StaffFixture;

    beforeAll(async () => {
      h = await createHarness(engine);
      handler = await staffMember(h.deps, 'handler', 'Ana Handler');
      coordinator = await staffMember(h.deps, 'coordinator', 'Cy Coordinator');
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
    const post = (who: StaffFixture, url: string, fields: [string, string][]) =>
      h.app.inject({
        method: 'POST',
        url,
        headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams([['_csrf', who.csrf], ...fields]).toString(),
      });
    const row = (id: number) => h.deps.db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const tasks = (caseId: number) =>
      h.deps.db.selectFrom('case_tasks').selectAll().where('case_id', '=', caseId).orderBy('position').execute();

    it('applies a playbook from the case page, ticks a task, and shows progress on the page and the queue', async () => {
      const { caseId } = await newRequest(h.deps, { description: 'My phone was taken at the border.' });
      await h.deps.db.updateTable('cases').set({ status: 'open', incident_type: 'device_lost' }).where('id', '=', caseId).execute();
      const before = await get(handler, `/staff/cases/${caseId}`);
      expect(before.statusCode).toBe(200);
      expect(before.body).toContain('<section class="panel playbook" id="playbook"');
      expect(before.body).toContain(`<form method="post" action="/staff/cases/${caseId}/playbook"`);
      expect(before.body).toMatch(/<optgroup label="For this incident type"><option value="lost-device">/);

      const applied = await post(handler, `/staff/cases/${caseId}/playbook`, [['playbook', 'lost-device']]);
      expect(applied.headers.location).toBe(`/staff/cases/${caseId}?playbook=applied#playbook`);
      const page = await get(handler, applied.headers.location as string);
      expect(page.body).toContain('Playbook applied: its steps are now this case’s tasks.');
      expect(page.body).toContain('0 of 5 done.');
      const [first] = await tasks(caseId);
      expect(page.body).toContain(`action="/staff/cases/${caseId}/tasks/${first!.id}/done"`);
      await post(handler, `/staff/cases/${caseId}/tasks/${first!.id}/done`, []);
      expect((await get(handler, `/staff/cases/${caseId}`)).body).toContain('1 of 5 done.');
      const queue = await get(handler, '/staff?status=open');
      expect(queue.body).toContain('Steps 1/5');
      // In Arabic, the section reads right to left with the seeded Arabic texts.
      const ar = await get(handler, `/staff/cases/${caseId}`, 'ar');
      expect(ar.body).toContain('مهام دليل الإجراءات');
      expect(ar.body).toContain('<strong lang="ar" dir="rtl">إخراج الجهاز من الحسابات وتغيير كلمات المرور</strong>');
    });

    it('refuses to resolve with required tasks open; a coordinator overrides (audited); done tasks let it through', async () => {
      const { caseId } = await newRequest(h.deps, { description: 'A strange link arrived.' });
      await h.deps.db.updateTable('cases').set({ status: 'open', incident_type: 'suspicious_message' }).where('id', '=', caseId).execute();
      await post(handler, `/staff/cases/${caseId}/playbook`, [['playbook', 'suspicious-message']]);
      const refused = await post(handler, `/staff/cases/${caseId}/status`, [['status', 'resolved'], ['version', String((await row(caseId)).version)]]);
      expect(refused.statusCode).toBe(422);
      expect(refused.body).toContain('This case has required playbook tasks still open.');
      expect((await row(caseId)).status).toBe('open');
      const closed = await post(handler, `/staff/cases/${caseId}/status`, [['status', 'closed'], ['version', String((await row(caseId)).version)]]);
      expect(closed.statusCode).toBe(422);

      const overridden = await post(coordinator, `/staff/cases/${caseId}/status`, [
        ['status', 'resolved'],
        ['version', String((await row(caseId)).version)],
        ['override', 'yes'],
      ]);
      expect(overridden.statusCode).toBe(303);
      expect((await row(caseId)).status).toBe('resolved');
      const audit = await h.deps.db.selectFrom('audit_log').selectAll().where('case_id', '=', caseId).where('action', '=', 'case.checks_overridden').execute();
      expect(audit).toHaveLength(1);
      expect(audit[0]!.detail).toContain('playbooks.guard.required_open');

      // Reopened, its required tasks done, the case resolves without an override.
      await post(coordinator, `/staff/cases/${caseId}/status`, [['status', 'open'], ['version', String((await row(caseId)).version)]]);
      for (const t of (await tasks(caseId)).filter((x) => Number(x.required) === 1))
        expect((await post(handler, `/staff/cases/${caseId}/tasks/${t.id}/done`, [])).statusCode).toBe(303);
      const resolved = await post(handler, `/staff/cases/${caseId}/status`, [['status', 'resolved'], ['version', String((await row(caseId)).version)]]);
      expect(resolved.statusCode).toBe(303);
      expect((await row(caseId)).status).toBe('resolved');
    });
  });
}
