import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { newRequest, staffMember, type StaffFixture } from './case.fixtures.js';
import { countOpenCases, listInactiveCaseHolders, reassignOpenCases, updateCase } from './case.service.js';

// All of a person's open cases to another person at once (the people page's reassignment):
// one transaction, each case audited and announced as a single reassignment is.

for (const engine of engines) {
  describe.skipIf(!engine.available)(`reassigning open cases on ${engine.name}`, () => {
    let h: Harness;
    let admin: StaffFixture;
    let handler: StaffFixture;
    beforeAll(async () => {
      h = await createHarness(engine);
      admin = await staffMember(h.deps, 'admin');
      handler = await staffMember(h.deps, 'handler');
    });
    afterAll(async () => h?.close());

    /** A case held by `holder` in `status` (reached through the lifecycle). */
    async function heldCase(holder: StaffFixture, status: 'new' | 'vetting' | 'closed' = 'new'): Promise<number> {
      const { caseId } = await newRequest(h.deps);
      expect((await updateCase(h.deps, admin.principal, caseId, { assignee_id: holder.id })).ok).toBe(true);
      if (status === 'vetting') expect((await updateCase(h.deps, admin.principal, caseId, { status: 'vetting' })).ok).toBe(true);
      if (status === 'closed') {
        for (const s of ['vetting', 'out_of_mandate', 'closed'] as const)
          expect((await updateCase(h.deps, admin.principal, caseId, { status: s })).ok).toBe(true);
      }
      return caseId;
    }
    const assigneeOf = async (id: number) =>
      (await h.deps.db.selectFrom('cases').select('assignee_id').where('id', '=', id).executeTakeFirstOrThrow()).assignee_id;
    const assignedAudits = (caseIds: number[]) =>
      h.deps.db.selectFrom('audit_log').select(['case_id', 'actor_id', 'detail']).where('action', '=', 'case.assigned').where('case_id', 'in', caseIds).execute();

    it('moves every open case, and only open ones, each audited and announced', async () => {
      const from = await staffMember(h.deps, 'handler');
      const open = [await heldCase(from), await heldCase(from, 'vetting')];
      const closed = await heldCase(from, 'closed');
      expect(await countOpenCases(h.deps, admin.principal, from.id)).toBe(2);
      const before = (await assignedAudits([...open, closed])).length;

      const res = await reassignOpenCases(h.deps, admin.principal, from.id, handler.id);
      expect(res).toEqual({ ok: true, value: { count: 2 } });
      for (const id of open) expect(await assigneeOf(id)).toBe(handler.id);
      expect(await assigneeOf(closed)).toBe(from.id);
      expect(await countOpenCases(h.deps, admin.principal, from.id)).toBe(0);
      const audits = (await assignedAudits([...open, closed])).slice(before);
      expect(audits.map((a) => [a.case_id, a.actor_id, JSON.parse(a.detail!)])).toEqual(
        open.map((id) => [id, admin.id, { from: from.id, to: handler.id }]),
      );
      const events = await h.deps.db.selectFrom('outbox_events').select('payload').where('type', '=', 'case.assigned').execute();
      const moved = events.map((e) => JSON.parse(e.payload) as { caseId: number; to: string }).filter((p) => open.includes(p.caseId) && p.to === handler.id);
      expect(moved).toHaveLength(2);

      // Nothing left to move: nothing written.
      const after = (await assignedAudits([...open, closed])).length;
      expect(await reassignOpenCases(h.deps, admin.principal, from.id, handler.id)).toEqual({ ok: true, value: { count: 0 } });
      expect((await assignedAudits([...open, closed])).length).toBe(after);
    });

    it('refuses the same person, someone who cannot hold cases, and an actor who may not assign', async () => {
      const from = await staffMember(h.deps, 'handler');
      const id = await heldCase(from);
      expect(await reassignOpenCases(h.deps, admin.principal, from.id, from.id)).toEqual({ ok: false, code: 'VALIDATION_FAILED', field: 'assignee_id' });
      const gone = await staffMember(h.deps, 'handler');
      await h.deps.db.updateTable('users').set({ status: 'disabled' }).where('id', '=', gone.id).execute();
      expect(await reassignOpenCases(h.deps, admin.principal, from.id, gone.id)).toEqual({ ok: false, code: 'CASE_ASSIGNEE_INVALID', field: 'assignee_id' });
      const auditor = await staffMember(h.deps, 'auditor');
      expect((await reassignOpenCases(h.deps, admin.principal, from.id, auditor.id)).ok).toBe(false);
      expect((await reassignOpenCases(h.deps, admin.principal, from.id, 'nobody')).ok).toBe(false);
      expect(await reassignOpenCases(h.deps, handler.principal, from.id, handler.id)).toEqual({ ok: false, code: 'FORBIDDEN', field: 'assignee_id' });
      expect(await assigneeOf(id)).toBe(from.id);
    });

    it('moves a case once when the same reassignment runs twice at the same time', async () => {
      const from = await staffMember(h.deps, 'handler');
      const open = [await heldCase(from), await heldCase(from), await heldCase(from)];
      const results = await Promise.all([
        reassignOpenCases(h.deps, admin.principal, from.id, handler.id),
        reassignOpenCases(h.deps, admin.principal, from.id, handler.id),
      ]);
      const moved = results.map((r) => (r.ok ? r.value.count : 0));
      expect(moved.reduce((a, b) => a + b, 0)).toBe(3);
      for (const r of results) if (!r.ok) expect(r.code).toBe('CONFLICT');
      const audits = (await assignedAudits(open)).filter((a) => (JSON.parse(a.detail!) as { to: string }).to === handler.id);
      expect(audits).toHaveLength(3);
    });

    it('lists a person who is not active but holds open cases for the queue filter', async () => {
      const from = await staffMember(h.deps, 'handler', 'Rosa Gone');
      await heldCase(from);
      const idle = await staffMember(h.deps, 'handler', 'Ida Idle');
      await h.deps.db.updateTable('users').set({ status: 'disabled' }).where('id', 'in', [from.id, idle.id]).execute();
      const listed = await listInactiveCaseHolders(h.deps);
      expect(listed).toContainEqual({ id: from.id, displayName: 'Rosa Gone', status: 'disabled' });
      expect(listed.some((p) => p.id === idle.id)).toBe(false);
    });
  });
}
