import { h as jsx } from 'preact';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import type { CaseBrief, StatusChange } from '../../contracts/case-extension.js';
import type { HavenModule } from '../../contracts/module.js';
import { MODULES } from '../../modules.js';
import { newRequest, staffMember, type StaffFixture } from './case.fixtures.js';

// What another module adds to a case (contracts/case-extension.ts, ADR 31), through a module
// made for the test: its section on the case page, its note on the queue row, and its say
// before a status change, on every path that changes a status (the status form, a reply that
// sets one, a bulk change, the API), with a lead's audited override.

const seen: CaseBrief[] = [];
const asked: StatusChange[] = [];
const probe: HavenModule = {
  name: 'probe',
  caseExtension: {
    name: 'probe',
    panel: async (_deps, { case: c, ctx }) => {
      seen.push(c);
      return jsx('section', { class: 'panel', id: 'probe-panel' }, `Probe sees ${c.status} in ${ctx.locale}`);
    },
    queueNotes: async (_deps, ids) => new Map(ids.map((id) => [id, `probe note ${id}`])),
    checkStatusChange: async (_db, change) => {
      asked.push(change);
      return change.to === 'resolved' ? { messageKey: 'cases.error.status_refused', overridable: true } : null;
    },
  },
};

for (const engine of engines) {
  describe.skipIf(!engine.available)(`case extensions on ${engine.name}`, () => {
    let h: Harness;
    let handler: StaffFixture;
    let coordinator: StaffFixture;

    beforeAll(async () => {
      h = await createHarness(engine, {}, { modules: [...MODULES, probe] });
      handler = await staffMember(h.deps, 'handler', 'Ana Handler');
      coordinator = await staffMember(h.deps, 'coordinator', 'Cy Coordinator');
    });
    afterAll(async () => h?.close());

    const get = (who: StaffFixture, url: string) => h.app.inject({ method: 'GET', url, headers: { cookie: who.cookie } });
    const post = (who: StaffFixture, url: string, fields: [string, string][]) =>
      h.app.inject({
        method: 'POST',
        url,
        headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams([['_csrf', who.csrf], ...fields]).toString(),
      });
    const row = (id: number) => h.deps.db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const openCase = async () => {
      const { caseId } = await newRequest(h.deps, { description: 'Extension probe' });
      await h.deps.db.updateTable('cases').set({ status: 'open' }).where('id', '=', caseId).execute();
      return caseId;
    };
    const overrides = (caseId: number) =>
      h.deps.db.selectFrom('audit_log').selectAll().where('case_id', '=', caseId).where('action', '=', 'case.checks_overridden').execute();

    it("shows a module's section on the case page and its note on the queue row, told the case's structured fields", async () => {
      const caseId = await openCase();
      seen.length = 0;
      const page = await get(handler, `/staff/cases/${caseId}`);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('<section class="panel" id="probe-panel">Probe sees open in en</section>');
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject({ id: caseId, status: 'open', purged: false, restricted: false });
      // Structured fields only: nothing the requester wrote.
      expect(JSON.stringify(seen[0])).not.toContain('Extension probe');
      const queue = await get(handler, '/staff?status=open');
      expect(queue.body).toContain(`<span class="row-note">probe note ${caseId}</span>`);
      // An unknown case is answered before any extension is asked.
      seen.length = 0;
      expect((await get(handler, '/staff/cases/999999')).statusCode).toBe(404);
      expect(seen).toHaveLength(0);
    });

    it('a refusal stops the status form, says why, and is offered for override to a lead only', async () => {
      const caseId = await openCase();
      const { version } = await row(caseId);
      const refused = await post(handler, `/staff/cases/${caseId}/status`, [['status', 'resolved'], ['version', String(version)]]);
      expect(refused.statusCode).toBe(422);
      expect(refused.body).toContain('This case cannot move to that status yet');
      expect(refused.body).not.toContain('name="override"');
      // A handler asking to override is refused all the same.
      const forced = await post(handler, `/staff/cases/${caseId}/status`, [['status', 'resolved'], ['version', String(version)], ['override', 'yes']]);
      expect(forced.statusCode).toBe(422);
      expect((await row(caseId)).status).toBe('open');

      const lead = await post(coordinator, `/staff/cases/${caseId}/status`, [['status', 'resolved'], ['version', String(version)]]);
      expect(lead.statusCode).toBe(422);
      expect(lead.body).toContain('name="override"');
      expect(await overrides(caseId)).toHaveLength(0);
      asked.length = 0;
      const done = await post(coordinator, `/staff/cases/${caseId}/status`, [['status', 'resolved'], ['version', String(version)], ['override', 'yes']]);
      expect(done.statusCode).toBe(303);
      expect(asked).toEqual([expect.objectContaining({ caseId, from: 'open', to: 'resolved', override: true })]);
      expect((await row(caseId)).status).toBe('resolved');
      const audit = await overrides(caseId);
      expect(audit).toHaveLength(1);
      expect(JSON.parse(audit[0]!.detail!)).toEqual({ to: 'resolved', refused: 'cases.error.status_refused' });
      // A move the extension has nothing against goes through without an override.
      const reopened = await post(coordinator, `/staff/cases/${caseId}/status`, [['status', 'open'], ['version', String((await row(caseId)).version)]]);
      expect(reopened.statusCode).toBe(303);
    });

    it('a reply that sets a refused status saves neither', async () => {
      const caseId = await openCase();
      const page = await get(handler, `/staff/cases/${caseId}`);
      const once = /name="_once" value="([^"]+)"/.exec(page.body)![1]!;
      const res = await post(handler, `/staff/cases/${caseId}/replies`, [
        ['body', 'All done on our side.'],
        ['next_status', 'resolved'],
        ['version', String((await row(caseId)).version)],
        ['_once', once],
      ]);
      expect(res.statusCode).toBe(422);
      expect(res.body).toContain('This case cannot move to that status yet');
      expect((await row(caseId)).status).toBe('open');
      const replies = await h.deps.db.selectFrom('messages').select('id').where('case_id', '=', caseId).where('kind', '=', 'reply').execute();
      expect(replies).toHaveLength(0);
    });

    it('a bulk change skips the cases refused; the API refuses with the reason, and lets a lead override', async () => {
      const a = await openCase();
      const b = await openCase();
      const once = /name="_once" value="([^"]+)"/.exec((await get(coordinator, '/staff')).body)![1]!;
      const bulk = await post(coordinator, '/staff/cases/bulk', [
        ['_once', once],
        ['case', String(a)],
        ['case', String(b)],
        ['op', 'status'],
        ['bulk_status', 'resolved'],
      ]);
      expect(bulk.statusCode).toBe(303);
      expect(bulk.headers.location).toContain('count=0&skipped=2');
      expect((await row(a)).status).toBe('open');

      const patch = (who: StaffFixture, payload: Record<string, unknown>) =>
        h.app.inject({ method: 'PATCH', url: `/api/v1/cases/${a}`, headers: { authorization: who.bearer }, payload });
      const refused = await patch(handler, { status: 'resolved', version: (await row(a)).version, override_checks: true });
      expect(refused.statusCode).toBe(422);
      expect(refused.json()).toEqual({
        error: {
          code: 'CASE_STATUS_REFUSED',
          message: expect.stringContaining('This case cannot move to that status yet'),
          field: 'status',
        },
      });
      const lead = await patch(coordinator, { status: 'resolved', version: (await row(a)).version, override_checks: true });
      expect(lead.statusCode).toBe(200);
      expect((await row(a)).status).toBe('resolved');
      expect(await overrides(a)).toHaveLength(1);
    });
  });
}
