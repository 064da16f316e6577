/**
 * Staff roles. Fund officers, researchers and auditors arrive with their modules; they are
 * listed now so every policy decides about them explicitly (and denies by default).
 */
export const ROLES = ['admin', 'coordinator', 'handler', 'fund_officer', 'researcher', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/** Roles that can be given today (the others have no module yet). */
export const ASSIGNABLE_ROLES: readonly Role[] = ['admin', 'coordinator', 'handler'];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Who is acting: a signed-in staff member (web session) or an API token holder. */
export interface Principal {
  userId: string;
  email: string;
  displayName: string;
  role: Role;
  locale: string;
  via: 'session' | 'token';
}
