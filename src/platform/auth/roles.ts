/**
 * Staff roles: the one list. Everything else that names roles (policies, the people page,
 * the `haven user` command, labels as `accounts.role.<role>` in every locale, the route × role
 * table test) takes them from here. Fund officers, reviewers, researchers and auditors arrive
 * with their modules; they are listed now so every policy decides about them explicitly (and
 * denies by default).
 */
export const ROLES = ['admin', 'coordinator', 'handler', 'fund_officer', 'reviewer', 'researcher', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Roles that can be given today: those a module in the list introduces (test/modules.test.ts).
 * The others have no module yet. An auditor reads the audit log (the audit module) and no case.
 */
export const ASSIGNABLE_ROLES: readonly Role[] = ['admin', 'coordinator', 'handler', 'auditor'];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/**
 * A person's roles from their primary role and their `user_roles` rows, in the order of ROLES;
 * unknown names are dropped. The primary role is always among them.
 */
export function rolesOf(primary: string, held: readonly string[]): Role[] {
  const all = new Set([primary, ...held]);
  return ROLES.filter((r) => all.has(r));
}

/** Who is acting: a signed-in staff member (web session) or an API token holder. */
export interface Principal {
  userId: string;
  email: string;
  displayName: string;
  /** The primary role: the one label shown where only one fits (`users.role`). */
  role: Role;
  /**
   * Every role the person holds, the primary one always among them (`user_roles` and
   * `users.role`, `rolesOfRows`); policies look at these and only these.
   */
  roles: readonly Role[];
  locale: string;
  /** IANA time zone in which their staff pages show moments (`users.time_zone`, ADR 28). */
  timeZone: string;
  via: 'session' | 'token';
}
