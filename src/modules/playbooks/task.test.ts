import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderToString } from 'preact-render-to-string';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import type { CaseBrief } from '../../contracts/case-extension.js';
import type { StaffPageContext } from '../../platform/views/staff-layout.js';
import { newRequest, staffMember, type StaffFixture } from '../cases/case.fixtures.js';
import { playbookCaseExtension } from './index.js';
import { applyPlaybook, setTaskAssignee, setTaskDone } from './task.service.js';

// A case's playbook tasks on both engines: applying a playbook makes one task per step, held by
// the case's holder, due from now, in one audited transaction; the same playbook is applied once,
// even by two people at the same moment; tasks are ticked, reopened and handed on (audited), only
// to active staff who may know the case; a restricted case the person may not know answers 404
// as an unknown one does; the section on the case page (progress, due times in the reader's zone,
// guidance in their language), the queue's "Steps 2/5" for a page of cases in one statement, and
// the guard that keeps a case with required tasks open from being resolved or closed.

for (const engine of engines) {
  describe.skipIf(!engine.available)(`playbook tasks on ${engine.name}`, () => {
    let h: Harness;
    let handler: StaffFixture;
    let other: StaffFixture;
    let coordinator: StaffFixture;
    let auditor: StaffFixture;

    beforeAll(async () => {
      h = await createHarness(engine);
      handler = await staffMember(h.deps, 'handler', 'Ana Handler');
      other = await staffMember(h.deps, 'handler', 'Bo Other');
      coordinator = await staffMember(h.deps, 'coordinator', 'Cy Coordinator');
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

    const post = async (who: StaffFixture, url: string, fields: Record<string, string> = {}, lang = 'en') =>
      h.app.inject({
        method: 'POST',
        url,
        headers: { cookie: (await speaking(who, lang)).cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: (await speaking(who, lang)).csrf, ...fields }).toString(),
      });
    const tasks = (caseId: number) =>
      h.deps.db.selectFrom('case_tasks').selectAll().where('case_id', '=', caseId).orderBy('position').execute();
    const audits = (caseId: number, action: string) =>
      h.deps.db.selectFrom('audit_log').selectAll().where('case_id', '=', caseId).where('action', '=', action).execute();
    const openCase = async (incidentType = 'doxing', assignee: string | null = null) => {
      const { caseId } = await newRequest(h.deps, { description: 'Someone posted my address.' });
      await h.deps.db.updateTable('cases').set({ status: 'open', incident_type: incidentType, assignee_id: assignee }).where('id', '=', caseId).execute();
      return caseId;
    };
    const brief = async (caseId: number): Promise<CaseBrief> => {
      const c = await h.deps.db.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirstOrThrow();
      return {
        id: c.id,
        status: c.status,
        urgency: c.urgency,
        severity: c.severity,
        incident_type: c.incident_type,
        region: c.region,
        language: c.language,
        assignee_id: c.assignee_id,
        created_at: Number(c.created_at),
        purged: c.purged_at !== null,
        restricted: Number(c.restricted) === 1,
      };
    };
    const ctxFor = (who: StaffFixture, locale: string, timeZone: string, url = '/staff/cases/1'): StaffPageContext => ({
      t: h.deps.i18n.translator(locale),
      locale,
      dir: locale === 'ar' ? 'rtl' : 'ltr',
      cssUrl: '/assets/staff.css',
      path: url.split('?')[0]!,
      url,
      timeZone,
      principal: { ...who.principal, locale, timeZone },
      csrfToken: who.csrf,
    });

    it('applies a playbook: a task per step, held by the case’s holder, due from now, audited in one transaction', async () => {
      const caseId = await openCase('doxing', other.id);
      const res = await post(handler, `/staff/cases/${caseId}/playbook`, { playbook: 'doxing' });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe(`/staff/cases/${caseId}?playbook=applied#playbook`);
      const made = await tasks(caseId);
      expect(made.map((t) => t.step_id)).toEqual(['doxing-1', 'doxing-2', 'doxing-3', 'doxing-4', 'doxing-5']);
      expect(made.every((t) => t.assignee_id === other.id)).toBe(true);
      expect(made.map((t) => Number(t.required))).toEqual([1, 1, 1, 0, 0]);
      expect(Number(made[0]!.due_at)).toBe(h.clock.now() + 60 * 60_000);
      expect(made[0]!.title).toBe('Assess the physical risk first');
      const audit = await audits(caseId, 'case.playbook_applied');
      expect(audit).toHaveLength(1);
      expect(JSON.parse(audit[0]!.detail!)).toEqual({ playbook: 'doxing', tasks: 5, required: 3 });
      // On an unassigned case the person applying holds the tasks; the title is in their language.
      const unassigned = await openCase('website_down');
      expect((await post(handler, `/staff/cases/${unassigned}/playbook`, { playbook: 'website-down' }, 'es')).statusCode).toBe(303);
      const mine = await tasks(unassigned);
      const spanish = await speaking(handler, 'es');
      expect(mine.every((t) => t.assignee_id === spanish.id)).toBe(true);
      expect(mine[0]!.title).toBe('Confirmar la caída y dónde se ve');
      expect(mine[0]!.title_language).toBe('es');
    });

    it('applies the same playbook once, even twice at the same moment', async () => {
      const caseId = await openCase('account_access');
      const [a, b] = await Promise.all([
        applyPlaybook(h.deps, handler.principal, caseId, 'account-takeover'),
        applyPlaybook(h.deps, coordinator.principal, caseId, 'account-takeover'),
      ]);
      expect([a.ok, b.ok].sort()).toEqual([false, true]);
      const refused = a.ok ? b : a;
      expect(!refused.ok && refused.code).toBe('PLAYBOOK_ALREADY_APPLIED');
      expect(await tasks(caseId)).toHaveLength(5);
      expect(await audits(caseId, 'case.playbook_applied')).toHaveLength(1);
      const again = await post(handler, `/staff/cases/${caseId}/playbook`, { playbook: 'account-takeover' }, 'fr');
      expect(again.statusCode).toBe(409);
      expect(again.body).toContain('Cette procédure est déjà appliquée à ce dossier');
      // Another playbook adds its own tasks.
      expect((await applyPlaybook(h.deps, handler.principal, caseId, 'suspicious-message')).ok).toBe(true);
      expect(await tasks(caseId)).toHaveLength(10);
    });

    it('refuses unknown, retired and malformed playbooks, unknown cases, and the wrong role', async () => {
      const caseId = await openCase();
      expect((await post(handler, `/staff/cases/${caseId}/playbook`, { playbook: 'nope' })).statusCode).toBe(404);
      expect((await post(handler, `/staff/cases/${caseId}/playbook`, { playbook: '../../x' })).statusCode).toBe(422);
      expect((await post(handler, `/staff/cases/${caseId}/playbook`, {})).statusCode).toBe(422);
      expect((await post(handler, `/staff/cases/${caseId}/playbook`, { playbook: 'x'.repeat(5000) })).statusCode).toBe(422);
      await h.deps.db.updateTable('playbooks').set({ active: 0 }).where('id', '=', 'online-harassment').execute();
      const retired = await post(handler, `/staff/cases/${caseId}/playbook`, { playbook: 'online-harassment' });
      expect(retired.statusCode).toBe(409);
      expect(retired.body).toContain('This playbook cannot be applied');
      await h.deps.db.updateTable('playbooks').set({ active: 1 }).where('id', '=', 'online-harassment').execute();
      expect((await post(handler, '/staff/cases/999999/playbook', { playbook: 'doxing' })).statusCode).toBe(404);
      expect((await post(handler, '/staff/cases/abc/playbook', { playbook: 'doxing' })).statusCode).toBe(404);
      expect((await post(auditor, `/staff/cases/${caseId}/playbook`, { playbook: 'doxing' })).statusCode).toBe(403);
      expect(await tasks(caseId)).toHaveLength(0);
    });

    it('answers 404 for a restricted case the person may not know, exactly as for an unknown one', async () => {
      const caseId = await openCase();
      expect((await applyPlaybook(h.deps, coordinator.principal, caseId, 'doxing')).ok).toBe(true);
      const [task] = await tasks(caseId);
      await h.deps.db.updateTable('cases').set({ restricted: 1 }).where('id', '=', caseId).execute();
      const notFound = h.deps.i18n.translator('en')('common.error.not_found');
      for (const url of [`/staff/cases/${caseId}/playbook`, `/staff/cases/${caseId}/tasks/${task!.id}/done`, `/staff/cases/${caseId}/tasks/${task!.id}/assignee`]) {
        const res = await post(handler, url, { playbook: 'lost-device', assignee: '' });
        expect(res.statusCode, url).toBe(404);
        expect(res.body).toContain(notFound);
      }
      expect(await tasks(caseId)).toHaveLength(5);
      expect((await tasks(caseId)).every((t) => t.done_at === null)).toBe(true);
      // A refused form says nothing of the case either: 404 to those who may not know it, 422 to those who may.
      expect((await post(handler, `/staff/cases/${caseId}/playbook`, { playbook: '' })).statusCode).toBe(404);
      expect((await post(handler, `/staff/cases/${caseId}/tasks/${task!.id}/assignee`, { assignee: 'not an id!' })).statusCode).toBe(404);
      expect((await post(coordinator, `/staff/cases/${caseId}/playbook`, { playbook: '' })).statusCode).toBe(404);
      // Listed for the case, the handler may work it; a person not listed may not be handed a task.
      await h.deps.db.insertInto('case_access').values({ case_id: caseId, user_id: handler.id, added_by: coordinator.id, added_at: h.clock.now() }).execute();
      expect((await post(handler, `/staff/cases/${caseId}/tasks/${task!.id}/done`)).statusCode).toBe(303);
      const toOther = await setTaskAssignee(h.deps, handler.principal, caseId, task!.id, other.id);
      expect(!toOther.ok && toOther.code).toBe('PLAYBOOK_ASSIGNEE_INVALID');
      expect((await setTaskAssignee(h.deps, handler.principal, caseId, task!.id, handler.id)).ok).toBe(true);
    });

    it('ticks a task done and reopens it, and hands it on to active staff only (each audited)', async () => {
      const caseId = await openCase('device_lost');
      await applyPlaybook(h.deps, handler.principal, caseId, 'lost-device');
      const [first] = await tasks(caseId);
      h.clock.advance(5 * 60_000);
      const done = await post(handler, `/staff/cases/${caseId}/tasks/${first!.id}/done`);
      expect(done.headers.location).toBe(`/staff/cases/${caseId}?playbook=done#playbook`);
      const row = (await tasks(caseId))[0]!;
      expect([Number(row.done_at), row.done_by]).toEqual([h.clock.now(), handler.id]);
      const twice = await post(handler, `/staff/cases/${caseId}/tasks/${first!.id}/done`);
      expect(twice.headers.location).toBe(`/staff/cases/${caseId}?playbook=unchanged#playbook`);
      expect(await audits(caseId, 'case.task_done')).toHaveLength(1);
      const undo = await post(other, `/staff/cases/${caseId}/tasks/${first!.id}/undo`);
      expect(undo.headers.location).toBe(`/staff/cases/${caseId}?playbook=reopened#playbook`);
      expect((await tasks(caseId))[0]!.done_at).toBeNull();
      expect(await audits(caseId, 'case.task_reopened')).toHaveLength(1);

      const handed = await post(handler, `/staff/cases/${caseId}/tasks/${first!.id}/assignee`, { assignee: other.id });
      expect(handed.headers.location).toBe(`/staff/cases/${caseId}?playbook=assigned#playbook`);
      expect((await tasks(caseId))[0]!.assignee_id).toBe(other.id);
      const nobody = await post(handler, `/staff/cases/${caseId}/tasks/${first!.id}/assignee`, { assignee: '' });
      expect(nobody.statusCode).toBe(303);
      expect((await tasks(caseId))[0]!.assignee_id).toBeNull();
      const assigned = await audits(caseId, 'case.task_assigned');
      expect(assigned.map((a) => JSON.parse(a.detail!).assignee)).toEqual([other.id, null]);
      // Not staff who can hold cases, or not a person at all: refused, nothing changed.
      for (const bad of [auditor.id, crypto.randomUUID(), 'not an id!']) {
        const res = await post(handler, `/staff/cases/${caseId}/tasks/${first!.id}/assignee`, { assignee: bad }, 'es');
        expect(res.statusCode, bad).toBe(422);
        expect(res.body).toContain('Elige a alguien de la lista');
      }
      expect(await audits(caseId, 'case.task_assigned')).toHaveLength(2);
      // Unknown or malformed tasks, a task of another case, the wrong role.
      const elsewhere = await openCase();
      for (const url of [
        `/staff/cases/${caseId}/tasks/${crypto.randomUUID()}/done`,
        `/staff/cases/${caseId}/tasks/not-a-task/done`,
        `/staff/cases/${elsewhere}/tasks/${first!.id}/done`,
      ])
        expect((await post(handler, url)).statusCode, url).toBe(404);
      expect((await post(auditor, `/staff/cases/${caseId}/tasks/${first!.id}/done`)).statusCode).toBe(403);
      expect((await setTaskDone(h.deps, auditor.principal, caseId, first!.id, true)).ok).toBe(false);
    });

    it('shows the section: progress, holders, due times in the reader’s zone, guidance in their language, and the playbooks to apply', async () => {
      const caseId = await openCase('doxing', handler.id);
      const appliedAt = h.clock.now();
      await applyPlaybook(h.deps, handler.principal, caseId, 'doxing');
      const [first, second] = await tasks(caseId);
      await setTaskDone(h.deps, handler.principal, caseId, first!.id, true);
      h.clock.advance(5 * 60 * 60_000);
      const c = await brief(caseId);
      const html = (node: unknown) => renderToString(node as Parameters<typeof renderToString>[0]);
      const en = html(
        await playbookCaseExtension.panel!(h.deps, { ctx: ctxFor(coordinator, 'en', 'Asia/Kolkata', `/staff/cases/${caseId}?playbook=done`), actor: coordinator.principal, case: c, now: h.clock.now() }),
      );
      expect(en).toContain('1 of 5 done.');
      expect(en).toContain('2 required tasks are open');
      expect(en).toContain('Task marked done.');
      expect(en).toContain('Ana Handler');
      // The second step falls due 4 hours after it was applied, shown in Kolkata's time, named; overdue by now.
      const due = appliedAt + 4 * 60 * 60_000;
      const local = new Intl.DateTimeFormat('en', { hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Kolkata' }).format(due);
      expect(en).toMatch(new RegExp(`overdue since <time datetime="${new Date(due).toISOString()}">[^<]*${local}[^<]*GMT\\+5:30`));
      expect(en).toContain(`action="/staff/cases/${caseId}/tasks/${first!.id}/undo"`);
      expect(en).toContain(`action="/staff/cases/${caseId}/tasks/${second!.id}/done"`);
      // Doxing is applied: other playbooks are offered, none "for this incident type".
      expect(en).not.toContain('value="doxing"');
      expect(en).toContain('value="lost-device"');
      expect(en).not.toContain('For this incident type');
      const ar = html(await playbookCaseExtension.panel!(h.deps, { ctx: ctxFor(handler, 'ar', 'UTC'), actor: handler.principal, case: c, now: h.clock.now() }));
      expect(ar).toContain('<strong lang="ar" dir="rtl">تقييم الخطر الجسدي أولًا</strong>');
      expect(ar).toContain('أُنجز 1 من 5.');
      // A forged flash in the address shows nothing.
      const forged = html(
        await playbookCaseExtension.panel!(h.deps, { ctx: ctxFor(handler, 'en', 'UTC', `/staff/cases/${caseId}?playbook=%3Cscript%3E`), actor: handler.principal, case: c, now: h.clock.now() }),
      );
      expect(forged).not.toContain('role="status"');
      // A case of a type with its own playbook offers it first; an auditor sees no section.
      const lost = await brief(await openCase('device_lost'));
      const offer = html(await playbookCaseExtension.panel!(h.deps, { ctx: ctxFor(handler, 'en', 'UTC'), actor: handler.principal, case: lost, now: h.clock.now() }));
      expect(offer).toMatch(/<optgroup label="For this incident type"><option value="lost-device">Lost, stolen or seized device<\/option><\/optgroup>/);
      expect(offer).toContain('No playbook has been applied to this case yet.');
      expect(await playbookCaseExtension.panel!(h.deps, { ctx: ctxFor(auditor, 'en', 'UTC'), actor: auditor.principal, case: lost, now: h.clock.now() })).toBeNull();
    });

    it('notes "Steps 2/5" on the queue for a page of cases in one statement, and nothing for cases without tasks', async () => {
      const a = await openCase('website_down');
      const b = await openCase('suspicious_message');
      const none = await openCase();
      await applyPlaybook(h.deps, handler.principal, a, 'website-down');
      await applyPlaybook(h.deps, handler.principal, b, 'suspicious-message');
      for (const t of (await tasks(a)).slice(0, 2)) await setTaskDone(h.deps, handler.principal, a, t.id, true);
      let statements = 0;
      const counting = {
        ...h.deps,
        db: h.deps.db.withPlugin({
          transformQuery: (x) => {
            statements += 1;
            return x.node;
          },
          transformResult: async (x) => x.result,
        }),
      };
      const notes = await playbookCaseExtension.queueNotes!(counting, [a, b, none, 999_999], 'en');
      expect(statements).toBe(1);
      expect(notes).toEqual(
        new Map([
          [a, 'Steps 2/5'],
          [b, 'Steps 0/5'],
        ]),
      );
      expect((await playbookCaseExtension.queueNotes!(h.deps, [a], 'ru')).get(a)).toBe('Шаги 2/5');
      expect(await playbookCaseExtension.queueNotes!(h.deps, [], 'en')).toEqual(new Map());
    });

    it('counts a page of cases’ tasks from case_tasks_case alone', async () => {
      const query = sql`select case_id, count(*) as total, count(done_at) as done from case_tasks where case_id in (1, 2, 3) group by case_id`;
      if (engine.name === 'sqlite') {
        const plan = await sql<{ detail: string }>`explain query plan ${query}`.execute(h.deps.db);
        expect(plan.rows.map((r) => r.detail).join('\n')).toContain('USING COVERING INDEX case_tasks_case');
      } else {
        const plan = await h.deps.db.transaction().execute(async (trx) => {
          await sql`set local enable_seqscan = off`.execute(trx);
          return sql<{ 'QUERY PLAN': string }>`explain ${query}`.execute(trx);
        });
        expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/Index (Only )?Scan using case_tasks_case|Bitmap Index Scan on case_tasks_case/);
      }
    });

    it('refuses to resolve or close a case with required tasks open (overridable), and lets it once they are done', async () => {
      const caseId = await openCase('suspicious_message');
      const check = (to: string) =>
        playbookCaseExtension.checkStatusChange!(h.deps.db, { caseId, from: 'open', to, actor: handler.principal, override: false });
      expect(await check('resolved')).toBeNull();
      await applyPlaybook(h.deps, handler.principal, caseId, 'suspicious-message');
      const refusal = { messageKey: 'playbooks.guard.required_open', overridable: true };
      expect(await check('resolved')).toEqual(refusal);
      expect(await check('closed')).toEqual(refusal);
      expect(await check('waiting')).toBeNull();
      const all = await tasks(caseId);
      for (const t of all.filter((x) => Number(x.required) === 1).slice(0, -1)) await setTaskDone(h.deps, handler.principal, caseId, t.id, true);
      expect(await check('resolved')).toEqual(refusal);
      const lastRequired = all.filter((x) => Number(x.required) === 1).at(-1)!;
      await setTaskDone(h.deps, handler.principal, caseId, lastRequired.id, true);
      // Optional tasks left open do not hold the case.
      expect(await check('resolved')).toBeNull();
    });
  });
}
