import type { Deps } from '../../deps.js';
import { ASSIGNABLE_ROLES, ROLES, rolesOf, type Principal, type Role } from '../../platform/auth/roles.js';
import { createApiToken } from '../../platform/auth/api-token.js';
import { burnPasswordTime, hashPassword, verifyPassword } from '../../platform/auth/password.js';
import { destroyAllSessions, destroySession, newToken } from '../../platform/auth/session.js';
import { newTotpSecret, totpUri, verifyTotp } from '../../platform/auth/totp.js';
import { fail, ok, type Result } from '../../platform/errors.js';
import { isUniqueViolation } from '../../platform/storage/db.js';
import * as repo from './user.repo.js';
import { countFailedStep, SIGN_IN_POLICY, signInKey, waitForTurn, type SignInGuard } from './throttle.js';
import { attemptSucceeded, reserveAttempt, resetAttempts } from '../../platform/throttle/attempts.js';
import { recordAudit } from '../../platform/audit/audit.js';
import { CASE_HOLDER_ROLES } from './user.policy.js';
import { countOpenCases, reassignOpenCases, releaseHiddenCases } from '../cases/index.js';
import { findTerm } from '../taxonomies/index.js';
import { BOOTSTRAP_EMAIL, ENROL_TTL_MS, enrolUrl, normaliseEmail, type StaffUser } from './user.js';

// Use cases of the accounts module. Routes and the CLI call these; only user.repo.ts has SQL.

const totpContext = (userId: string) => `totp:${userId}`;
const enrolHash = (deps: Deps, token: string) => deps.vault.keyedHash('enrolment', token);

/**
 * Who changes an account: a signed-in staff member, or Haven itself (the `haven` command,
 * the first start, the demo). Every change to an account or token is audited with it.
 */
export type AccountActor = { kind: 'staff'; id: string } | { kind: 'system'; via: 'cli' | 'start' | 'demo' };

/** The person acting on their own account. */
const self = (userId: string): AccountActor => ({ kind: 'staff', id: userId });

/**
 * Records a change to, or a sign-in event of, the account `userId`: `detail` names what
 * changed (codes, counts, ids), never a password, code, token or address.
 */
async function auditAccount(
  deps: Deps,
  db: Deps['db'],
  action: string,
  userId: string,
  detail: Record<string, string | number | boolean | null> = {},
  actor: AccountActor = self(userId),
): Promise<void> {
  await recordAudit(db, deps.now(), {
    actorKind: actor.kind,
    actorId: actor.kind === 'staff' ? actor.id : null,
    action,
    caseId: null,
    detail: { user: userId, ...(actor.kind === 'system' ? { via: actor.via } : {}), ...detail },
  });
}

// ---------------------------------------------------------------------------------------
// Sign-in

export type PasswordStep =
  | { ok: true; userId: string; next: 'second_factor' | 'enrol' }
  | { ok: false; reason: 'credentials' | 'locked' };

/**
 * The first sign-in step. The attempt is counted against the address before the password is
 * checked (reserve, then settle), in the database, so parallel guesses lock the address just
 * as sequential ones do. An unknown, disabled or not yet enrolled address is counted by the
 * same rows, costs the same time and gets the same answers as a wrong password, and locks
 * the same way. A locked address is answered at once, without checking anything.
 */
export async function checkPassword(
  deps: Deps,
  guard: SignInGuard,
  email: string,
  password: string,
): Promise<PasswordStep> {
  await waitForTurn(deps, guard);
  const address = normaliseEmail(email);
  const key = signInKey(deps, address);
  const reserved = await reserveAttempt(deps.db, key, deps.now(), SIGN_IN_POLICY);
  const user = await repo.findUserByEmail(deps.db, address);
  const account = user && user.status !== 'disabled' && user.password_hash ? user : null;
  // Refused while locked: answered at once and not audited, so a flood cannot fill the log;
  // the failure that caused the lock was audited.
  if (!reserved.ok) return { ok: false, reason: 'locked' };
  let good = false;
  if (account) good = await verifyPassword(account.password_hash!, password);
  else await burnPasswordTime(password);
  if (!good) {
    await countFailedStep(deps, guard);
    if (user) await auditFailure(deps, user.id, 'password', 'credentials', reserved.failures);
    return { ok: false, reason: 'credentials' };
  }
  // The count is reset only after the second factor: knowing the password must not buy more
  // guesses at the code. The failure reserved for this attempt is given back.
  await attemptSucceeded(deps.db, key, deps.now(), SIGN_IN_POLICY);
  return { ok: true, userId: account!.id, next: account!.status === 'active' ? 'second_factor' : 'enrol' };
}

