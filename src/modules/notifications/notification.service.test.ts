import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, secondProcess, type Harness } from '../../../test/harness.js';
import { newRequest, staffMember, type StaffFixture } from '../cases/case.fixtures.js';
import { updateCase } from '../cases/case.service.js';
import { addRequesterMessage, submitRequest } from '../cases/requester.service.js';
import { KEEP_NOTIFICATIONS_MS, noticeClockPoints, onStepReached, purgeOldNotifications, savePreferences } from './notification.service.js';
import { deliverEvents, notified, notifiedIds, smtpEnv, team } from './notification.test-helpers.js';

// Who is told what, on both engines: each kind reaches the right people and only them (not
// another team, a disabled account, an auditor, someone who switched it off, nor anyone for
// suspected spam); an event delivered twice, a clock job run twice or in two processes at
// once notifies once; email tasks follow each person's choice.

const MIN = 60_000;

for (const engine of engines) {
  describe.skipIf(!engine.available)(`who is notified, on ${engine.name}`, () => {
    let h: Harness;
    let americas: StaffFixture; // a team covering the Americas
    let spanish: StaffFixture; // a team working in Spanish, covering Africa
    let mena: StaffFixture; // a team covering the Middle East, in Arabic
    let disabled: StaffFixture; // in the Americas team, account disabled
    let auditor: StaffFixture; // in the Americas team, works no case
    let quiet: StaffFixture; // in the Americas team, switched new requests off
    let keen: StaffFixture; // in the Americas team, wants new requests by email too
    let coordinator: StaffFixture;
    let admin: StaffFixture;

    const tasks = async () =>
      (await h.deps.db.selectFrom('tasks').select(['name', 'payload']).where('name', '=', 'notifications.email').execute()).map(
        (t) => (JSON.parse(t.payload) as { notificationId: string }).notificationId,
      );

    beforeAll(async () => {
      // A mail server is configured (none listens: no task runs here), so emails are queued.
      h = await createHarness(engine, smtpEnv(2525));
      americas = await staffMember(h.deps, 'handler');
      spanish = await staffMember(h.deps, 'handler');
      mena = await staffMember(h.deps, 'handler');
      disabled = await staffMember(h.deps, 'handler');
      auditor = await staffMember(h.deps, 'auditor');
      quiet = await staffMember(h.deps, 'handler');
      keen = await staffMember(h.deps, 'handler');
      coordinator = await staffMember(h.deps, 'coordinator');
      admin = await staffMember(h.deps, 'admin');
      await h.deps.db.updateTable('users').set({ status: 'disabled' }).where('id', '=', disabled.id).execute();
      await team(h.deps, { regions: ['americas'], members: [americas.id, disabled.id, auditor.id, quiet.id, keen.id] });
      await team(h.deps, { regions: ['africa'], languages: ['es'], members: [spanish.id] });
      await team(h.deps, { regions: ['mena'], languages: ['ar'], members: [mena.id] });
      await savePreferences(h.deps, quiet.principal, new Set(['requester_wrote:in_app', 'case_assigned:in_app']));
      await savePreferences(
        h.deps,
        keen.principal,
        new Set(['new_request:in_app', 'new_request:email', 'requester_wrote:in_app', 'case_assigned:in_app', 'case_assigned:email']),
      );
    });
    afterAll(async () => h?.close());
    beforeEach(async () => {
      await deliverEvents(h.deps);
    });

    it("tells a new request to the active case workers of the teams covering its region or language, once", async () => {
      const { caseId } = await newRequest(h.deps, { country: 'MX', language: 'es' });
      await deliverEvents(h.deps);
      expect(await notifiedIds(h.deps, caseId, 'new_request')).toEqual([americas.id, spanish.id, keen.id].sort());
      // Only the one who asked for new requests by email has an email on its way.
      const rows = await notified(h.deps, caseId, 'new_request');
      expect(rows.filter((r) => r.email_state === 'pending').map((r) => r.user_id)).toEqual([keen.id]);
      const ids = (await h.deps.db.selectFrom('notifications').select('id').where('case_id', '=', caseId).where('user_id', '=', keen.id).execute()).map((r) => r.id);
      expect(await tasks()).toEqual(expect.arrayContaining(ids));

      // The same event delivered again (at least once) notifies nobody twice.
      await h.deps.db.updateTable('event_deliveries').set({ state: 'pending', attempts: 0 }).execute();
      await deliverEvents(h.deps);
      expect(await notifiedIds(h.deps, caseId, 'new_request')).toEqual([americas.id, spanish.id, keen.id].sort());
    });

    it('tells nobody of a request in a region and language no team covers', async () => {
      const { caseId } = await newRequest(h.deps, { country: 'JP', language: 'ja' });
      await deliverEvents(h.deps);
      expect(await notifiedIds(h.deps, caseId, 'new_request')).toEqual([]);
    });

    it('tells nobody of suspected spam, neither the request nor what its sender writes next', async () => {
      const { caseId } = await submitRequest(
        h.deps,
        { description: 'Buy now', urgency: 'unknown', country: 'MX', language: 'es', contactMethod: 'none', contact: null, beneficiary: null },
        { suspectedSpam: 'honeypot' },
      );
      await addRequesterMessage(h.deps, caseId, 'Still buying');
      await deliverEvents(h.deps);
      expect(await h.deps.db.selectFrom('notifications').select('id').where('case_id', '=', caseId).execute()).toEqual([]);
    });

    it('tells the assignee of a case assigned to them, not someone who took it themselves', async () => {
      const { caseId } = await newRequest(h.deps, { country: 'LB', language: 'ar' });
      expect((await updateCase(h.deps, coordinator.principal, caseId, { assignee_id: mena.id })).ok).toBe(true);
      await deliverEvents(h.deps);
      expect(await notified(h.deps, caseId, 'case_assigned')).toEqual([{ user_id: mena.id, in_app: 1, email_state: 'pending' }]);

      const other = (await newRequest(h.deps, { country: 'LB', language: 'ar' })).caseId;
      expect((await updateCase(h.deps, mena.principal, other, { assignee_id: mena.id })).ok).toBe(true);
      await deliverEvents(h.deps);
      expect(await notifiedIds(h.deps, other, 'case_assigned')).toEqual([]);
    });

    it('tells a disabled assignee nothing, and someone who switched email off only in Haven', async () => {
      const { caseId } = await newRequest(h.deps, { country: 'MX', language: 'en' });
      await updateCase(h.deps, coordinator.principal, caseId, { assignee_id: quiet.id });
      await deliverEvents(h.deps);
      expect(await notified(h.deps, caseId, 'case_assigned')).toEqual([{ user_id: quiet.id, in_app: 1, email_state: 'none' }]);
      // Assigned, then the account is disabled before the event is delivered: nobody is told.
      const later = (await newRequest(h.deps, { country: 'MX', language: 'en' })).caseId;
      await updateCase(h.deps, coordinator.principal, later, { assignee_id: americas.id });
      await h.deps.db.updateTable('users').set({ status: 'disabled' }).where('id', '=', americas.id).execute();
      await deliverEvents(h.deps);
      await h.deps.db.updateTable('users').set({ status: 'active' }).where('id', '=', americas.id).execute();
      expect(await notifiedIds(h.deps, later, 'case_assigned')).toEqual([]);
    });

    it("tells the assignee when the requester writes, or the case's teams while nobody holds it", async () => {
      const held = (await newRequest(h.deps, { country: 'LB', language: 'ar' })).caseId;
      await updateCase(h.deps, coordinator.principal, held, { assignee_id: mena.id });
      await addRequesterMessage(h.deps, held, 'Here is more about what happened.');
      const free = (await newRequest(h.deps, { country: 'MX', language: 'es' })).caseId;
      await addRequesterMessage(h.deps, free, 'Are you there?');
      await deliverEvents(h.deps);
      expect(await notifiedIds(h.deps, held, 'requester_wrote')).toEqual([mena.id]);
      // The quiet one still wants this kind; the keen one too; the disabled and the auditor never.
      expect(await notifiedIds(h.deps, free, 'requester_wrote')).toEqual([americas.id, spanish.id, quiet.id, keen.id].sort());
    });

    it('notices a deadline coming once, even run again or by two processes at once, and leaves escalations to the ladder', async () => {
      await h.deps.db.updateTable('cases').set({ awaiting_reply: 0 }).execute();
      const { caseId } = await newRequest(h.deps, { country: 'LB', language: 'ar' });
      await updateCase(h.deps, coordinator.principal, caseId, { assignee_id: mena.id });
      const start = h.clock.now();
      const second = await secondProcess(h, smtpEnv(2525));
      // Both processes at once on PostgreSQL. On SQLite one after the other: its driver blocks
      // this one thread while a connection waits for the other's lock, so two connections of
      // one test cannot both hold a transaction (Haven runs several processes on PostgreSQL only).
      const both = <T,>(a: () => Promise<T>, b: () => Promise<T>): Promise<[T, T]> =>
        engine.name === 'postgres' ? Promise.all([a(), b()]) : a().then(async (x): Promise<[T, T]> => [x, await b()]);
      try {
        // 61 minutes unanswered: nothing from this clock (the escalation module's ladder tells the shift lead).
        h.clock.ms = start + 61 * MIN;
        expect(await noticeClockPoints(h.deps)).toBe(0);
        expect(await notifiedIds(h.deps, caseId, 'escalation')).toEqual([]);

        // 30 minutes before the 2-hour deadline: the assignee, once.
        h.clock.ms = start + 91 * MIN;
        const [c, d] = await both(() => noticeClockPoints(h.deps), () => noticeClockPoints(second.deps));
        expect(c + d).toBe(1);
        expect(await notifiedIds(h.deps, caseId, 'deadline')).toEqual([mena.id]);
        h.clock.advance(10 * MIN);
        expect(await noticeClockPoints(h.deps)).toBe(0);
        expect(await notifiedIds(h.deps, caseId, 'escalation')).toEqual([]);
      } finally {
        await second.close();
        h.clock.ms = start;
      }
    });

    it("tells a ladder step's people once per case, step and wait, the event delivered twice; never for suspected spam", async () => {
      const { caseId } = await newRequest(h.deps, { country: 'LB', language: 'ar' });
      const step = { caseId, stepId: 'global-director', waitStartedAt: h.clock.now(), recipients: [admin.id, coordinator.id, mena.id, auditor.id] };
      expect(await onStepReached(h.deps, step)).toBe(3);
      expect(await onStepReached(h.deps, step)).toBe(0);
      // The auditor works no case: not told.
      expect(await notifiedIds(h.deps, caseId, 'escalation')).toEqual([admin.id, coordinator.id, mena.id].sort());
      // A new wait is a new notice.
      expect(await onStepReached(h.deps, { ...step, waitStartedAt: step.waitStartedAt + 1 })).toBe(3);
      const spam = (
        await submitRequest(
          h.deps,
          { description: 'x', urgency: 'unknown', country: 'LB', language: 'ar', contactMethod: 'none', contact: null, beneficiary: null },
          { suspectedSpam: 'too_fast' },
        )
      ).caseId;
      expect(await onStepReached(h.deps, { ...step, caseId: spam })).toBe(0);
    });

    it('deletes notifications done with for 90 days, never an unread one or an email still waiting', async () => {
      const { caseId } = await newRequest(h.deps, { country: 'LB', language: 'ar' });
      const at = h.clock.now() - KEEP_NOTIFICATIONS_MS - 1;
      const row = (id: string, p: { in_app: number; read_at: number | null; email_state: string; created_at?: number }) => ({
        id,
        user_id: mena.id,
        kind: 'case_assigned',
        case_id: caseId,
        created_at: at,
        email_claimed_at: null,
        email_sent_at: null,
        ...p,
      });
      const ids = [1, 2, 3, 4, 5].map((n) => `00000000-0000-4000-8000-00000000000${n}`);
      await h.deps.db
        .insertInto('notifications')
        .values([
          row(ids[0]!, { in_app: 1, read_at: at, email_state: 'sent' }), // read: goes
          row(ids[1]!, { in_app: 1, read_at: null, email_state: 'none' }), // unread: stays
          row(ids[2]!, { in_app: 0, read_at: null, email_state: 'sent' }), // email only, sent: goes
          row(ids[3]!, { in_app: 0, read_at: null, email_state: 'pending' }), // email waiting: stays
          row(ids[4]!, { in_app: 1, read_at: at, email_state: 'none', created_at: at + 2 }), // read, not old enough: stays
        ])
        .execute();
      expect(await purgeOldNotifications(h.deps)).toBe(2);
      const left = await h.deps.db.selectFrom('notifications').select('id').where('id', 'in', ids).orderBy('id').execute();
      expect(left.map((r) => r.id)).toEqual([ids[1], ids[3], ids[4]]);
    });

    it('never notices an answered case, nor suspected spam, on the clock', async () => {
      await h.deps.db.updateTable('cases').set({ awaiting_reply: 0 }).execute();
      const start = h.clock.now();
      const spam = (
        await submitRequest(
          h.deps,
          { description: 'x', urgency: 'unknown', country: 'MX', language: 'es', contactMethod: 'none', contact: null, beneficiary: null },
          { suspectedSpam: 'too_fast' },
        )
      ).caseId;
      const answered = (await newRequest(h.deps, { country: 'MX', language: 'es' })).caseId;
      await h.deps.db.updateTable('cases').set({ awaiting_reply: 0, first_response_at: start }).where('id', '=', answered).execute();
      h.clock.ms = start + 95 * MIN;
      try {
        expect(await noticeClockPoints(h.deps)).toBe(0);
        for (const id of [spam, answered]) expect(await h.deps.db.selectFrom('notifications').select('id').where('case_id', '=', id).where('kind', 'in', ['deadline', 'escalation']).execute()).toEqual([]);
      } finally {
        h.clock.ms = start;
      }
    });
  });
}
