// A team's weekly shifts as instants: who is on shift at a moment, who leads, when the shift
// started and ends, the shifts before and after (pure; no I/O).
//
// A slot is a weekly shift in its team's time zone: a weekday, a local start and end time (an
// end at or before the start ends on the next day) and its people. An occurrence of a slot is
// that shift on one local date, the date it starts. Local times become instants the way
// people read a clock on a change day (Temporal's "compatible"): a time that happens twice
// (autumn, the clock goes back) is its first occurrence, a time that does not exist (spring,
// the clock jumps forward) is read with the offset before the jump, so 02:30 in Berlin on the
// spring change day is 03:30 summer time. Both ends of two adjacent slots are the same local
// time converted the same way, so they meet exactly: no gap and no overlap on a change day.

import { dateTimeFormats } from '../../platform/i18n/formats.js';

export const MINUTES_PER_DAY = 1440;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** ISO weekdays: 1 is Monday, 7 is Sunday. */
export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A weekly shift of one team, in the team's time zone. */
export interface Slot {
  id: string;
  teamId: string;
  weekday: Weekday;
  /** Minutes after local midnight, 0–1439. */
  startMinute: number;
  /** Minutes after local midnight, 0–1439; at or before `startMinute`: the next day. */
  endMinute: number;
  leadId: string | null;
  memberIds: readonly string[];
  /** When the slot was added: no handover is due for an occurrence that started before it. */
  createdAt?: number;
}

/** What changes on one date's occurrence of a slot. */
export const EXCEPTION_KINDS = ['swap', 'absence', 'lead'] as const;
export type ExceptionKind = (typeof EXCEPTION_KINDS)[number];

/**
 * One date's change to a slot (`date`: the local date the occurrence starts, YYYY-MM-DD):
 * `swap`: `userId` is replaced by `replacementId`; `absence`: `userId` is not there;
 * `lead`: `replacementId` leads that day (`userId` null).
 */
export interface ShiftException {
  id: string;
  slotId: string;
  date: string;
  kind: ExceptionKind;
  userId: string | null;
  replacementId: string | null;
}

/** A team's schedule: its zone, its slots and their exceptions. */
export interface TeamSchedule {
  teamId: string;
  teamName: string;
  timeZone: string;
  slots: readonly Slot[];
  exceptions: readonly ShiftException[];
}

/** One occurrence of a slot, exceptions applied. */
export interface Shift {
  teamId: string;
  slotId: string;
  /** The local date it starts (YYYY-MM-DD) in the team's zone. */
  date: string;
  startsAt: number;
  endsAt: number;
  leadId: string | null;
  memberIds: string[];
}

/** A slot's length in minutes (1 to 1439): an end at or before the start is on the next day. */
export function slotLength(startMinute: number, endMinute: number): number {
  return endMinute > startMinute
    ? endMinute - startMinute
    : endMinute + MINUTES_PER_DAY - startMinute;
}

/**
 * True when two weekly slots share a minute of the local week (a slot from Sunday night into
 * Monday wraps to the week's start). Compared in local minutes, so it is the same every week
 * whatever the clocks do.
 */
export function slotsOverlap(
  a: Pick<Slot, 'weekday' | 'startMinute' | 'endMinute'>,
  b: Pick<Slot, 'weekday' | 'startMinute' | 'endMinute'>,
): boolean {
  const sa = (a.weekday - 1) * MINUTES_PER_DAY + a.startMinute;
  const sb = (b.weekday - 1) * MINUTES_PER_DAY + b.startMinute;
  const la = slotLength(a.startMinute, a.endMinute);
  const lb = slotLength(b.startMinute, b.endMinute);
  const mod = (n: number) => ((n % MINUTES_PER_WEEK) + MINUTES_PER_WEEK) % MINUTES_PER_WEEK;
  return mod(sb - sa) < la || mod(sa - sb) < lb;
}

/** "HH:MM" for minutes after midnight. */
export function minuteLabel(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

/** Minutes after midnight for "HH:MM" (00:00–23:59), or null. */
export function parseMinute(hhmm: string): number | null {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

/** True for a real calendar date written YYYY-MM-DD. */
export function isIsoDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return (
    d.getUTCFullYear() === Number(m[1]) &&
    d.getUTCMonth() === Number(m[2]) - 1 &&
    d.getUTCDate() === Number(m[3])
  );
}

function dateParts(date: string): [number, number, number] {
  return [Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10))];
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The date `days` after `date` (YYYY-MM-DD). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = dateParts(date);
  return isoDate(Date.UTC(y, m - 1, d + days));
}

/** The ISO weekday of a date (1 Monday … 7 Sunday). */
export function weekdayOf(date: string): Weekday {
  const [y, m, d] = dateParts(date);
  const w = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return (w === 0 ? 7 : w) as Weekday;
}

