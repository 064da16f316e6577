import { describe, expect, it } from 'vitest';
import {
  addDays,
  incomingShift,
  isIsoDate,
  localTime,
  minuteLabel,
  nextShift,
  parseMinute,
  previousShift,
  shiftAt,
  shiftsEndingIn,
  slotLength,
  slotsOverlap,
  weekdayOf,
  zonedInstant,
  type ShiftException,
  type Slot,
  type TeamSchedule,
  type Weekday,
} from './shift.js';

// The pure rules of shifts: local times in a team's zone become instants (midnight crossing,
// clocks going forward and back in Berlin and, while it still had DST, Mexico City), who is on
// shift at a moment with one date's exceptions applied, the shifts before and after, and three
// teams in three zones covering the whole day between them.

const H = 3_600_000;
const utc = (y: number, m: number, d: number, h = 0, min = 0) => Date.UTC(y, m - 1, d, h, min);

let n = 0;
function slot(p: Partial<Slot> & Pick<Slot, 'weekday' | 'startMinute' | 'endMinute'>): Slot {
  n += 1;
  return { id: `s${n}`, teamId: 't', leadId: null, memberIds: [], ...p };
}
function team(
  timeZone: string,
  slots: Slot[],
  exceptions: ShiftException[] = [],
  teamId = 't',
): TeamSchedule {
  return {
    teamId,
    teamName: teamId,
    timeZone,
    slots: slots.map((s) => ({ ...s, teamId })),
    exceptions,
  };
}
const every = (p: Omit<Partial<Slot>, 'weekday'> & Pick<Slot, 'startMinute' | 'endMinute'>) =>
  ([1, 2, 3, 4, 5, 6, 7] as Weekday[]).map((weekday) => slot({ ...p, weekday }));

describe('dates and times', () => {
  it('reads HH:MM and real dates only', () => {
    expect(parseMinute('00:00')).toBe(0);
    expect(parseMinute('23:59')).toBe(1439);
    expect(parseMinute('06:30')).toBe(390);
    for (const bad of ['24:00', '6:30', '06:60', '', '06:30 ', '٠٦:٣٠', '06-30'])
      expect(parseMinute(bad), bad).toBeNull();
    expect(minuteLabel(390)).toBe('06:30');
    expect(isIsoDate('2028-02-29')).toBe(true);
    for (const bad of ['2026-02-29', '2026-13-01', '2026-1-01', '26-01-01', '2026-01-01T00:00'])
      expect(isIsoDate(bad), bad).toBe(false);
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(weekdayOf('2026-12-07')).toBe(1);
    expect(weekdayOf('2026-12-13')).toBe(7);
  });

  it('turns a local time into an instant, a skipped one forward and a repeated one as its first', () => {
    expect(zonedInstant('Europe/Berlin', '2026-12-07', 9 * 60)).toBe(utc(2026, 12, 7, 8));
    expect(zonedInstant('Europe/Berlin', '2026-07-07', 9 * 60)).toBe(utc(2026, 7, 7, 7));
    // 29 March 2026: 02:00 CET becomes 03:00 CEST; 02:30 does not exist and reads as 03:30 CEST.
    expect(zonedInstant('Europe/Berlin', '2026-03-29', 150)).toBe(utc(2026, 3, 29, 1, 30));
    expect(zonedInstant('Europe/Berlin', '2026-03-29', 180)).toBe(utc(2026, 3, 29, 1));
    // 25 October 2026: 03:00 CEST becomes 02:00 CET; 02:30 happens twice, the first is taken.
    expect(zonedInstant('Europe/Berlin', '2026-10-25', 150)).toBe(utc(2026, 10, 25, 0, 30));
    expect(zonedInstant('Europe/Berlin', '2026-10-25', 180)).toBe(utc(2026, 10, 25, 2));
    // Mexico City kept DST until October 2022, and has none since.
    expect(zonedInstant('America/Mexico_City', '2022-04-03', 150)).toBe(utc(2022, 4, 3, 8, 30));
    expect(zonedInstant('America/Mexico_City', '2022-10-30', 90)).toBe(utc(2022, 10, 30, 6, 30));
    expect(zonedInstant('America/Mexico_City', '2026-04-05', 150)).toBe(utc(2026, 4, 5, 8, 30));
    expect(zonedInstant('Asia/Kolkata', '2026-12-07', 0)).toBe(utc(2026, 12, 6, 18, 30));
    expect(localTime('Asia/Kolkata', utc(2026, 12, 6, 18, 30))).toEqual({
      date: '2026-12-07',
      minute: 0,
    });
  });
});

