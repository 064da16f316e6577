import type { HavenModule } from '../../contracts/module.js';
import type { Deps } from '../../deps.js';
import { NAV_COUNT_MAX } from '../../platform/views/nav.js';
import { handoverJob, notesPurgeJob } from './handover.job.js';
import { countWaitingHandovers, resealHandoverNotes } from './handover.service.js';
import * as schedule from './schedule.service.js';
import { SHIFT_ERRORS } from './shift.errors.js';
import { shiftsPolicy } from './shift.policy.js';
import { registerShiftRoutes } from './shift.routes.js';

/**
 * The shifts module: each team's weekly shift schedule in the team's time zone, with one
 * date's exceptions (a swap, an absence, a changed lead), who is on shift now, and the
 * handover at every shift's end, acknowledged by the incoming lead (ADR 33).
 */

export type { ShiftNow } from './schedule.service.js';
export { SHIFT_ACTIONS, shiftsPolicy, type ShiftAction } from './shift.policy.js';

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
  policy: shiftsPolicy,
  errors: SHIFT_ERRORS,
  nav: [
    { href: '/staff/shifts', labelKey: 'shifts.title', action: 'shift.view', order: 30 },
    {
      href: '/staff/handovers',
      labelKey: 'shifts.handovers.title',
      action: 'handover.view',
      order: 31,
      // For coordinators and administrators: handovers due and not acknowledged.
      count: {
        of: (deps, principal) => countWaitingHandovers(deps, principal, NAV_COUNT_MAX + 1),
        labelKey: 'shifts.nav_handovers_count',
      },
    },
  ],
  registerStaff: (app, { deps, assets }) => registerShiftRoutes(app, deps, assets),
  jobs: (deps) => [handoverJob(deps), notesPurgeJob(deps)],
  // Handover notes are sealed to the vault's content key: moved to the active key before an older one is retired.
  resealToActiveKey: (deps) => resealHandoverNotes(deps),
};