/** A failed sign-in step of an account, and the lock it earned, if any, in its audit trail. */
async function auditFailure(deps: Deps, userId: string, step: string, reason: string, failures: number): Promise<void> {
  await auditAccount(deps, deps.db, 'account.sign_in_failed', userId, { step, reason, failures });
  const lockMs = SIGN_IN_POLICY.lockMs(failures);
  if (lockMs !== null) await auditAccount(deps, deps.db, 'account.locked', userId, { failures, minutes: lockMs / 60_000 });
}

export type CodeStep = { ok: true } | { ok: false; reason: 'code' | 'replay' | 'locked' };

/**
 * Checks a TOTP code for `userId`. Attempts count towards the same lock as passwords (the
 * account's address), reserved before the check; a code whose time step was already used is
 * refused. On success, in one transaction: the step is spent, the count cleared, and with
 * `activate` a pending account becomes active (the end of enrolment).
 */
export async function confirmSecondFactor(
  deps: Deps,
  guard: SignInGuard,
  userId: string,
  code: string,
  opts: { activate: boolean },
): Promise<CodeStep> {
  await waitForTurn(deps, guard);
  const user = await repo.findUserById(deps.db, userId);
  if (!user || !user.totp_secret_enc || user.status === 'disabled')
    return { ok: false, reason: 'code' };
  const key = signInKey(deps, user.email);
  const reserved = await reserveAttempt(deps.db, key, deps.now(), SIGN_IN_POLICY);
  if (!reserved.ok) return { ok: false, reason: 'locked' };
  const now = deps.now();
  const secret = deps.vault.openStaff(totpContext(user.id), user.totp_secret_enc);
  const step = verifyTotp(secret, code, now);
  const fresh =
    step !== null &&
    (await deps.db.transaction().execute(async (trx) => {
      if (!(await repo.claimTotpStep(trx, user.id, step))) return false;
      await resetAttempts(trx, key);
      if (opts.activate && user.status === 'pending') {
        await repo.updateUser(trx, user.id, { status: 'active' }, now);
        await auditAccount(deps, trx, 'account.enrolled', user.id);
      }
      await auditAccount(deps, trx, 'account.signed_in', user.id);
      return true;
    }));
  if (!fresh) {
    await countFailedStep(deps, guard);
    await auditFailure(deps, user.id, 'second_factor', step === null ? 'code' : 'replay', reserved.failures);
    return { ok: false, reason: step === null ? 'code' : 'replay' };
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

/** Adds a pending account and returns its one-time enrolment link (audited). */
export async function addUser(
  deps: Deps,
  input: { email: string; role: Role; displayName?: string | undefined },
  actor: AccountActor,
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
      await auditAccount(deps, trx, 'account.created', userId, { role: input.role }, actor);
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
      await auditAccount(deps, trx, 'account.created', user.id, { role: 'admin' }, { kind: 'system', via: 'start' });
    }
    await auditAccount(deps, trx, 'account.enrolment_link_issued', user.id, {}, { kind: 'system', via: 'start' });
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
      // Sealed under the key the database says is active (another process may have rotated it).
      await deps.vault.refresh(trx);
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
      await auditAccount(deps, trx, 'account.enrolment_started', userId);
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

/** Creates an active account with a known password and TOTP secret (demo and tests; audited). */
export async function createActiveUser(
  deps: Deps,
  input: { email: string; role: Role; displayName: string; password: string; totpSecret?: string },
): Promise<{ userId: string; totpSecret: string }> {
  const userId = crypto.randomUUID();
  const totpSecret = input.totpSecret ?? newTotpSecret();
  const passwordHash = await hashPassword(input.password);
  await deps.db.transaction().execute(async (trx) => {
    await deps.vault.refresh(trx);
    await repo.insertUser(trx, {
      id: userId,
      email: normaliseEmail(input.email),
      displayName: input.displayName,
      role: input.role,
      status: 'active',
      passwordHash,
      totpSecretEnc: deps.vault.sealStaff(totpContext(userId), totpSecret),
      now: deps.now(),
    });
    await auditAccount(deps, trx, 'account.created', userId, { role: input.role, active: true }, { kind: 'system', via: 'demo' });
  });
  return { userId, totpSecret };
}

/**
 * Disables an account: its sessions end and its API tokens are revoked (audited), and the open
 * restricted cases it holds that the actor may not know are released, in the same transaction
 * (ADR 32). An account disabled already, or by a second copy of the same request meanwhile, is
 * left as it is and nothing more is audited.
 */
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
    if (user.status === 'disabled') return;
    if (!(await repo.updateUserIfStatus(trx, targetId, user.status, { status: 'disabled' }, now))) return;
    await repo.deleteUnusedEnrollments(trx, targetId);
    const tokens = await repo.revokeAllTokens(trx, targetId, now);
    const sessions = await destroyAllSessions({ db: trx, vault: deps.vault, now: deps.now }, targetId);
    await auditAccount(deps, trx, 'account.disabled', targetId, { from: user.status, sessions, tokens }, self(actor.userId));
    // The restricted cases the actor was not shown (they may not know them) would otherwise stay
    // with an account nobody signs in to: released, their teams' leads find them (ADR 32).
    await releaseHiddenCases(deps, trx, actor, targetId);
  });
  return ok(repo.toStaffUser({ ...user, status: 'disabled' }));
}