describe('slots', () => {
  it('measures a slot that crosses midnight', () => {
    expect(slotLength(22 * 60, 6 * 60)).toBe(8 * 60);
    expect(slotLength(6 * 60, 14 * 60)).toBe(8 * 60);
    expect(slotLength(600, 599)).toBe(1439);
  });

  it('finds overlaps in the local week, across midnight and the week’s end', () => {
    const mon = (s: number, e: number) => ({
      weekday: 1 as Weekday,
      startMinute: s * 60,
      endMinute: e * 60,
    });
    expect(slotsOverlap(mon(6, 14), mon(14, 22))).toBe(false);
    expect(slotsOverlap(mon(6, 14), mon(13, 22))).toBe(true);
    expect(slotsOverlap(mon(22, 6), { weekday: 2, startMinute: 5 * 60, endMinute: 7 * 60 })).toBe(
      true,
    );
    expect(slotsOverlap(mon(22, 6), { weekday: 2, startMinute: 6 * 60, endMinute: 7 * 60 })).toBe(
      false,
    );
    // Sunday night into Monday morning wraps to the week's start.
    expect(slotsOverlap({ weekday: 7, startMinute: 22 * 60, endMinute: 6 * 60 }, mon(5, 7))).toBe(
      true,
    );
    expect(slotsOverlap({ weekday: 7, startMinute: 22 * 60, endMinute: 6 * 60 }, mon(6, 7))).toBe(
      false,
    );
    expect(slotsOverlap(mon(8, 9), { weekday: 3, startMinute: 8 * 60, endMinute: 9 * 60 })).toBe(
      false,
    );
  });
});

