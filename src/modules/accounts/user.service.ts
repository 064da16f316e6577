import type { Deps } from '../../contracts/deps.js';
import type { Principal, Role } from '../../contracts/roles.js';
import { createApiToken } from '../../platform/auth/api-token.js';
import { burnPasswordTime, hashPassword, verifyPassword } from '../../platform/auth/password.js';
import { destroyAllSessions, newToken } from '../../platform/auth/session.js';
import { newTotpSecret, totpUri, verifyTotp } from '../../platform/auth/totp.js';
import { fail, ok, type Result } from '../../platform/errors.js';
import { isUniqueViolation } from '../../platform/storage/db.js';
import * as repo from './user.repo.js';
import type { SignInGuard } from './throttle.js';
import { CASE_HOLDER_ROLES } from './user.policy.js';
import { BOOTSTRAP_EMAIL, ENROL_TTL_MS, enrolUrl, normaliseEmail, type StaffUser } from './user.js';

// Use cases of the accounts module. Routes and the CLI call these; only user.repo.ts has SQL.

const totpContext = (userId: string) => `totp:${userId}`;
const enrolHash = (deps: Deps, token: string) => deps.vault.keyedHash('enrolment', token);

// ---------------------------------------------------------------------------------------
// Sign-in

export type PasswordStep =
  | { ok: true; userId: string; next: 'second_factor' | 'enrol' }
  | { ok: false; reason: 'credentials' | 'locked' };

/**
 * The first sign-in step. An unknown, disabled or not yet enrolled address costs the same
 * time and gets the same answer as a wrong password, and locks the same way.
 */
export async function checkPassword(
  deps: Deps,
  guard: SignInGuard,
  email: string,
  password: string,
): Promise<PasswordStep> {
  await guard.global.wait();
  const now = deps.now();
  const address = normaliseEmail(email);
  const user = await repo.findUserByEmail(deps.db, address);
  if (!user || user.status === 'disabled' || !user.password_hash) {
    const key = deps.vault.keyedHash('sign-in-unknown', address);
    await burnPasswordTime(password);
    if (guard.unknown.isLocked(key, now)) return { ok: false, reason: 'locked' };
    guard.unknown.recordFailure(key, now);
    guard.global.recordFailure();
    return { ok: false, reason: 'credentials' };
  }
  if (user.locked_until !== null && user.locked_until > now) {
    // A locked account does not even check the password, so guessing during a lock is useless.
    await burnPasswordTime(password);
    return { ok: false, reason: 'locked' };
  }
  if (!(await verifyPassword(user.password_hash, password))) {
    await repo.recordLoginFailure(deps.db, user.id, now);
    guard.global.recordFailure();
    return { ok: false, reason: 'credentials' };
  }
  // The failure counter is reset only after the second factor: knowing the password must
  // not buy more guesses at the code.
  return { ok: true, userId: user.id, next: user.status === 'active' ? 'second_factor' : 'enrol' };
}

export type CodeStep = { ok: true } | { ok: false; reason: 'code' | 'replay' | 'locked' };

/**
 * Checks a TOTP code for `userId`. Failures count towards the same lock as passwords; a code
 * whose time step was already used is refused. With `activate`, a pending account becomes
 * active (the end of enrolment).
 */
export async function confirmSecondFactor(
  deps: Deps,
  guard: SignInGuard,
  userId: string,
  code: string,
  opts: { activate: boolean },
): Promise<CodeStep> {
  await guard.global.wait();
  const now = deps.now();
  const user = await repo.findUserById(deps.db, userId);
  if (!user || !user.totp_secret_enc || user.status === 'disabled')
    return { ok: false, reason: 'code' };
  if (user.locked_until !== null && user.locked_until > now) return { ok: false, reason: 'locked' };
  const secret = deps.vault.openStaff(totpContext(user.id), user.totp_secret_enc);
  const step = verifyTotp(secret, code, now);
  const fresh = step !== null && (await repo.claimTotpStep(deps.db, user.id, step));
  if (!fresh) {
    await repo.recordLoginFailure(deps.db, user.id, now);
    guard.global.recordFailure();
    return { ok: false, reason: step === null ? 'code' : 'replay' };
  }
  await repo.resetLoginFailures(deps.db, user.id);
  if (opts.activate && user.status === 'pending') {
    await repo.updateUser(deps.db, user.id, { status: 'active' }, now);
  }
  return { ok: true };
}

// ---------------------------------------------------------------------------------------
// Enrolment