/**
 * Everyone with an account, each with every role they hold in ROLES order (none for a person
 * whose primary role Haven does not know, `role` null, as sessions and tokens give them none)
 * and the names of the teams they are in.
 */
export async function listUsers(deps: Deps): Promise<(StaffUser & { roles: Role[]; teams: string[] })[]> {
  const [users, held, teams] = await Promise.all([
    repo.listUsers(deps.db),
    repo.listUserRoles(deps.db),
    repo.listTeamNamesByUser(deps.db),
  ]);
  return users.map((u) => ({
    ...u,
    roles: u.role === null ? [] : rolesOf(u.role, held.get(u.id) ?? []),
    teams: teams.get(u.id) ?? [],
  }));
}

/** Every team, by name, with its members (by name) and its regions. */
export async function listTeams(deps: Deps): Promise<repo.TeamWithMembers[]> {
  const [teams, members, regions] = await Promise.all([repo.listTeams(deps.db), repo.listTeamMembers(deps.db), repo.listTeamRegions(deps.db)]);
  return teams.map((t) => ({ ...t, people: members.get(t.id) ?? [], regions: regions.get(t.id) ?? [] }));
}

/** The active people, by name: those who can be put in a team. */
export async function listActivePeople(deps: Deps): Promise<{ id: string; displayName: string }[]> {
  const users = await repo.listUsers(deps.db);
  return users.filter((u) => u.status === 'active').map((u) => ({ id: u.id, displayName: u.displayName }));
}

/** A change to a team's members, audited as `action` with the team and the person by id. */
async function auditTeamMember(deps: Deps, db: Deps['db'], actor: Principal, action: string, teamId: string, userId: string): Promise<void> {
  await recordAudit(db, deps.now(), {
    actorKind: 'staff',
    actorId: actor.userId,
    action,
    caseId: null,
    detail: { team: teamId, user: userId },
  });
}

