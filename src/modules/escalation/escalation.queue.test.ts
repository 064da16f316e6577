import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { newRequest, staffMember, type StaffFixture } from '../cases/case.fixtures.js';
import { replyToRequester } from '../cases/case.service.js';
import { addRequesterMessage } from '../cases/requester.service.js';
import { loadLadders, runEscalationClock, saveLadder } from './escalation.service.js';
import { GLOBAL_LADDER } from './escalation.js';

// The queue's escalation marker follows the ladder (ADR 34's addendum), not the configuration's
// minutes: a row says which step of its ladder the case last reached in its current wait, as the
// escalation module recorded it, through the cases module's queue notes (ADR 31). A ladder whose
// first step comes before ESCALATE_LEAD_MINUTES marks the row then; the configuration's minutes
// mark nothing; a reply ends the wait and its marker. Both engines, in English and Arabic.

const MIN = 60_000;

for (const engine of engines) {
  describe.skipIf(!engine.available)(`the queue's escalation marker on ${engine.name}`, () => {
    let h: Harness;
    let coordinator: StaffFixture;

    beforeAll(async () => {
      h = await createHarness(engine, { ESCALATE_LEAD_MINUTES: '60', ESCALATE_DIRECTOR_MINUTES: '240' });
      coordinator = await staffMember(h.deps, 'coordinator');
      const global = (await loadLadders(h.deps)).find((l) => l.id === GLOBAL_LADDER)!;
      const saved = await saveLadder(h.deps, coordinator.principal, GLOBAL_LADDER, {
        version: global.version,
        resolution_hours: 72,
        steps: [
          { id: null, minutes: 15, action: 'notify_coordinators', urgency: null, severity: null },
          { id: null, minutes: 100, action: 'notify_director', urgency: null, severity: null },
        ],
      });
      expect(saved).toEqual({ ok: true, value: 'saved' });
    });
    afterAll(async () => h?.close());

    /** The queue row of case `id`, as `who` reads it (every status), in `lang`. */
    const row = async (id: number, lang = 'en') => {
      if (lang !== 'en') await h.deps.db.updateTable('users').set({ locale: lang }).where('id', '=', coordinator.id).execute();
      try {
        const res = await h.app.inject({ url: '/staff?status=all', headers: { cookie: coordinator.cookie } });
        expect(res.statusCode).toBe(200);
        const rows = [...res.body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((m) => m[1]!);
        const mine = rows.find((r) => r.includes(`href="/staff/cases/${id}"`));
        expect(mine, `case ${id} in the queue`).toBeDefined();
        return mine!;
      } finally {
        if (lang !== 'en') await h.deps.db.updateTable('users').set({ locale: 'en' }).where('id', '=', coordinator.id).execute();
      }
    };

    it('marks the step the ladder reached, not the minutes of the configuration, and a reply ends it', async () => {
      const start = h.clock.now();
      const { caseId } = await newRequest(h.deps, { language: 'en', country: 'FR' });
      h.clock.ms = start + 16 * MIN;
      // Due, but not yet recorded by the clock job: no marker.
      expect(await row(caseId)).not.toMatch(/Escalat/);
      expect(await runEscalationClock(h.deps)).toBe(1);
      expect(await row(caseId)).toContain('Escalated: coordinators told');
      // Past ESCALATE_LEAD_MINUTES: the ladder has no shift-lead step, and the row says so.
      h.clock.ms = start + 70 * MIN;
      expect(await runEscalationClock(h.deps)).toBe(0);
      const at70 = await row(caseId);
      expect(at70).not.toContain('shift lead');
      expect(at70).toContain('Escalated: coordinators told');
      // The ladder's second step: the latest one reached is what the row shows.
      h.clock.ms = start + 101 * MIN;
      expect(await runEscalationClock(h.deps)).toBe(1);
      const at101 = await row(caseId);
      expect(at101).toContain('Escalated: director told');
      expect(at101).not.toContain('coordinators told');
      const ar = await row(caseId, 'ar');
      expect(ar).toContain('صُعّدت: أُخطر المدير');

      // A reply ends the wait: no marker. The requester's next message starts a new wait, marked only when its steps are reached.
      expect((await replyToRequester(h.deps, coordinator.principal, caseId, 'We are on it.')).ok).toBe(true);
      expect(await row(caseId)).not.toMatch(/Escalat/);
      await addRequesterMessage(h.deps, caseId, 'They wrote to me again.');
      h.clock.advance(5 * MIN);
      expect(await runEscalationClock(h.deps)).toBe(0);
      expect(await row(caseId)).not.toMatch(/Escalat/);
      h.clock.advance(11 * MIN);
      expect(await runEscalationClock(h.deps)).toBe(1);
      expect(await row(caseId)).toContain('Escalated: coordinators told');
    });

    it('reads the marks of a whole page at once, and marks nothing on a case that never reached a step', async () => {
      const quiet = (await newRequest(h.deps, { language: 'en', country: 'FR' })).caseId;
      expect(await row(quiet)).not.toMatch(/Escalat/);
    });
  });
}
