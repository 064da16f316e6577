import { definePolicy, hasRole, type Rule, type Subject } from '../../platform/auth/policy.js';
import type { Principal, Role } from '../../platform/auth/roles.js';
import type { Result } from '../../platform/errors.js';

/**
 * Who may do what with cases. Deny by default: a role not named for an action may not do it.
 *
 * - Admins, coordinators and handlers work the shared queue: they may list, view, reply,
 *   write notes, triage and change status on any case. A helpline works 24/7 in shifts, so
 *   the assignee is often off shift when the requester writes; restricting work to the
 *   assignee would leave people waiting.
 * - Assignment is the one owner-gated act. Coordinators and admins assign anyone to any
 *   case. A handler may claim an unassigned case (take it themselves) and may hand their
 *   own case to someone else or release it (the shift handover), but not take or move a
 *   case someone else holds.
 * - The case's audit trail is for coordinators and admins.
 * - Marking requests as spam (one or many at once) is for coordinators and admins; any
 *   case worker may move a suspected one back to the main queue ("not spam").
 * - Linking cases is for every case worker; merging a duplicate into another case is for leads
 *   and for the handler who holds both (or the duplicate, when the other is unassigned).
 * - Fund officers, researchers and auditors are denied everything here until their modules
 *   decide what they need (an auditor will read the audit log only).
 */
export const CASE_ACTIONS = [
  'case.list',
  'case.view',
  'case.reply',
  'case.note',
  'case.triage',
  'case.status',
  'case.claim',
  'case.assign',
  'case.view_audit',
  'case.mark_spam',
  'case.not_spam',
  'case.restrict',
  'case.override_checks',
  'case.link',
  'case.merge',
] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

/** The part of a case a policy looks at. */
export interface CaseFacts {
  assignee_id: string | null;
}

const WORKERS: readonly Role[] = ['admin', 'coordinator', 'handler'];
const LEADS: readonly Role[] = ['admin', 'coordinator'];

const rules: Record<CaseAction, Rule<CaseFacts>> = {
  'case.list': WORKERS,
  'case.view': WORKERS,
  'case.reply': WORKERS,
  'case.note': WORKERS,
  'case.triage': WORKERS,
  'case.status': WORKERS,
  // Claiming is taking an unassigned case for oneself; without a case, it asks "could I claim one?".
  'case.claim': (p, c) => hasRole(p, WORKERS) && (c === undefined || c.assignee_id === null),
  // Without a case this asks "may this role ever assign?"; the service asks again with the case.
  'case.assign': (p, c) =>
    hasRole(p, LEADS) ||
    (hasRole(p, ['handler']) && (c === undefined || c.assignee_id === p.userId)),
  'case.view_audit': LEADS,
  // Marking as spam sends a request towards deletion, so it is for leads; taking one out of
  // the suspected-spam queue rescues a person, so anyone who works the queue may.
  'case.mark_spam': LEADS,
  'case.not_spam': WORKERS,
  // Need-to-know (ADR 32): restricting a case, lifting it, and who is on its list are for leads
  // and for the handler who holds the case; either must also know the case (the service asks).
  'case.restrict': (p, c) =>
    hasRole(p, LEADS) || (hasRole(p, ['handler']) && (c === undefined || c.assignee_id === p.userId)),
  // A status change another module's check refused (an open required checklist step, say)
  // may still be made by a lead, who says so; the override is audited (ADR 31).
  'case.override_checks': LEADS,
  // Linking (ADR 38) is working on the case, as triage is: any case worker who may know both.
  'case.link': WORKERS,
  // Merging moves a conversation for good: leads, or the handler who holds the duplicate (the
  // service asks again of the case merged into: theirs, or nobody's).
  'case.merge': (p, c) =>
    hasRole(p, LEADS) || (hasRole(p, ['handler']) && (c === undefined || c.assignee_id === p.userId)),
};

export const casesPolicy = definePolicy<CaseAction, CaseFacts>(rules);

/**
 * Whether `principal` may do `action`. Given `facts`, the answer is about that case; without
 * them, about the role (routes check the role, services re-check with the case loaded in
 * their transaction). Views use it to hide what cannot be done.
 */
export function can(principal: Subject | null, action: CaseAction, facts?: CaseFacts): boolean {
  return casesPolicy.can(principal, action, facts);
}

/** `can`, as a typed result for handlers: FORBIDDEN when not allowed. */
export function authorize(
  principal: Principal | null,
  action: CaseAction,
  facts?: CaseFacts,
): Result<true> {
  return casesPolicy.authorize(principal, action, facts);
}

/**
 * Whether `principal` may set a case's assignee to `assigneeId`: leads always (within the
 * case.assign rule); a handler claiming an unassigned case for themselves; a handler who holds
 * the case, handing it on or releasing it.
 */
export function canSetAssignee(
  principal: Principal | null,
  facts: CaseFacts,
  assigneeId: string | null,
): boolean {
  if (can(principal, 'case.assign', facts)) return true;
  return (
    assigneeId !== null && assigneeId === principal?.userId && can(principal, 'case.claim', facts)
  );
}
