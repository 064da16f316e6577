import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import type { HavenModule, SurfaceAssets } from '../../contracts/module.js';
import type { Role } from '../../platform/auth/roles.js';
import { newToken } from '../../platform/auth/session.js';
import { staffErrorPage } from '../../platform/views/staff-layout.js';
import { registerAccountRoutes } from './account.routes.js';
import { registerEnrolmentRoutes } from './enrolment.routes.js';
import { registerSessionRoutes } from './session.routes.js';
import { createSignInGuard, type SignInGuard } from './throttle.js';
import { accountsPolicy } from './user.policy.js';
import { registerTeamRoutes } from './team.routes.js';
import { registerUserRoutes } from './user.routes.js';
import { NewUserInput, TokenInput } from './user.schema.js';
import * as service from './user.service.js';

/**
 * The accounts module: staff sign-in, second factor, enrolment, sessions, people and API
 * tokens. This file is its only public surface.
 */

export { can, ACCOUNT_ACTIONS, CASE_HOLDER_ROLES, type AccountAction } from './user.policy.js';
export type { StaffUser } from './user.js';
// For the notifications module: who is there to be told about a case.
export {
  teamMembersCovering,
  activeStaffWithRole,
  activeRecipients,
  type NoticeRecipient,
} from './recipients.repo.js';
// For the shifts module: teams with their zone, regions, languages and active members; names.
export { listTeamRosters, lockTeamForShifts, staffNames, type TeamRoster } from './team-roster.repo.js';

/** Registers the accounts pages on the staff surface (mounted under /staff). */
export async function registerStaff(
  app: FastifyInstance,
  deps: Deps,
  assets: SurfaceAssets,
  opts: { guard?: SignInGuard } = {},
): Promise<void> {
  const errorPage = staffErrorPage(assets.cssUrl);
  // The guard's state is in the database, shared by every process; this holds its settings.
  const guard = opts.guard ?? createSignInGuard();
  const shared = { cssUrl: assets.cssUrl, errorPage, guard };
  registerSessionRoutes(app, deps, shared);
  registerEnrolmentRoutes(app, deps, shared);
  registerAccountRoutes(app, deps, shared);
  registerUserRoutes(app, deps, shared);
  registerTeamRoutes(app, deps, shared);
}

/** Bad input to one of the functions below; `messageKey` is an i18n key, `field` the input it concerns. */
export class AccountInputError extends Error {
  constructor(
    readonly field: string,
    readonly messageKey: string,
  ) {
    super(`${field}: ${messageKey}`);
    this.name = 'AccountInputError';
  }
}

/**
 * Adds a pending staff member and returns their one-time enrolment link (built from
 * config.publicUrl). Throws AccountInputError on an invalid email or role or a taken email.
 */
export async function createUserWithEnrollment(
  deps: Deps,
  input: { email: string; role: string; displayName?: string | undefined },
): Promise<{ userId: string; enrollUrl: string }> {
  const parsed = NewUserInput.safeParse({
    email: input.email,
    role: input.role,
    display_name: input.displayName,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AccountInputError(String(issue.path[0] ?? 'email'), issue.message);
  }
  const res = await service.addUser(
    deps,
    { email: parsed.data.email, role: parsed.data.role as Role, displayName: parsed.data.display_name },
    { kind: 'system', via: 'cli' },
  );
  if (!res.ok) throw new AccountInputError('email', 'accounts.error.email_taken');
  return res.value;
}

/** Creates an API token for an active staff member; throws AccountInputError when there is none. */
export async function createTokenForEmail(
  deps: Deps,
  email: string,
  label = 'cli',
): Promise<string> {
  const parsedLabel = TokenInput.safeParse({ label });
  if (!parsedLabel.success)
    throw new AccountInputError('label', parsedLabel.error.issues[0]!.message);
  const user = await service.findActiveUserByEmail(deps, email);
  if (!user) throw new AccountInputError('email', 'accounts.error.no_active_user');
  return service.createToken(deps, user.id, parsedLabel.data.label, { kind: 'system', via: 'cli' });
}

/**
 * When nobody has an account yet, a one-time link for the first administrator (who also
 * chooses their email on the enrolment page); null once any account exists.
 */
export const firstAdminLink = (deps: Deps): Promise<string | null> => service.firstAdminLink(deps);

/** Active staff who can hold cases, by name. */
export const listAssignableStaff = (
  deps: Deps,
): Promise<{ id: string; displayName: string; role: Role }[]> => service.listAssignableStaff(deps);

/**
 * Creates an active account with a known password and TOTP secret, skipping enrolment. For
 * the demo command and tests only: real accounts enrol through their one-time link.
 */
export const createActiveUser = (
  deps: Deps,
  input: { email: string; role: Role; displayName: string; password: string; totpSecret?: string },
): Promise<{ userId: string; totpSecret: string }> => service.createActiveUser(deps, input);

export const DEMO_HANDLER_EMAIL = 'demo.handler@example.org';

/**
 * An active handler with fresh, printable credentials for the demo, and its id (the demo's
 * replies and assignments name it). If the demo account already exists it is replaced, so
 * running the demo twice prints working credentials.
 */
export async function createDemoHandler(
  deps: Deps,
): Promise<{ userId: string; email: string; password: string; totpSecret: string }> {
  const password = newToken(12);
  const existing = await service.findUserIdByEmail(deps, DEMO_HANDLER_EMAIL);
  if (existing) {
    const totpSecret = await service.resetCredentials(deps, existing, password);
    return { userId: existing, email: DEMO_HANDLER_EMAIL, password, totpSecret };
  }
  const { userId, totpSecret } = await service.createActiveUser(deps, {
    email: DEMO_HANDLER_EMAIL,
    role: 'handler',
    displayName: 'Demo Handler',
    password,
  });
  return { userId, email: DEMO_HANDLER_EMAIL, password, totpSecret };
}

/** The accounts module as the app sees it. */
export const accountsModule: HavenModule = {
  name: 'accounts',
  roles: ['admin'],
  policy: accountsPolicy,
  nav: [
    { href: '/staff/users', labelKey: 'accounts.users.title', action: 'user.list', order: 60 },
    { href: '/staff/teams', labelKey: 'accounts.teams.title', action: 'team.list', order: 61 },
    { href: '/staff/account/tokens', labelKey: 'common.nav_tokens', action: 'token.manage_own', order: 95 },
  ],
  registerStaff: (app, { deps, assets }) => registerStaff(app, deps, assets),
};
