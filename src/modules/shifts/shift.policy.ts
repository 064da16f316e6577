import { definePolicy, hasRole } from '../../platform/auth/policy.js';
import type { Role } from '../../platform/auth/roles.js';

/**
 * Who may do what with shifts and handovers. Deny by default.
 *
 * - Everyone who works cases (administrators, coordinators, handlers) reads the schedule, who
 *   is on shift now, and the handovers.
 * - Coordinators and administrators, who run the shifts, change the schedule: slots, people,
 *   leads, one date's exceptions.
 * - A handover's note is written by the people of its team or of either shift (facts:
 *   `involved`), or by a coordinator or administrator.
 * - A handover is acknowledged by the incoming shift's lead (facts: `incomingLead`), or by a
 *   coordinator or administrator, who see the unacknowledged ones.
 *
 * Without facts a rule answers for the role, as routes and the navigation ask.
 */
export const SHIFT_ACTIONS = [
  'shift.view',
  'shift.edit',
  'handover.view',
  'handover.note',
  'handover.acknowledge',
] as const;
export type ShiftAction = (typeof SHIFT_ACTIONS)[number];

/** The roles whose people work cases, and so work shifts. */
export const SHIFT_ROLES: readonly Role[] = ['admin', 'coordinator', 'handler'];

/** The roles that run shifts and oversee handovers. */
export const COORDINATING_ROLES: readonly Role[] = ['admin', 'coordinator'];

/** What a service knows of a handover and the person acting on it. */
export interface HandoverFacts {
  /** The person is on the handover's team, or on the outgoing or incoming shift. */
  involved?: boolean;
  /** The person is the incoming shift's lead. */
  incomingLead?: boolean;
}

export const shiftsPolicy = definePolicy<ShiftAction, HandoverFacts>({
  'shift.view': SHIFT_ROLES,
  'shift.edit': COORDINATING_ROLES,
  'handover.view': SHIFT_ROLES,
  'handover.note': (p, f) =>
    hasRole(p, COORDINATING_ROLES) ||
    (hasRole(p, SHIFT_ROLES) && (f === undefined || f.involved === true)),
  'handover.acknowledge': (p, f) =>
    hasRole(p, COORDINATING_ROLES) ||
    (hasRole(p, SHIFT_ROLES) && (f === undefined || f.incomingLead === true)),
});
