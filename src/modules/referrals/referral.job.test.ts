import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createPace } from '../../platform/jobs/pace.js';
import { createHarness, secondProcess, type Harness } from '../../../test/harness.js';
import { newRequest, staffMember, type StaffFixture } from '../cases/case.fixtures.js';
import { createPartner } from './partner.service.js';
import { DAY_MS } from './referral.js';
import { createReferral, recordOutcome, remindDueFollowUps } from './referral.service.js';
import { followUpJob, FOLLOW_UP_JOB } from './referral.job.js';

// The follow-up reminder on both engines: nothing before the day; on the day, the referring
// person and the case's assignee are told once, however many runs and processes; an outcome
// recorded before the day closes it; on a restricted case only those who may know it are told.

for (const engine of engines) {
  describe.skipIf(!engine.available)(`the referral follow-up on ${engine.name}`, () => {
    let h: Harness;
    let coordinator: StaffFixture;
    let handler: StaffFixture;
    let partner: string;

    beforeAll(async () => {
      h = await createHarness(engine);
      coordinator = await staffMember(h.deps, 'coordinator', 'Cy Coordinator');
      handler = await staffMember(h.deps, 'handler', 'Ana Handler');
      const created = await createPartner(h.deps, coordinator.principal, {
        name: 'Follow-up Partner',
        description: '',
        services: ['legal'],
        regions: [],
        languages: [],
        contact_kind: 'email',
        contact_address: 'a@example.org',
        pgp_key: null,
      });
      if (!created.ok) throw new Error(created.code);
      partner = created.value.id;
    });
    afterAll(async () => h?.close());

    const notices = async (caseId: number) =>
      h.deps.db.selectFrom('notifications').select(['user_id', 'kind']).where('case_id', '=', caseId).where('kind', '=', 'referral_follow_up').orderBy('user_id').execute();

    async function referredCase(days: number): Promise<{ caseId: number; id: string }> {
      const { caseId } = await newRequest(h.deps);
      await h.deps.db.updateTable('cases').set({ assignee_id: coordinator.id }).where('id', '=', caseId).execute();
      const r = await createReferral(
        h.deps,
        handler.principal,
        caseId,
        { partner, items: ['case_facts'], summary: null, consent: null, letterLanguage: 'en', followUpDays: days },
        undefined,
      );
      if (!r.ok) throw new Error(r.code);
      return { caseId, id: r.value.id };
    }

    it('tells the referring person and the assignee once, on the day, with two runs in two processes', async () => {
      const { caseId } = await referredCase(7);
      h.clock.advance(7 * DAY_MS - 60_000);
      await remindDueFollowUps(h.deps);
      expect(await notices(caseId)).toEqual([]);
      h.clock.advance(60_000);
      const other = await secondProcess(h);
      try {
        // On PostgreSQL the two runs overlap; SQLite's connections in one process take turns
        // (a second writer would wait on the first while holding the only thread).
        if (engine.name === 'postgres') await Promise.all([remindDueFollowUps(h.deps), remindDueFollowUps(other.deps)]);
        else for (const d of [other.deps, h.deps]) await remindDueFollowUps(d);
        await remindDueFollowUps(h.deps);
      } finally {
        await other.close();
      }
      const told = await notices(caseId);
      expect(told.map((n) => n.user_id).sort()).toEqual([coordinator.id, handler.id].sort());
      // The job declares itself for the schedule.
      expect(followUpJob(h.deps).name).toBe(FOLLOW_UP_JOB);
      await followUpJob(h.deps).run(createPace());
      expect((await notices(caseId)).length).toBe(2);
    });

    it('tells nobody when an outcome was recorded before the day', async () => {
      const { caseId, id } = await referredCase(3);
      expect((await recordOutcome(h.deps, handler.principal, caseId, id, { outcome: 'helped' })).ok).toBe(true);
      h.clock.advance(4 * DAY_MS);
      await remindDueFollowUps(h.deps);
      expect(await notices(caseId)).toEqual([]);
    });

    it('tells only those who may know a restricted case', async () => {
      const { caseId } = await referredCase(1);
      await h.deps.db.updateTable('cases').set({ restricted: 1 }).where('id', '=', caseId).execute();
      h.clock.advance(2 * DAY_MS);
      await remindDueFollowUps(h.deps);
      // The handler is not listed for it and leads no team that covers it; nor is the coordinator.
      expect((await notices(caseId)).map((n) => n.user_id)).not.toContain(handler.id);
      const row = await h.deps.db.selectFrom('referrals').select('reminded_at').where('case_id', '=', caseId).executeTakeFirstOrThrow();
      expect(row.reminded_at).not.toBeNull();
    });
  });
}