/**
 * Puts an active person in a team, audited as `team.member_added` in the same transaction.
 * NOT_FOUND for an unknown team, VALIDATION_FAILED for an unknown person, CONFLICT for one
 * who is not active (disabled, or not set up yet): nothing is written. Someone already in
 * the team is left as they are, and nothing is audited (`added` false).
 */
export async function addTeamMember(
  deps: Deps,
  actor: Principal,
  teamId: string,
  userId: string,
): Promise<Result<{ added: boolean }>> {
  return deps.db.transaction().execute(async (trx) => {
    // Locked as a removal locks it: a team removed at this moment is either gone (404) or
    // waits for this person, and then is not removed.
    if (!(await repo.lockTeam(trx, teamId, deps.dialect === 'postgres'))) return fail<{ added: boolean }>('NOT_FOUND');
    const user = await repo.findUserById(trx, userId);
    if (!user) return fail<{ added: boolean }>('VALIDATION_FAILED', 'user_id');
    if (user.status !== 'active') return fail<{ added: boolean }>('CONFLICT', 'user_id');
    if (!(await repo.insertTeamMember(trx, teamId, userId))) return ok({ added: false });
    await auditTeamMember(deps, trx, actor, 'team.member_added', teamId, userId);
    return ok({ added: true });
  });
}

/**
 * Takes a person out of a team, audited as `team.member_removed` in the same transaction.
 * NOT_FOUND for an unknown team or person (nothing written). Someone not in the team: nothing
 * changes and nothing is audited (`removed` false).
 */
export async function removeTeamMember(
  deps: Deps,
  actor: Principal,
  teamId: string,
  userId: string,
): Promise<Result<{ removed: boolean }>> {
  return deps.db.transaction().execute(async (trx) => {
    if (!(await repo.findTeamById(trx, teamId)) || !(await repo.findUserById(trx, userId)))
      return fail<{ removed: boolean }>('NOT_FOUND');
    if (!(await repo.deleteTeamMember(trx, teamId, userId))) return ok({ removed: false });
    await auditTeamMember(deps, trx, actor, 'team.member_removed', teamId, userId);
    return ok({ removed: true });
  });
}

/** A team as its own page shows it: its members with their roles, its regions and languages. */
export interface TeamDetail extends Omit<repo.TeamSummary, 'members'> {
  people: (repo.TeamMember & { roles: Role[] })[];
  regions: string[];
  languages: string[];
}

/** The team `id` for its page, or undefined. */
export async function viewTeam(deps: Deps, id: string): Promise<TeamDetail | undefined> {
  const team = await repo.findTeam(deps.db, id);
  if (!team) return undefined;
  const [members, held, regions, languages] = await Promise.all([
    repo.listTeamMembers(deps.db),
    repo.listUserRoles(deps.db),
    repo.teamCodes(deps.db, id, 'region'),
    repo.teamCodes(deps.db, id, 'language'),
  ]);
  const users = new Map((await repo.listUsers(deps.db)).map((u) => [u.id, u.role]));
  const people = (members.get(id) ?? []).map((m) => {
    const primary = users.get(m.id) ?? null;
    return { ...m, roles: primary === null ? [] : rolesOf(primary, held.get(m.id) ?? []) };
  });
  return { ...team, people, regions, languages };
}

/** The most regions or languages one team may have: more than any vocabulary a form offers is a forged form. */
export const TEAM_CODES_MAX = 200;

/**
 * Sets the regions or the languages of a team to `codes` (one or more, each a term of the
 * vocabulary), audited as `team.regions_changed` or `team.languages_changed` (from, to) in the
 * same transaction. A retired term is refused unless the team already has it. NOT_FOUND for an
 * unknown team; VALIDATION_FAILED on `regions`/`languages` for none, too many or an unknown
 * code (nothing written). The same set again changes and audits nothing (`changed` false).
 */