describe('who is on shift', () => {
  it('covers a night shift from its start to its end, the next day', () => {
    const s = team('Europe/Berlin', [
      slot({
        weekday: 1,
        startMinute: 22 * 60,
        endMinute: 6 * 60,
        leadId: 'a',
        memberIds: ['a', 'b'],
      }),
    ]);
    // Monday 7 December 2026, 22:00 CET is 21:00 UTC; it ends Tuesday 06:00 CET.
    expect(shiftAt(s, utc(2026, 12, 7, 20, 59))).toBeNull();
    const at = shiftAt(s, utc(2026, 12, 7, 21))!;
    expect(at).toMatchObject({
      date: '2026-12-07',
      startsAt: utc(2026, 12, 7, 21),
      endsAt: utc(2026, 12, 8, 5),
      leadId: 'a',
      memberIds: ['a', 'b'],
    });
    expect(shiftAt(s, utc(2026, 12, 8, 4, 59))?.date).toBe('2026-12-07');
    expect(shiftAt(s, utc(2026, 12, 8, 5))).toBeNull();
    expect(shiftAt(s, utc(2026, 12, 14, 23))?.date).toBe('2026-12-14');
  });

  it('counts the hours the clocks skip or repeat in Berlin', () => {
    const s = team('Europe/Berlin', [
      slot({ weekday: 6, startMinute: 22 * 60, endMinute: 6 * 60 }),
    ]);
    const spring = shiftAt(s, utc(2026, 3, 28, 23))!;
    expect(spring.startsAt).toBe(utc(2026, 3, 28, 21));
    expect(spring.endsAt).toBe(utc(2026, 3, 29, 4));
    expect(spring.endsAt - spring.startsAt).toBe(7 * H);
    const autumn = shiftAt(s, utc(2026, 10, 24, 23))!;
    expect(autumn.startsAt).toBe(utc(2026, 10, 24, 20));
    expect(autumn.endsAt).toBe(utc(2026, 10, 25, 5));
    expect(autumn.endsAt - autumn.startsAt).toBe(9 * H);
    // A slot starting in the skipped hour starts when the clock reads 03:00 again.
    const skipped = team('Europe/Berlin', [
      slot({ weekday: 7, startMinute: 150, endMinute: 10 * 60 }),
    ]);
    expect(shiftAt(skipped, utc(2026, 3, 29, 1, 30))?.startsAt).toBe(utc(2026, 3, 29, 1, 30));
    expect(shiftAt(skipped, utc(2026, 3, 29, 1, 29))).toBeNull();
  });

  it('follows Mexico City’s last change days and its fixed offset since', () => {
    const s = team('America/Mexico_City', [
      slot({ weekday: 7, startMinute: 0, endMinute: 8 * 60 }),
    ]);
    const spring2022 = shiftAt(s, utc(2022, 4, 3, 7))!;
    expect(spring2022.endsAt - spring2022.startsAt).toBe(7 * H);
    const autumn2022 = shiftAt(s, utc(2022, 10, 30, 7))!;
    expect(autumn2022.endsAt - autumn2022.startsAt).toBe(9 * H);
    const april2026 = shiftAt(s, utc(2026, 4, 5, 7))!;
    expect(april2026.startsAt).toBe(utc(2026, 4, 5, 6));
    expect(april2026.endsAt - april2026.startsAt).toBe(8 * H);
  });

  it('hands the day from team to team: three 8-hour shifts in three zones, one team on shift at every moment', () => {
    const mexico = team(
      'America/Mexico_City',
      every({ startMinute: 8 * 60, endMinute: 16 * 60, leadId: 'm1', memberIds: ['m1'] }),
      [],
      'mx',
    );
    const berlin = team(
      'Europe/Berlin',
      every({ startMinute: 23 * 60, endMinute: 7 * 60, leadId: 'b1', memberIds: ['b1'] }),
      [],
      'de',
    );
    const manila = team(
      'Asia/Manila',
      every({ startMinute: 14 * 60, endMinute: 22 * 60, leadId: 'p1', memberIds: ['p1'] }),
      [],
      'ph',
    );
    const teams = [mexico, berlin, manila];
    for (let at = utc(2026, 12, 7); at < utc(2026, 12, 14); at += 15 * 60_000) {
      const on = teams.filter((s) => shiftAt(s, at) !== null).map((s) => s.teamId);
      expect(on, new Date(at).toISOString()).toHaveLength(1);
    }
    expect(shiftAt(mexico, utc(2026, 12, 7, 14))?.leadId).toBe('m1');
    expect(shiftAt(berlin, utc(2026, 12, 7, 22))?.leadId).toBe('b1');
    expect(shiftAt(manila, utc(2026, 12, 8, 6))?.leadId).toBe('p1');
  });

  it('applies a swap, an absence and another lead on their date only', () => {
    const mon = slot({
      weekday: 1,
      startMinute: 8 * 60,
      endMinute: 16 * 60,
      leadId: 'a',
      memberIds: ['a', 'b', 'c'],
    });
    const on = (
      date: string,
      e: Omit<ShiftException, 'id' | 'slotId' | 'date'>,
    ): ShiftException => ({ id: `${date}${e.kind}${e.userId}`, slotId: mon.id, date, ...e });
    const s = team(
      'UTC',
      [mon],
      [
        on('2026-12-07', { kind: 'swap', userId: 'b', replacementId: 'x' }),
        on('2026-12-07', { kind: 'absence', userId: 'c', replacementId: null }),
        on('2026-12-14', { kind: 'swap', userId: 'a', replacementId: 'y' }),
        on('2026-12-21', { kind: 'absence', userId: 'a', replacementId: null }),
        on('2026-12-28', { kind: 'lead', userId: null, replacementId: 'z' }),
        on('2026-12-28', { kind: 'absence', userId: 'a', replacementId: null }),
      ],
    );
    expect(shiftAt(s, utc(2026, 12, 7, 9))).toMatchObject({ leadId: 'a', memberIds: ['a', 'x'] });
    // The lead swapped: their replacement leads.
    expect(shiftAt(s, utc(2026, 12, 14, 9))).toMatchObject({
      leadId: 'y',
      memberIds: ['y', 'b', 'c'],
    });
    // The lead away: nobody leads unless the date says who.
    expect(shiftAt(s, utc(2026, 12, 21, 9))).toMatchObject({ leadId: null, memberIds: ['b', 'c'] });
    expect(shiftAt(s, utc(2026, 12, 28, 9))).toMatchObject({
      leadId: 'z',
      memberIds: ['b', 'c', 'z'],
    });
    // Another week: the slot as it is.
    expect(shiftAt(s, utc(2027, 1, 4, 9))).toMatchObject({
      leadId: 'a',
      memberIds: ['a', 'b', 'c'],
    });
  });

  it('keys a night shift’s exception to the date it starts', () => {
    const night = slot({ weekday: 1, startMinute: 22 * 60, endMinute: 6 * 60, memberIds: ['a'] });
    const s = team(
      'UTC',
      [night],
      [
        {
          id: 'e',
          slotId: night.id,
          date: '2026-12-07',
          kind: 'swap',
          userId: 'a',
          replacementId: 'b',
        },
      ],
    );
    expect(shiftAt(s, utc(2026, 12, 8, 3))?.memberIds).toEqual(['b']);
    expect(shiftAt(s, utc(2026, 12, 15, 3))?.memberIds).toEqual(['a']);
  });

  it('finds the shifts before and after, the one ending in a window, and who takes over', () => {
    const early = slot({
      weekday: 1,
      startMinute: 6 * 60,
      endMinute: 14 * 60,
      leadId: 'a',
      memberIds: ['a'],
    });
    const late = slot({
      weekday: 1,
      startMinute: 14 * 60,
      endMinute: 22 * 60,
      leadId: 'b',
      memberIds: ['b'],
    });
    const wed = slot({
      weekday: 3,
      startMinute: 9 * 60,
      endMinute: 17 * 60,
      leadId: 'c',
      memberIds: ['c'],
    });
    const s = team('UTC', [early, late, wed]);
    const at = utc(2026, 12, 7, 10);
    expect(nextShift(s, at)).toMatchObject({ slotId: late.id, startsAt: utc(2026, 12, 7, 14) });
    expect(previousShift(s, at)).toMatchObject({ slotId: wed.id, endsAt: utc(2026, 12, 2, 17) });
    expect(previousShift(s, utc(2026, 12, 7, 14))).toMatchObject({ slotId: early.id });
    const ending = shiftsEndingIn(s, utc(2026, 12, 7, 13, 30), utc(2026, 12, 7, 14));
    expect(ending.map((x) => x.slotId)).toEqual([early.id]);
    expect(shiftsEndingIn(s, utc(2026, 12, 7, 14), utc(2026, 12, 7, 14, 30))).toEqual([]);
    expect(incomingShift(s, ending[0]!)).toMatchObject({ slotId: late.id, leadId: 'b' });
    // After the late shift nobody starts until Wednesday: that shift takes over.
    expect(incomingShift(s, shiftAt(s, utc(2026, 12, 7, 15))!)).toMatchObject({
      slotId: wed.id,
      date: '2026-12-09',
    });
    expect(nextShift(team('UTC', []), at)).toBeNull();
    expect(shiftAt(team('UTC', []), at)).toBeNull();
  });
});
