import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { everyCrashPoint } from '../../../test/crash-points.js';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { newRequest, staffMember, type StaffFixture } from '../cases/case.fixtures.js';
import { oneTimeToken } from '../../platform/http/spent-tokens.js';
import { addStep } from './playbook.service.js';
import { applyPlaybook, setTaskDone } from './task.service.js';

// Playbook acts crashed at each of their statements: a playbook is applied with all its tasks,
// its record and its audit entry, or none of them; a step is added with its texts, its audit
// entry and its spent form token, or none of them; a task is ticked only with its audit entry.
// After each crash the person simply does it again.

for (const engine of engines) {
  describe.skipIf(!engine.available)(`crash points in playbooks on ${engine.name}`, () => {
    let h: Harness;
    let handler: StaffFixture;
    let coordinator: StaffFixture;
    beforeAll(async () => {
      h = await createHarness(engine);
      handler = await staffMember(h.deps, 'handler');
      coordinator = await staffMember(h.deps, 'coordinator');
    });
    afterAll(async () => h?.close());

    const count = async (table: 'case_tasks' | 'case_playbooks', caseId: number) =>
      (await h.deps.db.selectFrom(table).select('case_id').where('case_id', '=', caseId).execute()).length;
    const audits = async (action: string, caseId: number | null = null) => {
      let q = h.deps.db.selectFrom('audit_log').select('id').where('action', '=', action);
      if (caseId !== null) q = q.where('case_id', '=', caseId);
      return (await q.execute()).length;
    };

    it('applies a playbook wholly or not at all', async () => {
      let caseId = 0;
      const tried = await everyCrashPoint(
        h.deps.db,
        async (db) => {
          caseId = (await newRequest(h.deps)).caseId;
          return applyPlaybook({ ...h.deps, db }, handler.principal, caseId, 'lost-device');
        },
        async (k) => {
          const state = [await count('case_playbooks', caseId), await count('case_tasks', caseId), await audits('case.playbook_applied', caseId)];
          expect([[0, 0, 0], [1, 5, 1]], `crash at statement ${k}`).toContainEqual(state);
          if (state[0] === 0) expect((await applyPlaybook(h.deps, handler.principal, caseId, 'lost-device')).ok).toBe(true);
          expect(await count('case_tasks', caseId)).toBe(5);
        },
      );
      expect(tried).toBeGreaterThanOrEqual(6);
    });

    it('ticks a task only with its audit entry', async () => {
      const { caseId } = await newRequest(h.deps);
      await applyPlaybook(h.deps, handler.principal, caseId, 'doxing');
      const ids = (await h.deps.db.selectFrom('case_tasks').select('id').where('case_id', '=', caseId).orderBy('position').execute()).map((t) => t.id);
      let id = '';
      const tried = await everyCrashPoint(
        h.deps.db,
        async (db) => {
          id = ids.shift()!;
          return setTaskDone({ ...h.deps, db }, handler.principal, caseId, id, true);
        },
        async (k) => {
          const row = await h.deps.db.selectFrom('case_tasks').select('done_at').where('id', '=', id).executeTakeFirstOrThrow();
          const entries = (await h.deps.db.selectFrom('audit_log').select('detail').where('action', '=', 'case.task_done').execute()).filter((a) =>
            (a.detail ?? '').includes(id),
          ).length;
          expect(entries, `crash at statement ${k}`).toBe(row.done_at === null ? 0 : 1);
        },
      );
      expect(tried).toBeGreaterThanOrEqual(3);
    });

    it('adds a step with its texts, audit entry and spent token, or none of them', async () => {
      let n = 0;
      let before = 0;
      let token = oneTimeToken(h.deps.vault, 'playbook-step-form-token', 'x', h.clock.now());
      const steps = async () => (await h.deps.db.selectFrom('playbook_steps').select('id').where('playbook_id', '=', 'doxing').execute()).length;
      const input = () => ({ required: true, dueMinutes: 10, texts: { en: { title: `Check in ${n}`, guidance: 'Call.' }, es: { title: `Llamar ${n}`, guidance: '' } } });
      const tried = await everyCrashPoint(
        h.deps.db,
        async (db) => {
          n += 1;
          token = oneTimeToken(h.deps.vault, 'playbook-step-form-token', `form ${n}`, h.clock.now());
          before = await steps();
          return addStep({ ...h.deps, db }, coordinator.principal, 'doxing', input(), token);
        },
        async (k) => {
          const added = (await steps()) - before;
          const spent = await h.deps.db.selectFrom('spent_tokens').select('token_hash').where('token_hash', '=', token.tokenHash).execute();
          const texts = await h.deps.db.selectFrom('playbook_step_texts').select('language').where('title', '=', `Check in ${n}`).execute();
          expect([added, spent.length, texts.length], `crash at statement ${k}`).toEqual(added === 1 ? [1, 1, 1] : [0, 0, 0]);
          // The same form sent again after the crash adds the step once.
          const again = await addStep(h.deps, coordinator.principal, 'doxing', input(), token);
          expect(again.ok && again.value).toEqual(added === 1 ? 'repeated' : expect.objectContaining({ stepId: expect.any(String) }));
          expect((await steps()) - before).toBe(1);
        },
      );
      expect(tried).toBeGreaterThanOrEqual(5);
      // One step per crashed run (added then or on the retry), and one by the run that was not crashed.
      expect(await audits('playbook.step_added')).toBe(tried + 1);
    });
  });
}
