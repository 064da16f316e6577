import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { hiddenField } from '../../../test/staff-session.js';
import { createSession, STAFF_COOKIE } from '../../platform/auth/session.js';
import { issueFormToken } from '../../platform/http/form-token.js';
import { newRequest, staffMember, type StaffFixture } from '../cases/case.fixtures.js';
import { openDueHandovers } from './handover.service.js';
import { onShiftNow } from './index.js';
import { NOTE_MAX } from './shift.schema.js';

// Shifts and handovers over HTTP on both engines. A coordinator adds a team's weekly shifts,
// sets their people and lead and changes one date; a handler reads the schedule and who is on
// shift now, but changes nothing; an auditor sees none of it. Refused input (a time that is no
// time, an overlap, a date on another weekday, a person not on the shift, control characters,
// too many people, an oversized note) changes nothing and says why. At a shift's end the
// handover lists the team's cases by section, only those the reader may know; the outgoing
// handler writes a note (stored sealed); the incoming lead acknowledges it once, audited; the
// same form sent again does nothing twice; a handler who is not the lead may not.

const utc = (y: number, m: number, d: number, h = 0, min = 0) => Date.UTC(y, m - 1, d, h, min);
const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const CONTROL = 'This had invisible control characters';
/** A page's text without the Unicode isolates names are wrapped in. */
const plain = (html: string) => html.replace(/[\u2068\u2069]/g, '');

