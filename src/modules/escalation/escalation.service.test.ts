import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, secondProcess, type Harness } from '../../../test/harness.js';
import { newRequest, staffMember, type StaffFixture } from '../cases/case.fixtures.js';
import { replyToRequester, replyWithStatus, updateCase } from '../cases/case.service.js';
import { addRequesterMessage } from '../cases/requester.service.js';
import { notificationSubscribers } from '../notifications/notification.subscribers.js';
import { notifiedIds, team } from '../notifications/notification.test-helpers.js';
import { addTeamLadder, loadLadders, removeTeamLadder, runEscalationClock, saveLadder, STEP_REACHED } from './escalation.service.js';
import { GLOBAL_LADDER } from './escalation.js';

// The clock job on both engines: each step of the ladder that governs a case is recorded once
// per case, step and wait (run again, or by two processes at once, it adds nothing), with one
// `escalation.step_reached` event and one `case.escalated` audit entry; the clock pauses while
// the case waits on the requester and starts again at their next message; a team's ladder
// replaces the global one; the shift lead is the lead on shift, else the team's coordinators,
// else every coordinator; a restricted case tells only those who may know it. Saving ladders:
// refused severities, a form saved over a newer save, the same form sent twice.

const MIN = 60_000;

for (const engine of engines) {
  describe.skipIf(!engine.available)(`the escalation clock on ${engine.name}`, () => {
    let h: Harness;
    let lead: StaffFixture; // a coordinator in the Middle East team, leading its shift
    let otherCoordinator: StaffFixture; // a coordinator in no team
    let admin: StaffFixture;
    let mena: StaffFixture; // a handler in the Middle East team
    let americas: StaffFixture; // a handler in the Americas team
    let menaTeam: string;
    let americasTeam: string;

    const rows = (caseId: number) =>
      h.deps.db.selectFrom('case_escalations').selectAll().where('case_id', '=', caseId).orderBy('minutes').execute();
    const events = async (caseId: number) =>
      (await h.deps.db.selectFrom('outbox_events').select('payload').where('type', '=', STEP_REACHED).execute())
        .map((e) => JSON.parse(e.payload) as { caseId: number; stepId: string; recipients: string[] })
        .filter((p) => p.caseId === caseId);
    const audits = (caseId: number) =>
      h.deps.db.selectFrom('audit_log').select(['action', 'detail']).where('case_id', '=', caseId).where('action', '=', 'case.escalated').execute();

    /** Puts `leadId` in charge of a shift of `teamId` every day, all day (UTC). */
    async function allDayShifts(teamId: string, leadId: string | null) {
      await h.deps.db.deleteFrom('shift_slots').where('team_id', '=', teamId).execute();
      for (const weekday of [1, 2, 3, 4, 5, 6, 7])
        await h.deps.db
          .insertInto('shift_slots')
          .values({ id: randomUUID(), team_id: teamId, weekday, start_minute: 0, end_minute: 0, lead_id: leadId, created_at: 0, updated_at: 0 })
          .execute();
    }

    beforeAll(async () => {
      h = await createHarness(engine);
      lead = await staffMember(h.deps, 'coordinator');
      otherCoordinator = await staffMember(h.deps, 'coordinator');
      admin = await staffMember(h.deps, 'admin');
      mena = await staffMember(h.deps, 'handler');
      americas = await staffMember(h.deps, 'handler');
      menaTeam = await team(h.deps, { regions: ['mena'], languages: ['ar'], members: [lead.id, mena.id] });
      americasTeam = await team(h.deps, { regions: ['americas'], members: [americas.id] });
    });
    afterAll(async () => h?.close());
    beforeEach(async () => {
      // Each test starts with no case awaiting a reply but its own.
      await h.deps.db.updateTable('cases').set({ awaiting_reply: 0 }).execute();
    });

    it('records each step once per wait, even run again or by two processes at once', async () => {
      const start = h.clock.now();
      const { caseId } = await newRequest(h.deps, { country: 'LB', language: 'ar' });
      await updateCase(h.deps, lead.principal, caseId, { assignee_id: mena.id });
      const second = await secondProcess(h);
      const both = <T,>(a: () => Promise<T>, b: () => Promise<T>): Promise<[T, T]> =>
        engine.name === 'postgres' ? Promise.all([a(), b()]) : a().then(async (x): Promise<[T, T]> => [x, await b()]);
      try {
        h.clock.ms = start + 59 * MIN;
        expect(await runEscalationClock(h.deps)).toBe(0);

        // 60 minutes: the shift lead. No shift is on: the team's coordinator (not the other one), and the assignee.
        h.clock.ms = start + 60 * MIN;
        const [a, b] = await both(() => runEscalationClock(h.deps), () => runEscalationClock(second.deps));
        expect(a + b).toBe(1);
        expect(await runEscalationClock(h.deps)).toBe(0);
        const first = await rows(caseId);
        expect(first.map((r) => [r.step_id, Number(r.minutes), r.action, Number(r.wait_started_at)])).toEqual([
          ['global-lead', 60, 'notify_shift_lead', start],
        ]);
        expect(JSON.parse(first[0]!.notified)).toEqual([lead.id, mena.id].sort());

        // 120 minutes: the director and the deadline missed, each once.
        h.clock.ms = start + 121 * MIN;
        const [c, d] = await both(() => runEscalationClock(h.deps), () => runEscalationClock(second.deps));
        expect(c + d).toBe(2);
        expect(await runEscalationClock(h.deps)).toBe(0);
        const all = await rows(caseId);
        expect(all.map((r) => r.step_id)).toEqual(['global-lead', 'global-director', 'global-deadline']);
        expect(JSON.parse(all[1]!.notified)).toEqual([admin.id, mena.id].sort());
        expect(JSON.parse(all[2]!.notified)).toEqual([mena.id]);
        expect((await events(caseId)).map((e) => e.stepId).sort()).toEqual(['global-deadline', 'global-director', 'global-lead']);
        const entries = await audits(caseId);
        expect(entries).toHaveLength(3);
        // The audit entry names the step, never anything a person wrote.
        expect(JSON.parse(entries[0]!.detail!)).toMatchObject({ action: expect.any(String), minutes: expect.any(Number) });

        // The notifications module tells each step's people once, each event delivered twice.
        const [subscriber] = notificationSubscribers(h.deps).filter((x) => x.events.includes(STEP_REACHED));
        const stored = await h.deps.db.selectFrom('outbox_events').selectAll().where('type', '=', STEP_REACHED).execute();
        for (const e of stored.filter((x) => (JSON.parse(x.payload) as { caseId: number }).caseId === caseId))
          for (let i = 0; i < 2; i++)
            await subscriber!.handle({ id: e.id, type: e.type, payload: JSON.parse(e.payload) as Record<string, unknown>, occurredAt: Number(e.occurred_at) });
        expect(await notifiedIds(h.deps, caseId, 'escalation')).toEqual([lead.id, mena.id, admin.id, mena.id, mena.id].sort());
      } finally {
        await second.close();
        h.clock.ms = start;
      }
    });

    it('pauses while waiting on the requester, and starts a new wait at their next message', async () => {
      const start = h.clock.now();
      const { caseId } = await newRequest(h.deps, { country: 'LB', language: 'ar' });
      try {
        const replied = await replyWithStatus(h.deps, mena.principal, caseId, { body: 'We are on it.', status: 'waiting', version: 1 });
        expect(replied.ok).toBe(true);
        h.clock.ms = start + 10 * MIN;
        await addRequesterMessage(h.deps, caseId, 'Still there?');
        // Their message reopened it: a new wait from that moment.
        await h.deps.db.updateTable('cases').set({ status: 'waiting' }).where('id', '=', caseId).execute();
        h.clock.ms = start + 200 * MIN;
        expect(await runEscalationClock(h.deps)).toBe(0);
        await h.deps.db.updateTable('cases').set({ status: 'open' }).where('id', '=', caseId).execute();
        expect(await runEscalationClock(h.deps)).toBe(3);
        expect(new Set((await rows(caseId)).map((r) => Number(r.wait_started_at)))).toEqual(new Set([start + 10 * MIN]));
        // The next message after a reply: the same steps again, once.
        expect((await replyToRequester(h.deps, mena.principal, caseId, 'Done.')).ok).toBe(true);
        h.clock.ms = start + 300 * MIN;
        await addRequesterMessage(h.deps, caseId, 'One more thing.');
        h.clock.ms = start + 361 * MIN;
        expect(await runEscalationClock(h.deps)).toBe(1);
        expect(await runEscalationClock(h.deps)).toBe(0);
        expect((await rows(caseId)).filter((r) => Number(r.wait_started_at) === start + 300 * MIN).map((r) => r.step_id)).toEqual(['global-lead']);
      } finally {
        h.clock.ms = start;
      }
    });

    it("tells the lead on shift; a team's ladder replaces the global one; conditions hold", async () => {
      const start = h.clock.now();
      await allDayShifts(menaTeam, otherCoordinator.id);
      const added = await addTeamLadder(h.deps, admin.principal, americasTeam);
      expect(added.ok).toBe(true);
      const ladderId = added.ok ? added.value : '';
      expect(await addTeamLadder(h.deps, admin.principal, americasTeam)).toMatchObject({ ok: false, code: 'CONFLICT' });
      const saved = await saveLadder(h.deps, lead.principal, ladderId, {
        version: 1,
        resolution_hours: 24,
        steps: [
          { id: null, minutes: 5, action: 'notify_coordinators', urgency: 'preventive', severity: null },
          { id: null, minutes: 10, action: 'notify_assignee', urgency: null, severity: null },
        ],
      });
      expect(saved).toEqual({ ok: true, value: 'saved' });
      const menaCase = (await newRequest(h.deps, { country: 'LB', language: 'ar' })).caseId;
      const americasCase = (await newRequest(h.deps, { country: 'MX', language: 'en' })).caseId;
      try {
        h.clock.ms = start + 61 * MIN;
        expect(await runEscalationClock(h.deps)).toBe(2);
        // The lead on shift (not the team's coordinator, who is not leading it).
        expect(JSON.parse((await rows(menaCase))[0]!.notified)).toEqual([otherCoordinator.id]);
        // The Americas case: only its team's 10-minute step (reactive: not the preventive one), its team told.
        expect((await rows(americasCase)).map((r) => [r.ladder_id, Number(r.minutes), JSON.parse(r.notified)])).toEqual([[ladderId, 10, [americas.id]]]);
        // Its ladder removed: the global one governs it again.
        expect(await removeTeamLadder(h.deps, admin.principal, ladderId)).toEqual({ ok: true, value: true });
        expect(await removeTeamLadder(h.deps, admin.principal, GLOBAL_LADDER)).toMatchObject({ ok: false, code: 'ESCALATION_GLOBAL_KEPT' });
        expect(await runEscalationClock(h.deps)).toBe(1);
        expect((await rows(americasCase)).map((r) => r.step_id)).toContain('global-lead');
      } finally {
        await h.deps.db.deleteFrom('shift_slots').execute();
        h.clock.ms = start;
      }
    });

    it('tells only those who may know a restricted case', async () => {
      const start = h.clock.now();
      const { caseId } = await newRequest(h.deps, { country: 'LB', language: 'ar' });
      await h.deps.db.updateTable('cases').set({ restricted: 1 }).where('id', '=', caseId).execute();
      try {
        h.clock.ms = start + 125 * MIN;
        expect(await runEscalationClock(h.deps)).toBe(3);
        const byStep = new Map((await rows(caseId)).map((r) => [r.step_id, JSON.parse(r.notified) as string[]]));
        // The team's coordinator leads it and may know; the team's handler is not listed for it,
        // nor is an administrator of no team of the case.
        expect(byStep.get('global-lead')).toEqual([lead.id]);
        expect(byStep.get('global-director')).toEqual([]);
        expect(byStep.get('global-deadline')).toEqual([lead.id]);
        const payloads = await events(caseId);
        expect(payloads.flatMap((p) => p.recipients)).not.toContain(mena.id);
      } finally {
        h.clock.ms = start;
      }
    });

    it('saves a ladder once per form, refuses a stale form and an unknown severity, audited', async () => {
      const before = await loadLadders(h.deps);
      const global = before.find((l) => l.id === GLOBAL_LADDER)!;
      const once = { tokenHash: `test-${randomUUID()}`, expiresAt: h.clock.now() + 60 * MIN };
      const steps = (more: number) => global.steps.map((s) => ({ id: s.id, minutes: s.minutes + more, action: s.action, urgency: null, severity: null }));
      const input = { version: global.version, resolution_hours: 72, steps: steps(1) };
      expect(await saveLadder(h.deps, admin.principal, GLOBAL_LADDER, input, once)).toEqual({ ok: true, value: 'saved' });
      expect(await saveLadder(h.deps, admin.principal, GLOBAL_LADDER, input, once)).toEqual({ ok: true, value: 'repeated' });
      // The form read before that save.
      expect(await saveLadder(h.deps, admin.principal, GLOBAL_LADDER, input)).toMatchObject({ ok: false, code: 'CONFLICT' });
      const after = (await loadLadders(h.deps)).find((l) => l.id === GLOBAL_LADDER)!;
      expect(after.version).toBe(global.version + 1);
      expect(after.resolutionHours).toBe(72);
      // The steps kept their ids: a step reached in a wait is not reached again for the save.
      expect(after.steps.map((s) => s.id)).toEqual(global.steps.map((s) => s.id));
      const unknown = await saveLadder(h.deps, admin.principal, GLOBAL_LADDER, {
        version: after.version,
        resolution_hours: 72,
        steps: [{ id: null, minutes: 5, action: 'notify_director', urgency: null, severity: 'apocalyptic' }],
      });
      expect(unknown).toEqual({ ok: false, code: 'VALIDATION_FAILED', field: 'steps.0.severity' });
      expect(await saveLadder(h.deps, admin.principal, randomUUID(), { ...input, version: 1 })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
      const changes = await h.deps.db.selectFrom('audit_log').select(['actor_id', 'detail']).where('action', '=', 'escalation.ladder_changed').execute();
      expect(changes.filter((c) => JSON.parse(c.detail!).ladder === GLOBAL_LADDER)).toHaveLength(1);
      // Back as it was, for the other tests.
      expect(await saveLadder(h.deps, admin.principal, GLOBAL_LADDER, { version: after.version, resolution_hours: 168, steps: steps(0) })).toMatchObject({ ok: true });
    });
  });
}