export async function setTeamCodes(
  deps: Deps,
  actor: Principal,
  teamId: string,
  kind: 'region' | 'language',
  given: readonly string[],
): Promise<Result<{ changed: boolean }>> {
  const field = kind === 'region' ? 'regions' : 'languages';
  const codes = [...new Set(given)];
  if (codes.length === 0 || codes.length > TEAM_CODES_MAX || codes.some((c) => c.length > 64))
    return fail('VALIDATION_FAILED', field);
  return deps.db.transaction().execute(async (trx) => {
    // Locked first: two choices sent at once are saved one after the other, the second
    // reading what the first wrote, never both replacing the same rows.
    if (!(await repo.lockTeam(trx, teamId, deps.dialect === 'postgres'))) return fail<{ changed: boolean }>('NOT_FOUND');
    const before = await repo.teamCodes(trx, teamId, kind);
    for (const code of codes) {
      // A write checks the table itself; a term retired since the team took it may stay.
      if (!(await findTerm({ db: trx }, kind, code, { includeRetired: before.includes(code) })))
        return fail<{ changed: boolean }>('VALIDATION_FAILED', field);
    }
    if (before.length === codes.length && codes.every((c) => before.includes(c))) return ok({ changed: false });
    await repo.replaceTeamCodes(trx, teamId, kind, codes);
    await recordAudit(trx, deps.now(), {
      actorKind: 'staff',
      actorId: actor.userId,
      action: kind === 'region' ? 'team.regions_changed' : 'team.languages_changed',
      caseId: null,
      detail: { team: teamId, from: [...before].sort().join(','), to: [...codes].sort().join(',') },
    });
    return ok({ changed: true });
  });
}

/**
 * Renames a team and sets its time zone, from its page: a new name audited as `team.renamed`,
 * a new time zone as `team.updated` (from, to), in the same transaction. NOT_FOUND for an
 * unknown team; VALIDATION_FAILED on `name` when another team has the name (the unique
 * index decides between two renames at once). Nothing different: nothing written.
 */
export async function updateTeamSettings(
  deps: Deps,
  actor: Principal,
  teamId: string,
  input: { name: string; timeZone: string },
): Promise<Result<{ changed: boolean }>> {
  try {
    return await deps.db.transaction().execute(async (trx) => {
      // Locked: a team removed at this moment is not renamed after it is gone.
      const locked = await repo.lockTeam(trx, teamId, deps.dialect === 'postgres');
      if (!locked) return fail<{ changed: boolean }>('NOT_FOUND');
      const team = { name: locked.name, timeZone: locked.time_zone };
      if (team.name === input.name && team.timeZone === input.timeZone) return ok({ changed: false });
      await repo.updateTeam(trx, teamId, input);
      const audit = (action: string, from: string, to: string) =>
        recordAudit(trx, deps.now(), { actorKind: 'staff', actorId: actor.userId, action, caseId: null, detail: { team: teamId, from, to } });
      if (team.name !== input.name) await audit('team.renamed', team.name, input.name);
      if (team.timeZone !== input.timeZone) await audit('team.updated', team.timeZone, input.timeZone);
      return ok({ changed: true });
    });
  } catch (e) {
    if (isUniqueViolation(e)) return fail('VALIDATION_FAILED', 'name');
    throw e;
  }
}

/**
 * Removes a team that has no one in it, audited as `team.removed` (with its name) in the same
 * transaction; its regions and languages go with it. NOT_FOUND for an unknown team, CONFLICT
 * while anyone is in it (nothing written). The team's row is locked first, so a person being
 * added at the same moment is either counted or refused.
 */
export async function removeTeam(deps: Deps, actor: Principal, teamId: string): Promise<Result<{ name: string }>> {
  return deps.db.transaction().execute(async (trx) => {
    const team = await repo.lockTeam(trx, teamId, deps.dialect === 'postgres');
    if (!team) return fail<{ name: string }>('NOT_FOUND');
    if ((await repo.countTeamMembers(trx, teamId)) > 0) return fail<{ name: string }>('CONFLICT');
    await repo.deleteTeam(trx, teamId);
    await recordAudit(trx, deps.now(), {
      actorKind: 'staff',
      actorId: actor.userId,
      action: 'team.removed',
      caseId: null,
      detail: { team: teamId, name: team.name },
    });
    return ok({ name: team.name });
  });
}

