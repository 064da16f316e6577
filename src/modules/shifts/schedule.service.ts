import type { Deps } from '../../deps.js';
import { listTeamRosters, type TeamRoster } from '../accounts/index.js';
import { zoneOrDefault } from '../../platform/i18n/zones.js';
import {
  nextShift,
  shiftAt,
  shiftsBetween,
  type Shift,
  type ShiftException,
  type TeamSchedule,
} from './shift.js';
import * as repo from './shift.repo.js';

// Reading the schedule: every team's slots and the exceptions around a moment, as the pure
// rules (shift.ts) take them.

const DAY_MS = 86_400_000;

function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** A team's schedule with its roster. */
export interface RosteredSchedule extends TeamSchedule {
  roster: TeamRoster;
}

/**
 * The schedules of `teamIds` (every team's when absent) with the exceptions of the shifts
 * that can touch [from, to]: local dates are within a day of UTC dates, and a shift that
 * touches the window started at most a day before it.
 */
export async function loadSchedules(
  deps: Pick<Deps, 'db'>,
  window: { from: number; to: number },
  teamIds?: readonly string[],
): Promise<RosteredSchedule[]> {
  const rosters = await listTeamRosters(deps, teamIds);
  if (rosters.length === 0) return [];
  const slots = await repo.listSlots(
    deps.db,
    rosters.map((r) => r.id),
  );
  const exceptions = await repo.listExceptions(
    deps.db,
    slots.map((s) => s.id),
    utcDate(window.from - 2 * DAY_MS),
    utcDate(window.to + 2 * DAY_MS),
  );
  const slotTeam = new Map(slots.map((s) => [s.id, s.teamId]));
  return rosters.map((roster) => ({
    teamId: roster.id,
    teamName: roster.name,
    timeZone: zoneOrDefault(roster.timeZone),
    slots: slots.filter((s) => s.teamId === roster.id),
    exceptions: exceptions.filter((e) => slotTeam.get(e.slotId) === roster.id),
    roster,
  }));
}

/** Who is on shift at `at`, one entry per team with a shift covering it (exceptions applied). */
export interface ShiftNow {
  teamId: string;
  teamName: string;
  leadId: string | null;
  memberIds: string[];
  startsAt: number;
  endsAt: number;
}

/** The shift of each team covering `at`, by team name. */
export async function onShiftNow(deps: Pick<Deps, 'db'>, at: number): Promise<ShiftNow[]> {
  const schedules = await loadSchedules(deps, { from: at, to: at });
  const out: ShiftNow[] = [];
  for (const s of schedules) {
    const shift: Shift | null = shiftAt(s, at);
    if (!shift) continue;
    out.push({
      teamId: s.teamId,
      teamName: s.teamName,
      leadId: shift.leadId,
      memberIds: shift.memberIds,
      startsAt: shift.startsAt,
      endsAt: shift.endsAt,
    });
  }
  return out;
}

/** The exceptions of `slotIds` on dates from `fromDate` on (YYYY-MM-DD), by date. */
export function upcomingExceptions(
  deps: Pick<Deps, 'db'>,
  slotIds: readonly string[],
  fromDate: string,
): Promise<ShiftException[]> {
  return repo.listExceptions(deps.db, slotIds, fromDate, '9999-12-31');
}

/** What the schedule pages show of one team. */
export interface TeamPlan {
  schedule: RosteredSchedule;
  /** Each slot's next occurrence (the one running now, else the next to start), by slot id. */
  next: Map<string, Shift>;
  /** The shift now, and the next one to start. */
  now: Shift | null;
  following: Shift | null;
}

/** Every team's schedule around `now`, with each slot's next occurrence, the shift now and the next. */
export async function planAround(
  deps: Pick<Deps, 'db'>,
  now: number,
  teamIds?: readonly string[],
): Promise<TeamPlan[]> {
  const schedules = await loadSchedules(deps, { from: now, to: now + 8 * DAY_MS }, teamIds);
  return schedules.map((schedule) => {
    const next = new Map<string, Shift>();
    for (const s of shiftsBetween(schedule, now, now + 8 * DAY_MS))
      if (!next.has(s.slotId)) next.set(s.slotId, s);
    return { schedule, next, now: shiftAt(schedule, now), following: nextShift(schedule, now) };
  });
}

/** The local date before today's in UTC: exceptions from it on may still be ahead somewhere. */
export function yesterdayUtc(now: number): string {
  return utcDate(now - DAY_MS);
}
