import type { HavenModule } from '../../contracts/module.js';
import type { Deps } from '../../deps.js';
import * as schedule from './schedule.service.js';

/**
 * The shifts module: each team's weekly shift schedule in the team's time zone, with one
 * date's exceptions (a swap, an absence, a changed lead), who is on shift now, and the
 * handover at every shift's end, acknowledged by the incoming lead (ADR 33).
 */

export type { ShiftNow } from './schedule.service.js';

/**
 * Who is on shift at `at` (epoch ms): one entry per team with a shift covering it, with its
 * lead (null when none), its people and the shift's start and end, that date's exceptions
 * applied.
 */
export function onShiftNow(deps: Deps, at: number): Promise<schedule.ShiftNow[]> {
  return schedule.onShiftNow(deps, at);
}

/** The shifts module as the app sees it. */
export const shiftsModule: HavenModule = {
  name: 'shifts',
};