/** Adds a team (audited as `team.created`); VALIDATION_FAILED on `name` when the name is taken. */
export async function addTeam(
  deps: Deps,
  actor: Principal,
  input: { name: string; timeZone: string; region: string | null },
): Promise<Result<{ id: string }>> {
  const id = crypto.randomUUID();
  try {
    await deps.db.transaction().execute(async (trx) => {
      await repo.insertTeam(trx, { id, ...input, now: deps.now() });
      await recordAudit(trx, deps.now(), {
        actorKind: 'staff',
        actorId: actor.userId,
        action: 'team.created',
        caseId: null,
        detail: { team: id, time_zone: input.timeZone, region: input.region },
      });
    });
  } catch (e) {
    if (isUniqueViolation(e)) return fail('VALIDATION_FAILED', 'name');
    throw e;
  }
  return ok({ id });
}

/**
 * Gives a person the roles `given` (a non-empty choice among ASSIGNABLE_ROLES); roles they
 * hold outside that list (given before their module's role could be chosen here) are kept.
 * Their primary role stays when they keep it, else becomes the first of their roles in ROLES
 * order. Audited as `account.roles_changed` in the same transaction. An administrator cannot
 * take the administrator role from themselves (nobody might be left to give it back).
 */
export async function setUserRoles(
  deps: Deps,
  actor: Principal,
  targetId: string,
  given: readonly Role[],
): Promise<Result<{ roles: Role[] }>> {
  const chosen = ASSIGNABLE_ROLES.filter((r) => given.includes(r));
  if (chosen.length === 0) return fail('VALIDATION_FAILED', 'roles');
  if (actor.userId === targetId && !chosen.includes('admin')) return fail('FORBIDDEN');
  return deps.db.transaction().execute(async (trx) => {
    const user = await repo.findUserById(trx, targetId);
    if (!user) return fail('NOT_FOUND');
    const before = rolesOf(user.role, await repo.rolesOfUser(trx, targetId));
    const kept = before.filter((r) => !ASSIGNABLE_ROLES.includes(r));
    const roles = ROLES.filter((r) => chosen.includes(r) || kept.includes(r));
    const primary = roles.find((r) => r === user.role) ?? roles[0]!;
    if (roles.join(',') === before.join(',') && primary === user.role) return ok({ roles });
    await repo.replaceUserRoles(trx, targetId, roles, primary, deps.now());
    await auditAccount(
      deps,
      trx,
      'account.roles_changed',
      targetId,
      { from: before.join(','), to: roles.join(','), primary },
      self(actor.userId),
    );
    return ok({ roles });
  });
}

/** Changes the person's own workspace language (audited). */
export async function setLocale(deps: Deps, userId: string, locale: string): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    await repo.updateUser(trx, userId, { locale }, deps.now());
    await auditAccount(deps, trx, 'account.locale_changed', userId, { locale });
  });
}

/** Sets the zone the person's staff pages show times in, audited in the same transaction (ADR 28). */
export async function setTimeZone(deps: Deps, userId: string, timeZone: string): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    await repo.updateUser(trx, userId, { time_zone: timeZone }, deps.now());
    await auditAccount(deps, trx, 'account.time_zone_changed', userId, { time_zone: timeZone });
  });
}

export function countSessions(deps: Deps, userId: string): Promise<number> {
  return repo.countLiveSessions(deps.db, userId, deps.now());
}

/** Ends one session of the person's (sign out), audited when the session was theirs. */
export async function signOut(deps: Deps, userId: string | null, sessionIdHash: string): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    await destroySession({ db: trx, vault: deps.vault, now: deps.now }, sessionIdHash);
    if (userId) await auditAccount(deps, trx, 'account.signed_out', userId);
  });
}

/**
 * Signs the person out everywhere: every session ends and, when asked, every API token of
 * theirs is revoked too, in one transaction (audited with the counts).
 */
