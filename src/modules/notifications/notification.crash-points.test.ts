import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { everyCrashPoint } from '../../../test/crash-points.js';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { newRequest, staffMember, type StaffFixture } from '../cases/case.fixtures.js';
import { onCaseAssigned } from './notification.service.js';
import { smtpEnv } from './notification.test-helpers.js';

// Lose nothing, tell nobody twice: an event's notice crashed at each of its statements in turn
// leaves its mark, its notification and its email task all written or none; delivered again
// (as the outbox does after a crash), every event ends with exactly one of each.

for (const engine of engines) {
  describe.skipIf(!engine.available)(`a notice crashed at any statement, on ${engine.name}`, () => {
    let h: Harness;
    let handler: StaffFixture;
    let coordinator: StaffFixture;
    let caseId: number;

    beforeAll(async () => {
      h = await createHarness(engine, smtpEnv(2525));
      handler = await staffMember(h.deps, 'handler');
      coordinator = await staffMember(h.deps, 'coordinator');
      caseId = (await newRequest(h.deps)).caseId;
    });
    afterAll(async () => h?.close());

    const state = async (k: number) => {
      const mark = await h.deps.db.selectFrom('notification_marks').select('mark').where('mark', '=', `event:crash-${k}`).execute();
      const notes = await h.deps.db.selectFrom('notifications').select('id').where('case_id', '=', caseId).execute();
      const tasks = await h.deps.db.selectFrom('tasks').select('idempotency_key').where('name', '=', 'notifications.email').execute();
      return { marks: mark.length, notifications: notes.length, tasks: tasks.length };
    };

    it('writes the mark, the notification and the email task together, and once', async () => {
      let before = await state(0);
      const assigned = (db: typeof h.deps.db, k: number) =>
        onCaseAssigned({ ...h.deps, db }, `crash-${k}`, { caseId, to: handler.id, by: coordinator.id });
      const points = await everyCrashPoint(
        h.deps.db,
        (db, k) => assigned(db, k),
        async (k) => {
          const now = await state(k);
          // All or nothing.
          expect([now.notifications - before.notifications, now.tasks - before.tasks], `crash at ${k}`).toEqual(now.marks === 1 ? [1, 1] : [0, 0]);
          // Delivered again: exactly one of each, whatever the crash left.
          await assigned(h.deps.db, k);
          await assigned(h.deps.db, k);
          const again = await state(k);
          expect(again.marks).toBe(1);
          expect([again.notifications - before.notifications, again.tasks - before.tasks]).toEqual([1, 1]);
          before = again;
        },
      );
      expect(points).toBeGreaterThan(3);
    });
  });
}