async function issueEnrollment(deps: Deps, db: Deps['db'], userId: string): Promise<string> {
  const token = newToken();
  const now = deps.now();
  await repo.deleteUnusedEnrollments(db, userId);
  await repo.insertEnrollment(db, {
    tokenHash: enrolHash(deps, token),
    userId,
    expiresAt: now + ENROL_TTL_MS,
    now,
  });
  return enrolUrl(deps.config.publicUrl, token);
}

/** Adds a pending account and returns its one-time enrolment link. */
export async function addUser(
  deps: Deps,
  input: { email: string; role: Role; displayName?: string | undefined },
): Promise<Result<{ userId: string; enrollUrl: string }>> {
  const email = normaliseEmail(input.email);
  const userId = crypto.randomUUID();
  try {
    const enrollUrl = await deps.db.transaction().execute(async (trx) => {
      await repo.insertUser(trx, {
        id: userId,
        email,
        displayName: input.displayName?.trim() || email,
        role: input.role,
        status: 'pending',
        now: deps.now(),
      });
      return issueEnrollment(deps, trx, userId);
    });
    return ok({ userId, enrollUrl });
  } catch (e) {
    if (isUniqueViolation(e)) return fail('CONFLICT', 'email');
    throw e;
  }
}

/**
 * When nobody has an account yet, prepares the first administrator and returns a fresh
 * one-time link for them (earlier unused links stop working); null once anyone exists.
 */
export async function firstAdminLink(deps: Deps): Promise<string | null> {
  return deps.db.transaction().execute(async (trx) => {
    if ((await repo.countRealUsers(trx)) > 0) return null;
    let user = await repo.findUserByEmail(trx, BOOTSTRAP_EMAIL);
    if (!user) {
      await repo.insertUser(trx, {
        id: crypto.randomUUID(),
        email: BOOTSTRAP_EMAIL,
        displayName: 'Administrator',
        role: 'admin',
        status: 'pending',
        now: deps.now(),
      });
      user = (await repo.findUserByEmail(trx, BOOTSTRAP_EMAIL))!;
    }
    return issueEnrollment(deps, trx, user.id);
  });
}

/** The account an enrolment link opens, or null when the link is unknown, used or expired. */
export async function openEnrollment(
  deps: Deps,
  token: string,
): Promise<{ user: StaffUser; askEmail: boolean } | null> {
  if (token.length > 100) return null;
  const row = await repo.findOpenEnrollment(deps.db, enrolHash(deps, token), deps.now());
  if (!row) return null;
  return { user: repo.toStaffUser(row), askEmail: row.email === BOOTSTRAP_EMAIL };
}

/**
 * The first enrolment step: uses up the link, sets name, password (and the first
 * administrator's email) and creates the TOTP secret the person confirms next. The account
 * keeps the staff language the person enrolled in (changeable on their account page).
 */
export async function startEnrollment(
  deps: Deps,
  token: string,
  input: { email?: string | undefined; displayName: string; password: string; locale?: string },
): Promise<Result<{ userId: string }>> {
  const opened = await openEnrollment(deps, token);
  if (!opened) return fail('NOT_FOUND');
  const userId = opened.user.id;
  const passwordHash = await hashPassword(input.password);
  const secret = newTotpSecret();
  const now = deps.now();
  try {
    return await deps.db.transaction().execute(async (trx) => {
      if (!(await repo.consumeEnrollment(trx, enrolHash(deps, token), now)))
        return fail<{ userId: string }>('NOT_FOUND');
      await repo.updateUser(
        trx,
        userId,
        {
          ...(opened.askEmail && input.email ? { email: normaliseEmail(input.email) } : {}),
          display_name: input.displayName,
          ...(input.locale ? { locale: input.locale } : {}),
          password_hash: passwordHash,
          totp_secret_enc: deps.vault.sealStaff(totpContext(userId), secret),
          totp_last_step: null,
        },
        now,
      );
      return ok({ userId });
    });
  } catch (e) {
    if (isUniqueViolation(e)) return fail('CONFLICT', 'email');
    throw e;
  }
}

/** The secret a pending account is asked to add to an authenticator app, and its otpauth URI. */
export async function enrolmentSecret(
  deps: Deps,
  userId: string,
): Promise<{ secret: string; uri: string } | null> {
  const user = await repo.findUserById(deps.db, userId);
  if (!user || user.status !== 'pending' || !user.totp_secret_enc) return null;
  const secret = deps.vault.openStaff(totpContext(user.id), user.totp_secret_enc);
  return { secret, uri: totpUri(secret, user.email) };
}

// ---------------------------------------------------------------------------------------
// People and accounts

