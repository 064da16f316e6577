import type { Deps } from '../../deps.js';
import { listTeamRosters, type TeamRoster } from '../accounts/index.js';
import { zoneOrDefault } from '../../platform/i18n/zones.js';
import { shiftAt, type Shift, type TeamSchedule } from './shift.js';
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
  const slots = await repo.listSlots(deps.db, rosters.map((r) => r.id));
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
