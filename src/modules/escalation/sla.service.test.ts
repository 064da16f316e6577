import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import type { DomainEvent } from '../../platform/events/outbox.js';
import { newRequest, staffMember, type StaffFixture } from '../cases/case.fixtures.js';
import { replyToRequester, updateCase } from '../cases/case.service.js';
import { purgeCasePersonalData } from '../cases/purge.service.js';
import { team } from '../notifications/notification.test-helpers.js';
import { slaSubscribers } from './escalation.subscribers.js';
import { slaFigures } from './sla.service.js';

// The SLA read model on both engines, fed by the cases module's events: each case's teams and
// the shift on at its arrival, its first response and resolution met or missed against their
// targets, per team and per shift; every event delivered twice (or out of order) changes
// nothing; spam is left out; the figures outlive the case's personal data.

const MIN = 60_000;
const HOUR = 60 * MIN;

for (const engine of engines) {
  describe.skipIf(!engine.available)(`the SLA read model on ${engine.name}`, () => {
    let h: Harness;
    let handler: StaffFixture;
    let menaTeam: string;
    let africaTeam: string;
    let lead: StaffFixture;

    /** Delivers every event recorded so far to the SLA subscriber, twice, the second time in reverse order. */
    async function deliverTwice() {
      const [subscriber] = slaSubscribers(h.deps);
      const rows = await h.deps.db.selectFrom('outbox_events').selectAll().where('type', 'like', 'case.%').orderBy('occurred_at').execute();
      const events: DomainEvent[] = rows.map((e) => ({ id: e.id, type: e.type, payload: JSON.parse(e.payload) as Record<string, unknown>, occurredAt: Number(e.occurred_at) }));
      for (const e of events) if (subscriber!.events.includes(e.type)) await subscriber!.handle(e);
      for (const e of [...events].reverse()) if (subscriber!.events.includes(e.type)) await subscriber!.handle(e);
    }

    beforeAll(async () => {
      h = await createHarness(engine);
      handler = await staffMember(h.deps, 'handler');
      lead = await staffMember(h.deps, 'coordinator');
      menaTeam = await team(h.deps, { regions: ['mena'], languages: ['ar'], members: [handler.id, lead.id] });
      africaTeam = await team(h.deps, { regions: ['africa'], languages: ['fr'], members: [handler.id] });
      // The Middle East team's shift: every day from 08:00 to 20:00 UTC, led by its coordinator.
      for (const weekday of [1, 2, 3, 4, 5, 6, 7])
        await h.deps.db
          .insertInto('shift_slots')
          .values({ id: randomUUID(), team_id: menaTeam, weekday, start_minute: 8 * 60, end_minute: 20 * 60, lead_id: lead.id, created_at: 0, updated_at: 0 })
          .execute();
    });
    afterAll(async () => h?.close());

    it('counts first responses and resolutions met and missed, per team and shift, idempotently', async () => {
      const t0 = h.clock.now(); // 09:00 UTC: the Middle East shift is on
      const from = t0 - HOUR;
      // Answered in time, resolved in time.
      const quick = (await newRequest(h.deps, { country: 'LB', language: 'ar' })).caseId;
      // A request in French from Lebanon: both teams cover it (the region, the language).
      const both = (await newRequest(h.deps, { country: 'LB', language: 'fr' })).caseId;
      // Never answered.
      const silent = (await newRequest(h.deps, { country: 'LB', language: 'ar', urgency: 'preventive' })).caseId;
      // Suspected spam: not counted.
      await newRequest(h.deps, { country: 'LB', language: 'ar' }).then(({ caseId }) =>
        h.deps.db.updateTable('cases').set({ suspected_spam: 1 }).where('id', '=', caseId).execute(),
      );
      h.clock.advance(30 * MIN);
      expect((await replyToRequester(h.deps, handler.principal, quick, 'On it.')).ok).toBe(true);
      h.clock.advance(3 * HOUR); // past the 2-hour first-response deadline
      expect((await replyToRequester(h.deps, handler.principal, both, 'Sorry for the wait.')).ok).toBe(true);
      const version = (await h.deps.db.selectFrom('cases').select('version').where('id', '=', quick).executeTakeFirstOrThrow()).version;
      expect((await updateCase(h.deps, handler.principal, quick, { status: 'resolved' }, version)).ok).toBe(true);
      await deliverTwice();
      await deliverTwice();

      const rows = await h.deps.db.selectFrom('case_sla_teams').selectAll().where('case_id', 'in', [quick, both, silent]).orderBy('case_id').orderBy('team_id').execute();
      expect(rows.filter((r) => r.case_id === both).map((r) => r.team_id).sort()).toEqual([africaTeam, menaTeam].sort());
      // The shift on at arrival, Middle East only (Africa has none).
      const shiftOf = (caseId: number, teamId: string) => rows.find((r) => r.case_id === caseId && r.team_id === teamId)!;
      expect(Number(shiftOf(quick, menaTeam).shift_starts_at)).toBe(Date.UTC(2026, 10, 22, 8, 0));
      expect(Number(shiftOf(quick, menaTeam).shift_ends_at)).toBe(Date.UTC(2026, 10, 22, 20, 0));
      expect(shiftOf(both, africaTeam).shift_starts_at).toBeNull();
      const quickRow = await h.deps.db.selectFrom('case_sla').selectAll().where('case_id', '=', quick).executeTakeFirstOrThrow();
      expect(Number(quickRow.resolution_due_at)).toBe(t0 + 168 * HOUR);
      expect(Number(quickRow.first_response_at)).toBe(t0 + 30 * MIN);

      const figures = await slaFigures(h.deps, { from, to: h.clock.now() + 1 });
      const mena = figures.teams.find((t) => t.teamId === menaTeam)!;
      expect(mena).toEqual({
        teamId: menaTeam,
        cases: 3,
        firstResponse: { met: 1, missed: 2, open: 0 },
        resolution: { met: 1, missed: 0, open: 2 },
      });
      expect(figures.teams.find((t) => t.teamId === africaTeam)).toMatchObject({ cases: 1, firstResponse: { met: 0, missed: 1, open: 0 } });
      expect(figures.shifts.filter((s) => s.teamId === menaTeam).map((s) => [s.shiftStartsAt, s.cases])).toEqual([[Date.UTC(2026, 10, 22, 8, 0), 3]]);
      // One team only; a period before these cases: nothing.
      expect((await slaFigures(h.deps, { from, to: h.clock.now() + 1, teamId: africaTeam })).teams.map((t) => t.teamId)).toEqual([africaTeam]);
      expect(await slaFigures(h.deps, { from: from - 10 * HOUR, to: from })).toEqual({ teams: [], shifts: [] });

      // A resolution more than a week after arrival is missed.
      h.clock.advance(169 * HOUR);
      const v2 = (await h.deps.db.selectFrom('cases').select('version').where('id', '=', both).executeTakeFirstOrThrow()).version;
      expect((await updateCase(h.deps, handler.principal, both, { status: 'resolved' }, v2)).ok).toBe(true);
      await deliverTwice();
      const later = await slaFigures(h.deps, { from, to: h.clock.now() });
      expect(later.teams.find((t) => t.teamId === menaTeam)!.resolution).toEqual({ met: 1, missed: 2, open: 0 });

      // Retention deletes the personal data; the figures stay.
      expect(await purgeCasePersonalData(h.deps, quick, { kind: 'requester' })).toBe('purged');
      await deliverTwice();
      expect((await slaFigures(h.deps, { from, to: h.clock.now() })).teams.find((t) => t.teamId === menaTeam)!.cases).toBe(3);
    });
  });
}
