import { definePolicy, type Subject } from '../../platform/auth/policy.js';
import { ROLES, type Role } from '../../platform/auth/roles.js';

/**
 * Who may do what with accounts. Deny by default: an action not listed here, or a role not
 * listed for it, is refused. Rules about a particular target (an administrator cannot
 * disable their own account) live in the service.
 */
export const ACCOUNT_ACTIONS = [
  'account.manage_own',
  'user.list',
  'user.create',
  'user.disable',
  'user.enable',
  'user.reset',
  'user.reassign',
  'user.set_roles',
  'team.list',
  'team.create',
  'team.manage',
  'token.manage_own',
] as const;
export type AccountAction = (typeof ACCOUNT_ACTIONS)[number];

const RULES: Record<AccountAction, readonly Role[]> = {
  // Everyone signed in looks after their own account: language, sessions.
  'account.manage_own': ROLES,
  'user.list': ['admin'],
  'user.create': ['admin'],
  'user.disable': ['admin'],
  // Bringing a disabled account back.
  'user.enable': ['admin'],
  // A new enrolment link for an active person: their password and second factor are reset.
  'user.reset': ['admin'],
  // Handing all of a person's open cases to someone else at once.
  'user.reassign': ['admin'],
  'user.set_roles': ['admin'],
  // Teams (ADR 20) are part of managing people; coordinators read them (who covers which
  // region and language, and whose night it is) to share out work, and change nothing.
  'team.list': ['admin', 'coordinator'],
  'team.create': ['admin'],
  // Putting people in teams and taking them out; a team's name, time zone, regions and
  // languages; removing an empty team.
  'team.manage': ['admin'],
  // API tokens reach the cases API, so only roles that work on cases hold one for now.
  'token.manage_own': ['admin', 'coordinator', 'handler'],
};

export const accountsPolicy = definePolicy<AccountAction>(RULES);

/** True when `principal` may perform `action`; false for nobody signed in. */
export const can = (principal: Subject | null, action: AccountAction): boolean => accountsPolicy.can(principal, action);

/** Roles of people who can hold (be assigned) cases. */
export const CASE_HOLDER_ROLES: readonly Role[] = ['admin', 'coordinator', 'handler'];