for (const engine of engines) {
  describe.skipIf(!engine.available)(`shifts and handovers on ${engine.name}`, () => {
    let h: Harness;
    let coordinator: StaffFixture;
    let early: StaffFixture;
    let late: StaffFixture;
    let other: StaffFixture;
    let auditor: StaffFixture;
    const teamId = crypto.randomUUID();
    let earlySlot = '';

    beforeAll(async () => {
      h = await createHarness(engine);
      h.clock.ms = utc(2026, 12, 7, 9); // Monday 7 December 2026, 09:00 UTC
      coordinator = await staffMember(h.deps, 'coordinator', 'Cy Coordinator');
      early = await staffMember(h.deps, 'handler', 'Ana Early');
      late = await staffMember(h.deps, 'handler', 'Bo Late');
      other = await staffMember(h.deps, 'handler', 'Oz Other');
      auditor = await staffMember(h.deps, 'auditor', 'Au Auditor');
      await h.deps.db
        .insertInto('teams')
        .values({
          id: teamId,
          name: 'Helpline Américas',
          time_zone: 'UTC',
          region: null,
          created_at: h.clock.ms,
        })
        .execute();
      await h.deps.db
        .insertInto('team_languages')
        .values({ team_id: teamId, language: 'es' })
        .execute();
      await h.deps.db
        .insertInto('team_members')
        .values([early, late, coordinator].map((p) => ({ team_id: teamId, user_id: p.id })))
        .execute();
    });
    afterAll(async () => h?.close());

    const get = (who: StaffFixture, url: string) =>
      h.app.inject({ method: 'GET', url, headers: { cookie: who.cookie } });
    const post = (who: StaffFixture, url: string, fields: Record<string, string | string[]>) => {
      const body = new URLSearchParams({ _csrf: who.csrf });
      for (const [k, v] of Object.entries(fields))
        for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
      return h.app.inject({
        method: 'POST',
        url,
        headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: body.toString(),
      });
    };
    const audits = async (action: string) =>
      h.deps.db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', action)
        .orderBy('id')
        .execute();
    /** Moves the clock, and signs everyone in again (a session ends after two idle hours). */
    const moveTo = async (ms: number) => {
      h.clock.ms = ms;
      for (const who of [coordinator, early, late, other]) {
        const session = await createSession(h.deps, who.id, 'full');
        who.cookie = `${STAFF_COOKIE}=${session.cookie}`;
        who.csrf = session.csrfToken;
      }
    };
    const slotCount = async () =>
      Number(
        (
          await h.deps.db
            .selectFrom('shift_slots')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    it('lets a coordinator add a week’s shifts, audited; the schedule shows them in both zones', async () => {
      const add = await post(coordinator, '/staff/shifts/slots', {
        team: teamId,
        weekday: '1',
        start: '06:00',
        end: '14:00',
        members: [early.id, other.id],
        lead: early.id,
      });
      expect(add.statusCode).toBe(303);
      expect(add.headers.location).toMatch(
        /^\/staff\/shifts\/slots\/[0-9a-f-]{36}\?done=slot_added$/,
      );
      earlySlot = /slots\/([0-9a-f-]{36})/.exec(String(add.headers.location))![1]!;
      const add2 = await post(coordinator, '/staff/shifts/slots', {
        team: teamId,
        weekday: '1',
        start: '14:00',
        end: '22:00',
        members: [late.id],
        lead: late.id,
      });
      expect(add2.statusCode).toBe(303);
      expect(add2.headers.location).toMatch(
        /^\/staff\/shifts\/slots\/[0-9a-f-]{36}\?done=slot_added$/,
      );
      const audited = await audits('shift.slot_added');
      expect(audited).toHaveLength(2);
      expect(audited[0]!.actor_id).toBe(coordinator.id);
      expect(JSON.parse(audited[0]!.detail!)).toMatchObject({
        team: teamId,
        weekday: 1,
        start: 360,
        end: 840,
        people: 2,
      });

      const page = await get(late, '/staff/shifts');
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Helpline Américas');
      expect(page.body).toContain('06:00–14:00');
      expect(page.body).toContain('Ana Early');
      // A handler reads, but gets no form.
      expect(page.body).not.toContain('action="/staff/shifts/slots"');
      expect((await get(coordinator, '/staff/shifts')).body).toContain(
        'action="/staff/shifts/slots"',
      );
    });

    it('refuses bad input with a message and saves nothing', async () => {
      const before = await slotCount();
      const cases: [Record<string, string | string[]>, string][] = [
        [
          { team: teamId, weekday: '1', start: '25:00', end: '14:00' },
          'Enter the start time as hours and minutes',
        ],
        [
          { team: teamId, weekday: '8', start: '01:00', end: '02:00' },
          'Choose the day the shift starts.',
        ],
        [
          { team: teamId, weekday: '2', start: '10:00', end: '10:00' },
          'A shift cannot end when it starts.',
        ],
        [
          { team: teamId, weekday: '1', start: '13:00', end: '15:00' },
          'This shift overlaps another shift of the team.',
        ],
        // Sunday night into Monday's early shift.
        [
          { team: teamId, weekday: '7', start: '22:00', end: '07:00' },
          'This shift overlaps another shift of the team.',
        ],
        [{ team: UNKNOWN, weekday: '2', start: '06:00', end: '14:00' }, 'Choose a team.'],
        [{ team: `${teamId}\u0007`, weekday: '2', start: '06:00', end: '14:00' }, CONTROL],
        [
          { team: teamId, weekday: '2', start: '06:00', end: '14:00', members: [UNKNOWN] },
          'Choose people who can work cases.',
        ],
        [
          { team: teamId, weekday: '2', start: '06:00', end: '14:00', members: [auditor.id] },
          'Choose people who can work cases.',
        ],
        [
          {
            team: teamId,
            weekday: '2',
            start: '06:00',
            end: '14:00',
            members: Array.from({ length: 51 }, () => crypto.randomUUID()),
          },
          'A shift can have at most 50 people.',
        ],
      ];
      for (const [fields, message] of cases) {
        const res = await post(coordinator, '/staff/shifts/slots', fields);
        expect(res.statusCode, JSON.stringify(fields).slice(0, 80)).toBe(422);
        expect(res.body).toContain('error-summary');
        expect(res.body).toContain(message);
      }
      expect(await slotCount()).toBe(before);
    });

    it('refuses a handler’s and an auditor’s changes, and shows an auditor nothing', async () => {
      expect(
        (
          await post(late, '/staff/shifts/slots', {
            team: teamId,
            weekday: '3',
            start: '06:00',
            end: '14:00',
          })
        ).statusCode,
      ).toBe(403);
      expect((await post(late, `/staff/shifts/slots/${earlySlot}/remove`, {})).statusCode).toBe(
        403,
      );
      expect((await get(auditor, '/staff/shifts')).statusCode).toBe(403);
      expect((await get(auditor, '/staff/handovers')).statusCode).toBe(403);
      expect(await slotCount()).toBe(2);
    });

    it('answers 404 for an unknown or malformed slot', async () => {
      expect((await get(late, `/staff/shifts/slots/${UNKNOWN}`)).statusCode).toBe(404);
      expect((await get(late, '/staff/shifts/slots/nope')).statusCode).toBe(404);
      expect(
        (
          await post(coordinator, `/staff/shifts/slots/${UNKNOWN}/people`, {
            members: [late.id],
            lead: '',
          })
        ).statusCode,
      ).toBe(404);
      expect(
        (await post(coordinator, `/staff/shifts/slots/${UNKNOWN}/remove`, {})).statusCode,
      ).toBe(404);
      expect(
        (await post(coordinator, `/staff/shifts/exceptions/${UNKNOWN}/remove`, {})).statusCode,
      ).toBe(404);
    });

    it('changes a slot’s people and one date, each audited; who is on shift follows', async () => {
      const people = await post(coordinator, `/staff/shifts/slots/${earlySlot}/people`, {
        members: [early.id],
        lead: early.id,
      });
      expect(people.statusCode).toBe(303);
      expect((await audits('shift.slot_changed')).length).toBe(1);
      const same = await post(coordinator, `/staff/shifts/slots/${earlySlot}/people`, {
        members: [early.id],
        lead: early.id,
      });
      expect(same.headers.location).toContain('done=unchanged');

      // Monday 14 December: Oz takes Ana's place (and so leads).
      const refused: [Record<string, string>, string][] = [
        [
          { date: '2026-12-15', kind: 'swap', person: early.id, replacement: other.id },
          'That date is not on the shift’s day.',
        ],
        [
          { date: '2026-02-30', kind: 'swap', person: early.id, replacement: other.id },
          'Enter a date as year-month-day',
        ],
        [
          { date: '2026-12-14', kind: 'swap', person: late.id, replacement: other.id },
          'That person is not on this shift.',
        ],
        [
          { date: '2026-12-14', kind: 'swap', person: early.id, replacement: '' },
          'Choose who takes the place, or leads.',
        ],
        [
          { date: '2026-12-14', kind: 'holiday', person: early.id, replacement: other.id },
          'Choose what changes.',
        ],
      ];
      for (const [fields, message] of refused) {
        const res = await post(coordinator, `/staff/shifts/slots/${earlySlot}/exceptions`, fields);
        expect(res.statusCode, JSON.stringify(fields)).toBe(422);
        expect(res.body).toContain(message);
      }
      const swap = await post(coordinator, `/staff/shifts/slots/${earlySlot}/exceptions`, {
        date: '2026-12-14',
        kind: 'swap',
        person: early.id,
        replacement: other.id,
      });
      expect(swap.statusCode).toBe(303);
      const again = await post(coordinator, `/staff/shifts/slots/${earlySlot}/exceptions`, {
        date: '2026-12-14',
        kind: 'absence',
        person: early.id,
        replacement: '',
      });
      expect(again.statusCode).toBe(422);
      expect(again.body).toContain('That date already has a change for that person');
      expect((await audits('shift.exception_added')).length).toBe(1);

      const now = await onShiftNow(h.deps, utc(2026, 12, 7, 9));
      expect(now).toEqual([
        {
          teamId,
          teamName: 'Helpline Américas',
          leadId: early.id,
          memberIds: [early.id],
          startsAt: utc(2026, 12, 7, 6),
          endsAt: utc(2026, 12, 7, 14),
        },
      ]);
      expect((await onShiftNow(h.deps, utc(2026, 12, 14, 9)))[0]).toMatchObject({
        leadId: other.id,
        memberIds: [other.id],
      });
      expect(await onShiftNow(h.deps, utc(2026, 12, 7, 23))).toEqual([]);

      const slotPage = await get(coordinator, `/staff/shifts/slots/${earlySlot}`);
      expect(plain(slotPage.body)).toContain('Oz Other instead of Ana Early');
      const nowPage = await get(late, '/staff/shifts/now');
      expect(nowPage.statusCode).toBe(200);
      expect(nowPage.body).toContain('Ana Early');
      expect(nowPage.body).toContain('Bo Late'); // next shift

      const id = (
        await h.deps.db.selectFrom('shift_exceptions').select('id').executeTakeFirstOrThrow()
      ).id;
      const removed = await post(coordinator, `/staff/shifts/exceptions/${id}/remove`, {});
      expect(removed.statusCode).toBe(303);
      expect(removed.headers.location).toBe(
        `/staff/shifts/slots/${earlySlot}?done=exception_removed`,
      );
      expect((await audits('shift.exception_removed')).length).toBe(1);
      expect((await onShiftNow(h.deps, utc(2026, 12, 14, 9)))[0]).toMatchObject({
        leadId: early.id,
      });
    });

    describe('the handover', () => {
      let handoverId = '';
      let visible = 0;
      let hidden = 0;

      it('is opened once before the shift ends, with who goes off and who comes on', async () => {
        visible = (await newRequest(h.deps, { language: 'es' })).caseId;
        hidden = (await newRequest(h.deps, { language: 'es' })).caseId;
        const elsewhere = (await newRequest(h.deps, { language: 'fr' })).caseId;
        await h.deps.db
          .updateTable('cases')
          .set({ restricted: 1 })
          .where('id', '=', hidden)
          .execute();
        await h.deps.db
          .updateTable('cases')
          .set({ status: 'waiting' })
          .where('id', '=', elsewhere)
          .execute();

        await moveTo(utc(2026, 12, 7, 13, 0));
        expect(await openDueHandovers(h.deps)).toBe(0);
        await moveTo(utc(2026, 12, 7, 13, 40));
        expect(await openDueHandovers(h.deps)).toBe(1);
        expect(await openDueHandovers(h.deps)).toBe(0);
        const rows = await h.deps.db.selectFrom('handovers').selectAll().execute();
        expect(rows).toHaveLength(1);
        expect(rows[0]).toMatchObject({
          team_id: teamId,
          slot_id: earlySlot,
          outgoing_lead_id: early.id,
          incoming_lead_id: late.id,
          acknowledged_at: null,
        });
        expect(Number(rows[0]!.ends_at)).toBe(utc(2026, 12, 7, 14));
        expect(JSON.parse(rows[0]!.incoming_ids)).toEqual([late.id]);
        handoverId = rows[0]!.id;
        const events = await h.deps.db
          .selectFrom('outbox_events')
          .select('payload')
          .where('type', '=', 'shifts.handover_opened')
          .execute();
        expect(events.map((e) => JSON.parse(e.payload).handover)).toEqual([handoverId]);
      });

      it('lists the team’s cases the reader may know, by section, and not the others', async () => {
        await moveTo(utc(2026, 12, 7, 14, 30)); // past the first reply's deadline (two hours)
        const page = await get(late, `/staff/handovers/${handoverId}`);
        expect(page.statusCode).toBe(200);
        expect(page.body).toContain(`href="/staff/cases/${visible}"`);
        // Restricted, and Bo is neither listed for it nor a lead: not even its number.
        expect(page.body).not.toContain(`href="/staff/cases/${hidden}"`);
        expect(page.body).toContain('Overdue: first reply past its deadline (1)');
        // Not the team's language.
        expect(page.body).toContain('Waiting on the requester (0)');
        // A coordinator in the team leads it, and may know the restricted case.
        const lead = await get(coordinator, `/staff/handovers/${handoverId}`);
        expect(lead.body).toContain(`href="/staff/cases/${hidden}"`);
        expect(lead.body).toContain('Overdue: first reply past its deadline (2)');
        expect((await get(late, `/staff/handovers/${UNKNOWN}`)).statusCode).toBe(404);
        expect((await get(late, '/staff/handovers/x')).statusCode).toBe(404);
      });

      it('keeps the outgoing handler’s note sealed; refuses an empty, oversized or control-character note', async () => {
        const page = await get(early, `/staff/handovers/${handoverId}`);
        const token = hiddenField(page.body.slice(page.body.indexOf('/notes"')), '_once');
        for (const [note, status, message] of [
          ['   ', 422, 'Write the note.'],
          ['x'.repeat(NOTE_MAX + 1), 422, 'A note can be at most 4,000 characters.'],
          ['bad \u0000 byte', 422, ''],
          ['bad \u001b escape', 422, ''],
        ] as const) {
          const res = await post(early, `/staff/handovers/${handoverId}/notes`, {
            note,
            _once: token,
          });
          expect(res.statusCode, JSON.stringify(note).slice(0, 30)).toBe(status);
          if (message) expect(res.body).toContain(message);
        }
        const huge = await post(early, `/staff/handovers/${handoverId}/notes`, {
          note: '字'.repeat(40_000),
          _once: token,
        });
        expect(huge.statusCode).toBe(413);
        expect(await h.deps.db.selectFrom('handover_notes').selectAll().execute()).toEqual([]);

        const text = 'Caso pendiente: llamar a la abogada a las 16:00.';
        const ok = await post(early, `/staff/handovers/${handoverId}/notes`, {
          note: text,
          _once: token,
        });
        expect(ok.statusCode).toBe(303);
        const twice = await post(early, `/staff/handovers/${handoverId}/notes`, {
          note: text,
          _once: token,
        });
        expect(twice.headers.location).toContain('done=repeated');
        const notes = await h.deps.db.selectFrom('handover_notes').selectAll().execute();
        expect(notes).toHaveLength(1);
        expect(Buffer.from(notes[0]!.body_enc).toString('utf8')).not.toContain('abogada');
        expect((await get(late, `/staff/handovers/${handoverId}`)).body).toContain(text);
        expect((await audits('handover.note_added')).length).toBe(1);
        expect((await audits('handover.viewed')).length).toBeGreaterThanOrEqual(1);
        // Someone neither in the team nor on either shift may not write one.
        const outsider = await staffMember(h.deps, 'handler', 'Ida Outsider');
        const outPage = await get(outsider, `/staff/handovers/${handoverId}`);
        expect(outPage.body).not.toContain('/notes"');
        expect(
          (
            await post(outsider, `/staff/handovers/${handoverId}/notes`, {
              note: 'hello',
              _once: token,
            })
          ).statusCode,
        ).toBe(403);
      });

      it('is waiting for coordinators until the incoming lead acknowledges it, once', async () => {
        const list = await get(coordinator, '/staff/handovers?show=waiting');
        expect(list.statusCode).toBe(200);
        expect(list.body).toContain('One handover waits for acknowledgement.');
        expect(list.body).toContain(`/staff/handovers/${handoverId}`);
        expect((await get(coordinator, '/staff/shifts')).body).toContain(
          'Handovers (1 to acknowledge)',
        );
        expect((await get(late, '/staff/shifts')).body).not.toContain('to acknowledge)');

        // Oz is not the incoming lead: no button, and refused.
        const ozPage = await get(other, `/staff/handovers/${handoverId}`);
        expect(ozPage.body).not.toContain('/acknowledge"');
        const leadPage = await get(late, `/staff/handovers/${handoverId}`);
        const token = hiddenField(
          leadPage.body.slice(leadPage.body.indexOf('/acknowledge"')),
          '_once',
        );
        expect(
          (await post(other, `/staff/handovers/${handoverId}/acknowledge`, { _once: token }))
            .statusCode,
        ).toBe(403);
        expect(
          (
            await post(late, `/staff/handovers/${handoverId}/acknowledge`, {
              _once: 'forged.token.x',
            })
          ).headers.location,
        ).toContain('done=expired');

        const [a, b] = await Promise.all([
          post(late, `/staff/handovers/${handoverId}/acknowledge`, { _once: token }),
          post(late, `/staff/handovers/${handoverId}/acknowledge`, { _once: token }),
        ]);
        expect([a.headers.location, b.headers.location].sort()).toEqual([
          `/staff/handovers/${handoverId}?done=acknowledged`,
          `/staff/handovers/${handoverId}?done=repeated`,
        ]);
        const ack = await audits('handover.acknowledged');
        expect(ack).toHaveLength(1);
        expect(ack[0]!.actor_id).toBe(late.id);
        expect(JSON.parse(ack[0]!.detail!)).toMatchObject({
          handover: handoverId,
          as: 'incoming_lead',
          overdue: 1,
        });
        // A coordinator's own form now finds it acknowledged.
        const cPage = await get(coordinator, `/staff/handovers/${handoverId}`);
        expect(cPage.body).toContain('Acknowledged by');
        expect(cPage.body).not.toContain('/acknowledge"');
        const fresh = issueFormToken(h.deps.vault.formKey, 'handover-ack-form', h.deps.now());
        const late2 = await post(coordinator, `/staff/handovers/${handoverId}/acknowledge`, {
          _once: fresh,
        });
        expect(late2.statusCode).toBe(409);
        expect((await audits('handover.acknowledged')).length).toBe(1);
        expect((await get(coordinator, '/staff/handovers?show=waiting')).body).toContain(
          'Every handover that is due has been acknowledged.',
        );
      });

      it('reads right to left in Arabic, names isolated, with the Arabic plural', async () => {
        await h.deps.db
          .updateTable('users')
          .set({ locale: 'ar', time_zone: 'Asia/Riyadh' })
          .where('id', '=', late.id)
          .execute();
        const page = await get(late, `/staff/handovers/${handoverId}`);
        expect(page.statusCode).toBe(200);
        expect(page.body).toContain('<html lang="ar" dir="rtl">');
        expect(page.body).toContain('تسليم فريق \u2068Helpline Américas\u2069');
        expect(page.body).toContain('متأخرة: تجاوز الرد الأول موعده (1)');
        expect(page.body).toContain('<dt>ساعات المناوبة</dt>');
        // Each end of the shift is isolated: a time that ends in "UTC" and one that starts with a
        // digit would otherwise join around the dash, left to right, in a right-to-left line.
        expect(page.body).toMatch(
          /<dt>ساعات المناوبة<\/dt><dd><bdi><time datetime="[^"]+">[^<]+<\/time><\/bdi> – <bdi><time datetime="[^"]+">[^<]+<\/time><\/bdi><\/dd>/,
        );
        const slot = await get(late, `/staff/shifts/slots/${earlySlot}`);
        expect(slot.body).toMatch(
          /<dd><bdi><time datetime="[^"]+">[^<]+<\/time><\/bdi> – <bdi><time datetime="[^"]+">/,
        );
        const week = await get(late, '/staff/shifts');
        expect(week.body).toContain('المناوبات');
        // The next start in the reader's zone, named: Riyadh is three hours ahead of the team's UTC.
        expect(week.body).toMatch(/<time datetime="2026-12-14T06:00:00.000Z">/);
        await h.deps.db
          .updateTable('users')
          .set({ locale: 'en', time_zone: 'UTC' })
          .where('id', '=', late.id)
          .execute();
      });
    });
  });
}