export async function signOutEverywhere(
  deps: Deps,
  userId: string,
  opts: { revokeTokens: boolean },
): Promise<{ sessions: number; tokens: number }> {
  return deps.db.transaction().execute(async (trx) => {
    const sessions = await destroyAllSessions({ db: trx, vault: deps.vault, now: deps.now }, userId);
    const tokens = opts.revokeTokens ? await repo.revokeAllTokens(trx, userId, deps.now()) : 0;
    await auditAccount(deps, trx, 'account.signed_out_everywhere', userId, { sessions, tokens });
    return { sessions, tokens };
  });
}

export async function listAssignableStaff(
  deps: Deps,
): Promise<{ id: string; displayName: string; role: Role }[]> {
  const users = await repo.listActiveUsersInRoles(deps.db, CASE_HOLDER_ROLES);
  // Only people whose primary role Haven knows: anyone else cannot sign in to work a case.
  return users.flatMap((u) => (u.role === null ? [] : [{ id: u.id, displayName: u.displayName, role: u.role }]));
}

// ---------------------------------------------------------------------------------------
// API tokens

export function listTokens(deps: Deps, userId: string): Promise<repo.TokenSummary[]> {
  return repo.listActiveTokens(deps.db, userId);
}

/** Creates an API token for `userId` and returns it (shown once; audited, never the token). */
export async function createToken(
  deps: Deps,
  userId: string,
  label: string,
  actor: AccountActor = self(userId),
): Promise<string> {
  return deps.db.transaction().execute(async (trx) => {
    const { id, token } = await createApiToken({ ...deps, db: trx }, userId, label);
    await auditAccount(deps, trx, 'token.created', userId, { token: id }, actor);
    return token;
  });
}