/** Creates an active account with a known password and TOTP secret (demo and tests). */
export async function createActiveUser(
  deps: Deps,
  input: { email: string; role: Role; displayName: string; password: string; totpSecret?: string },
): Promise<{ userId: string; totpSecret: string }> {
  const userId = crypto.randomUUID();
  const totpSecret = input.totpSecret ?? newTotpSecret();
  await repo.insertUser(deps.db, {
    id: userId,
    email: normaliseEmail(input.email),
    displayName: input.displayName,
    role: input.role,
    status: 'active',
    passwordHash: await hashPassword(input.password),
    totpSecretEnc: deps.vault.sealStaff(totpContext(userId), totpSecret),
    now: deps.now(),
  });
  return { userId, totpSecret };
}

/** Disables an account: its sessions end and its API tokens are revoked. */
export async function disableUser(
  deps: Deps,
  actor: Principal,
  targetId: string,
): Promise<Result<StaffUser>> {
  if (actor.userId === targetId) return fail('FORBIDDEN');
  const user = await repo.findUserById(deps.db, targetId);
  if (!user) return fail('NOT_FOUND');
  const now = deps.now();
  await deps.db.transaction().execute(async (trx) => {
    await repo.updateUser(trx, targetId, { status: 'disabled' }, now);
    await repo.deleteUnusedEnrollments(trx, targetId);
    await repo.revokeAllTokens(trx, targetId, now);
    await destroyAllSessions({ db: trx, vault: deps.vault, now: deps.now }, targetId);
  });
  return ok(repo.toStaffUser({ ...user, status: 'disabled' }));
}

export function listUsers(deps: Deps): Promise<StaffUser[]> {
  return repo.listUsers(deps.db);
}

export async function setLocale(deps: Deps, userId: string, locale: string): Promise<void> {
  await repo.updateUser(deps.db, userId, { locale }, deps.now());
}

export function countSessions(deps: Deps, userId: string): Promise<number> {
  return repo.countLiveSessions(deps.db, userId, deps.now());
}

export async function listAssignableStaff(
  deps: Deps,
): Promise<{ id: string; displayName: string; role: Role }[]> {
  const users = await repo.listActiveUsersInRoles(deps.db, CASE_HOLDER_ROLES);
  return users.map((u) => ({ id: u.id, displayName: u.displayName, role: u.role }));
}

// ---------------------------------------------------------------------------------------
// API tokens

export function listTokens(deps: Deps, userId: string): Promise<repo.TokenSummary[]> {
  return repo.listActiveTokens(deps.db, userId);
}

export async function createToken(deps: Deps, userId: string, label: string): Promise<string> {
  const { token } = await createApiToken(deps, userId, label);
  return token;
}

export function revokeToken(deps: Deps, userId: string, tokenId: string): Promise<boolean> {
  return repo.revokeToken(deps.db, userId, tokenId, deps.now());
}

/** Finds an active account by email (for the CLI). */
export async function findActiveUserByEmail(deps: Deps, email: string): Promise<StaffUser | null> {
  const row = await repo.findUserByEmail(deps.db, normaliseEmail(email));
  return row && row.status === 'active' ? repo.toStaffUser(row) : null;
}

export async function findUserIdByEmail(deps: Deps, email: string): Promise<string | null> {
  const row = await repo.findUserByEmail(deps.db, normaliseEmail(email));
  return row?.id ?? null;
}

/** Gives an account a new password and TOTP secret, activates it and ends its sessions (demo). */
export async function resetCredentials(
  deps: Deps,
  userId: string,
  password: string,
): Promise<string> {
  const secret = newTotpSecret();
  const passwordHash = await hashPassword(password);
  await deps.db.transaction().execute(async (trx) => {
    await repo.updateUser(
      trx,
      userId,
      {
        status: 'active',
        password_hash: passwordHash,
        totp_secret_enc: deps.vault.sealStaff(totpContext(userId), secret),
        totp_last_step: null,
      },
      deps.now(),
    );
    await repo.resetLoginFailures(trx, userId);
    await destroyAllSessions({ db: trx, vault: deps.vault, now: deps.now }, userId);
  });
  return secret;
}

/** A fresh enrolment link for an account still waiting for set-up; earlier links stop working. */
export async function reissueEnrollment(
  deps: Deps,
  userId: string,
): Promise<Result<{ email: string; enrollUrl: string }>> {
  const user = await repo.findUserById(deps.db, userId);
  if (!user) return fail('NOT_FOUND');
  if (user.status !== 'pending') return fail('CONFLICT');
  const enrollUrl = await deps.db
    .transaction()
    .execute((trx) => issueEnrollment(deps, trx, userId));
  return ok({ email: user.email, enrollUrl });
}
