import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { everyCrashPoint } from '../../../test/crash-points.js';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { newRequest, staffMember, type StaffFixture } from '../cases/case.fixtures.js';
import { GLOBAL_LADDER } from './escalation.js';
import { loadLadders, runEscalationClock, saveLadder, STEP_REACHED } from './escalation.service.js';

// The escalation clock and a ladder's save crashed at each of their statements: a step is
// recorded only with its event and its audit entry, and the next run records what the crashed
// one did not, once; a ladder is saved only with its audit entry and its spent token, and the
// same form sent again after the crash saves it.

const MIN = 60_000;

for (const engine of engines) {
  describe.skipIf(!engine.available)(`crash points in escalation on ${engine.name}`, () => {
    let h: Harness;
    let admin: StaffFixture;
    beforeAll(async () => {
      h = await createHarness(engine);
      admin = await staffMember(h.deps, 'admin');
      await staffMember(h.deps, 'coordinator');
    });
    afterAll(async () => h?.close());

    const count = async (table: 'case_escalations' | 'outbox_events' | 'audit_log', caseId: number) => {
      if (table === 'case_escalations')
        return (await h.deps.db.selectFrom('case_escalations').select('step_id').where('case_id', '=', caseId).execute()).length;
      if (table === 'audit_log')
        return (await h.deps.db.selectFrom('audit_log').select('id').where('case_id', '=', caseId).where('action', '=', 'case.escalated').execute()).length;
      const rows = await h.deps.db.selectFrom('outbox_events').select('payload').where('type', '=', STEP_REACHED).execute();
      return rows.filter((r) => (JSON.parse(r.payload) as { caseId: number }).caseId === caseId).length;
    };

    it('records a step only with its event and audit entry; the next run completes it once', async () => {
      const start = h.clock.now();
      let caseId = 0;
      try {
        const tried = await everyCrashPoint(
          h.deps.db,
          async (db) => {
            h.clock.ms = start;
            await h.deps.db.updateTable('cases').set({ awaiting_reply: 0 }).execute();
            caseId = (await newRequest(h.deps, { country: 'LB', language: 'ar' })).caseId;
            h.clock.ms = start + 95 * MIN;
            return runEscalationClock({ ...h.deps, db });
          },
          async (k) => {
            const recorded = await count('case_escalations', caseId);
            expect(await count('outbox_events', caseId), `crash at statement ${k}`).toBe(recorded);
            expect(await count('audit_log', caseId), `crash at statement ${k}`).toBe(recorded);
            // The next run records the rest, once.
            expect(await runEscalationClock(h.deps)).toBe(2 - recorded);
            expect(await runEscalationClock(h.deps)).toBe(0);
            expect(await count('outbox_events', caseId)).toBe(2);
            expect(await count('audit_log', caseId)).toBe(2);
          },
        );
        expect(tried).toBeGreaterThanOrEqual(5);
      } finally {
        h.clock.ms = start;
      }
    });

    it('saves a ladder only with its audit entry and spent token; the same form again then saves it', async () => {
      let n = 0;
      let once = { tokenHash: '', expiresAt: 0 };
      let minutes = 0;
      const changes = async () =>
        (await h.deps.db.selectFrom('audit_log').select('id').where('action', '=', 'escalation.ladder_changed').execute()).length;
      let before = 0;
      const tried = await everyCrashPoint(
        h.deps.db,
        async (db) => {
          n += 1;
          minutes = 10 + n;
          once = { tokenHash: `crash-${engine.name}-${n}`, expiresAt: h.clock.now() + 60 * MIN };
          before = await changes();
          const global = (await loadLadders(h.deps)).find((l) => l.id === GLOBAL_LADDER)!;
          return saveLadder({ ...h.deps, db }, admin.principal, GLOBAL_LADDER, {
            version: global.version,
            resolution_hours: 100,
            steps: [{ id: null, minutes, action: 'notify_director', urgency: null, severity: null }],
          }, once);
        },
        async (k) => {
          const ladder = (await loadLadders(h.deps)).find((l) => l.id === GLOBAL_LADDER)!;
          const saved = ladder.steps.length === 1 && ladder.steps[0]!.minutes === minutes;
          expect(await changes(), `crash at statement ${k}`).toBe(before + (saved ? 1 : 0));
          // The same form sent again: saved now, or found already saved.
          const again = await saveLadder(h.deps, admin.principal, GLOBAL_LADDER, {
            version: ladder.version,
            resolution_hours: 100,
            steps: [{ id: null, minutes, action: 'notify_director', urgency: null, severity: null }],
          }, once);
          expect(again).toEqual({ ok: true, value: saved ? 'repeated' : 'saved' });
        },
      );
      expect(tried).toBeGreaterThanOrEqual(3);
    });
  });
}