// The wall clock of an instant in a zone; kept per zone (platform/i18n/formats.ts).
const WALL = dateTimeFormats({
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

function wallClock(zone: string, at: number): { date: string; minute: number; asUtc: number } {
  const parts: Record<string, number> = {};
  for (const p of WALL('en-US', zone).formatToParts(at))
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const asUtc = Date.UTC(
    parts.year!,
    parts.month! - 1,
    parts.day!,
    parts.hour!,
    parts.minute!,
    parts.second!,
  );
  return { date: isoDate(asUtc), minute: parts.hour! * 60 + parts.minute!, asUtc };
}

/** The zone's offset from UTC at an instant, in milliseconds (whole seconds). */
function offsetAt(zone: string, at: number): number {
  const whole = Math.floor(at / 1000) * 1000;
  return wallClock(zone, whole).asUtc - whole;
}

/** The local date (YYYY-MM-DD) and minute of the day of an instant in a zone. */
export function localTime(zone: string, at: number): { date: string; minute: number } {
  const { date, minute } = wallClock(zone, at);
  return { date, minute };
}

/**
 * The instant of a local date and time in a zone: a repeated time is its first occurrence, a
 * skipped time is read with the offset before the jump (see the head of this file).
 */
export function zonedInstant(zone: string, date: string, minute: number): number {
  const [y, m, d] = dateParts(date);
  const wall = Date.UTC(y, m - 1, d) + minute * MINUTE_MS;
  // A zone changes its offset at most once in two days: the offsets a day either side are
  // the only candidates.
  const before = offsetAt(zone, wall - DAY_MS);
  const after = offsetAt(zone, wall + DAY_MS);
  const valid = [wall - before, wall - after].filter((t) => offsetAt(zone, t) === wall - t);
  if (valid.length > 0) return Math.min(...valid);
  return wall - before;
}

/** A slot's occurrence on `date` (its start date), with that date's exceptions applied. */
export function occurrence(
  schedule: Pick<TeamSchedule, 'timeZone' | 'exceptions'>,
  slot: Slot,
  date: string,
): Shift {
  const startsAt = zonedInstant(schedule.timeZone, date, slot.startMinute);
  const endDate = slot.endMinute > slot.startMinute ? date : addDays(date, 1);
  const endsAt = zonedInstant(schedule.timeZone, endDate, slot.endMinute);
  const members = [...slot.memberIds];
  let leadId = slot.leadId;
  const changes = schedule.exceptions.filter((e) => e.slotId === slot.id && e.date === date);
  // Swaps and absences first, then a changed lead, whatever order they were entered in.
  for (const e of changes) {
    if (e.kind === 'lead' || e.userId === null) continue;
    const at = members.indexOf(e.userId);
    if (at >= 0) members.splice(at, 1);
    if (e.kind === 'swap' && e.replacementId !== null && !members.includes(e.replacementId)) {
      members.splice(at >= 0 ? at : members.length, 0, e.replacementId);
    }
    if (leadId === e.userId) leadId = e.kind === 'swap' ? e.replacementId : null;
  }
  for (const e of changes) {
    if (e.kind !== 'lead' || e.replacementId === null) continue;
    leadId = e.replacementId;
    if (!members.includes(leadId)) members.push(leadId);
  }
  return {
    teamId: slot.teamId,
    slotId: slot.id,
    date,
    startsAt,
    endsAt,
    leadId,
    memberIds: members,
  };
}

/**
 * Every occurrence of the team's slots that overlaps [from, to), by start. A slot is under
 * 24 hours, so the occurrences starting from the local day before `from` are enough.
 */
export function shiftsBetween(schedule: TeamSchedule, from: number, to: number): Shift[] {
  if (schedule.slots.length === 0 || to <= from) return [];
  const first = addDays(localTime(schedule.timeZone, from).date, -1);
  const last = localTime(schedule.timeZone, to).date;
  const out: Shift[] = [];
  for (let date = first; date <= last; date = addDays(date, 1)) {
    const weekday = weekdayOf(date);
    for (const slot of schedule.slots) {
      if (slot.weekday !== weekday) continue;
      const shift = occurrence(schedule, slot, date);
      if (shift.endsAt > from && shift.startsAt < to) out.push(shift);
    }
  }
  return out.sort((a, b) => a.startsAt - b.startsAt || a.endsAt - b.endsAt);
}

/** The team's shift covering `at` (started at or before it, ending after it), or null. */
export function shiftAt(schedule: TeamSchedule, at: number): Shift | null {
  const covering = shiftsBetween(schedule, at, at + 1);
  // Slots are refused when they overlap, so there is one at most; with several (an old
  // schedule), the one that started last is the shift now.
  return covering.length === 0 ? null : covering[covering.length - 1]!;
}

const WEEK_MS = 7 * DAY_MS;

/** The team's next shift starting after `at` (within a week), or null. */
export function nextShift(schedule: TeamSchedule, at: number): Shift | null {
  return (
    shiftsBetween(schedule, at + 1, at + WEEK_MS + DAY_MS).find((s) => s.startsAt > at) ?? null
  );
}

/** The team's last shift that ended at or before `at` (within a week), or null. */
export function previousShift(schedule: TeamSchedule, at: number): Shift | null {
  const ended = shiftsBetween(schedule, at - WEEK_MS - DAY_MS, at + 1).filter(
    (s) => s.endsAt <= at,
  );
  ended.sort((a, b) => a.endsAt - b.endsAt);
  return ended.length === 0 ? null : ended[ended.length - 1]!;
}

/** The team's shifts that end in (from, to], by end: where a handover is due. */
export function shiftsEndingIn(schedule: TeamSchedule, from: number, to: number): Shift[] {
  return shiftsBetween(schedule, from, to + 1)
    .filter((s) => s.endsAt > from && s.endsAt <= to)
    .sort((a, b) => a.endsAt - b.endsAt);
}

/**
 * Who takes over when `shift` ends: the shift covering its end instant (the next one starting
 * then), or null when nobody's shift starts before the next one begins.
 */
export function incomingShift(schedule: TeamSchedule, shift: Shift): Shift | null {
  return shiftAt(schedule, shift.endsAt) ?? nextShift(schedule, shift.endsAt);
}