/** Revokes one of the person's own API tokens (audited); false when there is no such live token. */
export async function revokeToken(deps: Deps, userId: string, tokenId: string): Promise<boolean> {
  return deps.db.transaction().execute(async (trx) => {
    if (!(await repo.revokeToken(trx, userId, tokenId, deps.now()))) return false;
    await auditAccount(deps, trx, 'token.revoked', userId, { token: tokenId });
    return true;
  });
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

/**
 * Gives an account a new password and TOTP secret, activates it, clears its failed attempts
 * and ends its sessions (demo; audited).
 */
export async function resetCredentials(
  deps: Deps,
  userId: string,
  password: string,
): Promise<string> {
  const secret = newTotpSecret();
  const passwordHash = await hashPassword(password);
  await deps.db.transaction().execute(async (trx) => {
    await deps.vault.refresh(trx);
    const user = await repo.findUserById(trx, userId);
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
    if (user) await resetAttempts(trx, signInKey(deps, user.email));
    const sessions = await destroyAllSessions({ db: trx, vault: deps.vault, now: deps.now }, userId);
    await auditAccount(deps, trx, 'account.credentials_reset', userId, { sessions }, { kind: 'system', via: 'demo' });
  });
  return secret;
}

/**
 * A fresh enrolment link for an account still waiting for set-up; earlier links stop working
 * (audited).
 */
export async function reissueEnrollment(
  deps: Deps,
  actor: Principal,
  userId: string,
): Promise<Result<{ email: string; enrollUrl: string }>> {
  const user = await repo.findUserById(deps.db, userId);
  if (!user) return fail('NOT_FOUND');
  if (user.status !== 'pending') return fail('CONFLICT');
  const enrollUrl = await deps.db.transaction().execute(async (trx) => {
    await auditAccount(deps, trx, 'account.enrolment_link_issued', userId, {}, self(actor.userId));
    return issueEnrollment(deps, trx, userId);
  });
  return ok({ email: user.email, enrollUrl });
}

/**
 * Brings a disabled account back, audited as `account.enabled` in the same transaction. A
 * person who had finished enrolment is active again (with new sign-ins only: their sessions
 * and tokens ended when they were disabled); one who had not is waiting for set-up and needs
 * a new link. NOT_FOUND for an unknown person, CONFLICT when the account is not disabled
 * (a second copy of the same request finds it enabled already).
 */
export async function enableUser(
  deps: Deps,
  actor: Principal,
  targetId: string,
): Promise<Result<{ status: 'active' | 'pending' }>> {
  return deps.db.transaction().execute(async (trx) => {
    const user = await repo.findUserById(trx, targetId);
    if (!user) return fail<{ status: 'active' | 'pending' }>('NOT_FOUND');
    const status = user.password_hash && user.totp_secret_enc ? 'active' : 'pending';
    if (!(await repo.updateUserIfStatus(trx, targetId, 'disabled', { status }, deps.now())))
      return fail<{ status: 'active' | 'pending' }>('CONFLICT');
    await auditAccount(deps, trx, 'account.enabled', targetId, { to: status }, self(actor.userId));
    return ok({ status });
  });
}

/**
 * A new start for an active person who lost their password or second factor: both are
 * cleared, their sessions end and their API tokens are revoked, the account waits for
 * set-up again and a one-time enrolment link is returned (shown once). All in one
 * transaction, audited as `account.credentials_reset` (with the counts) and
 * `account.enrolment_link_issued`. FORBIDDEN for one's own account, NOT_FOUND for an unknown
 * person, CONFLICT when the account is not active (a second copy of the same request finds
 * it reset already, so only one link is ever issued).
 */
export async function resetEnrollment(
  deps: Deps,
  actor: Principal,
  targetId: string,
): Promise<Result<{ email: string; enrollUrl: string }>> {
  if (actor.userId === targetId) return fail('FORBIDDEN');
  const now = deps.now();
  return deps.db.transaction().execute(async (trx) => {
    const user = await repo.findUserById(trx, targetId);
    if (!user) return fail<{ email: string; enrollUrl: string }>('NOT_FOUND');
    const reset = await repo.updateUserIfStatus(
      trx,
      targetId,
      'active',
      { status: 'pending', password_hash: null, totp_secret_enc: null, totp_last_step: null },
      now,
    );
    if (!reset) return fail<{ email: string; enrollUrl: string }>('CONFLICT');
    const tokens = await repo.revokeAllTokens(trx, targetId, now);
    const sessions = await destroyAllSessions({ db: trx, vault: deps.vault, now: deps.now }, targetId);
    await resetAttempts(trx, signInKey(deps, user.email));
    await auditAccount(deps, trx, 'account.credentials_reset', targetId, { sessions, tokens }, self(actor.userId));
    await auditAccount(deps, trx, 'account.enrolment_link_issued', targetId, {}, self(actor.userId));
    return ok({ email: user.email, enrollUrl: await issueEnrollment(deps, trx, targetId) });
  });
}

/**
 * A person as the disable confirmation shows them to `actor`: the account and how many open
 * cases they hold that the actor may know (a restricted case the actor may not know is not
 * counted; disabling releases it, see `disableUser`; ADR 32).
 */
export async function userWithOpenCases(
  deps: Deps,
  actor: Principal,
  targetId: string,
): Promise<Result<{ user: StaffUser; openCases: number }>> {
  const user = await repo.findUserById(deps.db, targetId);
  if (!user) return fail('NOT_FOUND');
  return ok({ user: repo.toStaffUser(user), openCases: await countOpenCases(deps, actor, targetId) });
}

/**
 * Gives all of a person's open cases to another active person who may hold cases, in one
 * transaction, each case audited as a reassignment (the cases module's `reassignOpenCases`).
 * NOT_FOUND for an unknown person; VALIDATION_FAILED (`to`) for the same person;
 * CASE_ASSIGNEE_INVALID (`to`) for someone who cannot hold cases; CONFLICT when a case
 * changed meanwhile (nothing moved).
 */
export async function reassignCases(
  deps: Deps,
  actor: Principal,
  fromId: string,
  toId: string,
): Promise<Result<{ count: number }>> {
  if (!(await repo.findUserById(deps.db, fromId))) return fail('NOT_FOUND');
  const res = await reassignOpenCases(deps, actor, fromId, toId);
  return res.ok ? res : fail(res.code, res.field === undefined ? undefined : 'to');
}
