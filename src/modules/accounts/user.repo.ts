import type { Kysely, Selectable } from 'kysely';
import { isRole, type Role } from '../../platform/auth/roles.js';
import type { Database, UsersTable } from '../../platform/storage/schema.js';
import { BOOTSTRAP_EMAIL, type StaffUser, type UserStatus } from './user.js';

// The only file with SQL for the accounts tables: users, enrollments, and the account-facing
// reads of staff_sessions and api_tokens.

type Db = Kysely<Database>;
export type UserRow = Selectable<UsersTable>;

export function toStaffUser(row: UserRow): StaffUser {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    role: isRole(row.role) ? row.role : null,
    status: row.status as UserStatus,
    locale: row.locale,
    createdAt: row.created_at,
  };
}

export function findUserByEmail(db: Db, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
}

export function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertUser(
  db: Db,
  u: {
    id: string;
    email: string;
    displayName: string;
    role: Role;
    status: UserStatus;
    passwordHash?: string | null;
    totpSecretEnc?: Buffer | null;
    now: number;
  },
): Promise<void> {
  await db
    .insertInto('users')
    .values({
      id: u.id,
      email: u.email,
      display_name: u.displayName,
      role: u.role,
      status: u.status,
      password_hash: u.passwordHash ?? null,
      totp_secret_enc: u.totpSecretEnc ?? null,
      totp_last_step: null,
      locale: 'en',
      created_at: u.now,
      updated_at: u.now,
    })
    .execute();
  // The primary role is always one of the person's roles (ADR 20).
  await db.insertInto('user_roles').values({ user_id: u.id, role: u.role }).execute();
}

export async function updateUser(
  db: Db,
  id: string,
  patch: Partial<
    Pick<
      UsersTable,
      | 'email'
      | 'display_name'
      | 'status'
      | 'password_hash'
      | 'totp_secret_enc'
      | 'totp_last_step'
      | 'locale'
    >
  > & { time_zone?: string },
  now: number,
): Promise<void> {
  await db
    .updateTable('users')
    .set({ ...patch, updated_at: now })
    .where('id', '=', id)
    .execute();
}

/** Changes an account only while its status is `status`; false when it was not (someone else changed it first). */
export async function updateUserIfStatus(
  db: Db,
  id: string,
  status: string,
  patch: Parameters<typeof updateUser>[2],
  now: number,
): Promise<boolean> {
  const res = await db
    .updateTable('users')
    .set({ ...patch, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', status)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function listUsers(db: Db): Promise<StaffUser[]> {
  const rows = await db
    .selectFrom('users')
    .selectAll()
    .orderBy('display_name')
    .orderBy('email')
    .execute();
  return rows.map(toStaffUser);
}

/** Every person's roles (`user_roles`), by user id. */
export async function listUserRoles(db: Db): Promise<Map<string, string[]>> {
  const rows = await db.selectFrom('user_roles').select(['user_id', 'role']).execute();
  const out = new Map<string, string[]>();
  for (const r of rows) out.set(r.user_id, [...(out.get(r.user_id) ?? []), r.role]);
  return out;
}

/** One person's roles (`user_roles`). */
export async function rolesOfUser(db: Db, userId: string): Promise<string[]> {
  const rows = await db.selectFrom('user_roles').select('role').where('user_id', '=', userId).execute();
  return rows.map((r) => r.role);
}

/** Replaces a person's roles with `roles`, and their primary role with `primary` (one of them). */
export async function replaceUserRoles(db: Db, userId: string, roles: readonly Role[], primary: Role, now: number): Promise<void> {
  await db.deleteFrom('user_roles').where('user_id', '=', userId).execute();
  await db.insertInto('user_roles').values(roles.map((role) => ({ user_id: userId, role }))).execute();
  await db.updateTable('users').set({ role: primary, updated_at: now }).where('id', '=', userId).execute();
}

/** A team and how many people are in it. */
export interface TeamSummary {
  id: string;
  name: string;
  timeZone: string;
  region: string | null;
  members: number;
}

/** Every team, by name, with its number of members. */
export async function listTeams(db: Db): Promise<TeamSummary[]> {
  const rows = await db
    .selectFrom('teams')
    .leftJoin('team_members', 'team_members.team_id', 'teams.id')
    .select((eb) => ['teams.id', 'teams.name', 'teams.time_zone', 'teams.region', eb.fn.count<number>('team_members.user_id').as('members')])
    .groupBy(['teams.id', 'teams.name', 'teams.time_zone', 'teams.region'])
    .orderBy('teams.name')
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.name, timeZone: r.time_zone, region: r.region, members: Number(r.members) }));
}

/** Adds a team; its region, if one, is its first row in team_regions too. */
export async function insertTeam(db: Db, t: { id: string; name: string; timeZone: string; region: string | null; now: number }): Promise<void> {
  await db.insertInto('teams').values({ id: t.id, name: t.name, time_zone: t.timeZone, region: t.region, created_at: t.now }).execute();
  if (t.region !== null) await db.insertInto('team_regions').values({ team_id: t.id, region: t.region }).execute();
}

/** The team `id` with its time zone and first region, or undefined. */
export async function findTeam(db: Db, id: string): Promise<Omit<TeamSummary, 'members'> | undefined> {
  const r = await db.selectFrom('teams').select(['id', 'name', 'time_zone', 'region']).where('id', '=', id).executeTakeFirst();
  return r && { id: r.id, name: r.name, timeZone: r.time_zone, region: r.region };
}

/** The team `id`, locked on PostgreSQL until the transaction ends (SQLite writes one at a time). */
export async function lockTeam(db: Db, id: string, postgres: boolean): Promise<{ id: string; name: string; time_zone: string } | undefined> {
  let q = db.selectFrom('teams').select(['id', 'name', 'time_zone']).where('id', '=', id);
  if (postgres) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** How many people are in the team. */
export async function countTeamMembers(db: Db, teamId: string): Promise<number> {
  const r = await db.selectFrom('team_members').select((eb) => eb.fn.countAll<number>().as('n')).where('team_id', '=', teamId).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Renames a team and sets its time zone. */
export async function updateTeam(db: Db, id: string, t: { name: string; timeZone: string }): Promise<void> {
  await db.updateTable('teams').set({ name: t.name, time_zone: t.timeZone }).where('id', '=', id).execute();
}

/** Deletes a team; its regions and languages go with it. */
export async function deleteTeam(db: Db, id: string): Promise<void> {
  await db.deleteFrom('teams').where('id', '=', id).execute();
}

/** Every team's region codes, by team id. */
export async function listTeamRegions(db: Db): Promise<Map<string, string[]>> {
  const rows = await db.selectFrom('team_regions').select(['team_id', 'region']).execute();
  const out = new Map<string, string[]>();
  for (const r of rows) out.set(r.team_id, [...(out.get(r.team_id) ?? []), r.region]);
  return out;
}

/** The codes of a team's regions or languages (unordered: the page shows them in the vocabulary's order). */
export async function teamCodes(db: Db, teamId: string, kind: 'region' | 'language'): Promise<string[]> {
  if (kind === 'region') {
    const rows = await db.selectFrom('team_regions').select('region').where('team_id', '=', teamId).execute();
    return rows.map((r) => r.region);
  }
  const rows = await db.selectFrom('team_languages').select('language').where('team_id', '=', teamId).execute();
  return rows.map((r) => r.language);
}

/**
 * Replaces a team's regions or languages with `codes` (at least one). For regions,
 * teams.region becomes the first, so code that reads the single column stays right.
 */
export async function replaceTeamCodes(db: Db, teamId: string, kind: 'region' | 'language', codes: readonly string[]): Promise<void> {
  if (kind === 'region') {
    await db.deleteFrom('team_regions').where('team_id', '=', teamId).execute();
    await db.insertInto('team_regions').values(codes.map((region) => ({ team_id: teamId, region }))).execute();
    await db.updateTable('teams').set({ region: codes[0] ?? null }).where('id', '=', teamId).execute();
    return;
  }
  await db.deleteFrom('team_languages').where('team_id', '=', teamId).execute();
  await db.insertInto('team_languages').values(codes.map((language) => ({ team_id: teamId, language }))).execute();
}

/** The team `id`, or undefined. */
export function findTeamById(db: Db, id: string): Promise<{ id: string; name: string } | undefined> {
  return db.selectFrom('teams').select(['id', 'name']).where('id', '=', id).executeTakeFirst();
}

/** A person in a team, as the teams page lists them. */
export interface TeamMember {
  id: string;
  displayName: string;
  status: UserStatus;
}

/** A team with the people in it and the codes of every region it covers. */
export type TeamWithMembers = TeamSummary & { people: TeamMember[]; regions: string[] };

/** Every team's members, by team id, each list by name. */
export async function listTeamMembers(db: Db): Promise<Map<string, TeamMember[]>> {
  const rows = await db
    .selectFrom('team_members')
    .innerJoin('users', 'users.id', 'team_members.user_id')
    .select(['team_members.team_id', 'users.id', 'users.display_name', 'users.status'])
    .orderBy('users.display_name')
    .orderBy('users.email')
    .execute();
  const out = new Map<string, TeamMember[]>();
  for (const r of rows)
    out.set(r.team_id, [...(out.get(r.team_id) ?? []), { id: r.id, displayName: r.display_name, status: r.status as UserStatus }]);
  return out;
}

/** The names of the teams each person is in, by user id, each list by name. */
export async function listTeamNamesByUser(db: Db): Promise<Map<string, string[]>> {
  const rows = await db
    .selectFrom('team_members')
    .innerJoin('teams', 'teams.id', 'team_members.team_id')
    .select(['team_members.user_id', 'teams.name'])
    .orderBy('teams.name')
    .execute();
  const out = new Map<string, string[]>();
  for (const r of rows) out.set(r.user_id, [...(out.get(r.user_id) ?? []), r.name]);
  return out;
}

/** Puts a person in a team; false when they were in it already (nothing written). */
export async function insertTeamMember(db: Db, teamId: string, userId: string): Promise<boolean> {
  const res = await db
    .insertInto('team_members')
    .values({ team_id: teamId, user_id: userId })
    .onConflict((oc) => oc.columns(['team_id', 'user_id']).doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Takes a person out of a team; false when they were not in it. */
export async function deleteTeamMember(db: Db, teamId: string, userId: string): Promise<boolean> {
  const res = await db.deleteFrom('team_members').where('team_id', '=', teamId).where('user_id', '=', userId).executeTakeFirst();
  return res.numDeletedRows > 0n;
}

/** Active people in any of `roles`, by name. */
export async function listActiveUsersInRoles(db: Db, roles: readonly Role[]): Promise<StaffUser[]> {
  if (roles.length === 0) return [];
  const rows = await db
    .selectFrom('users')
    .selectAll()
    .where('status', '=', 'active')
    .where('role', 'in', [...roles])
    .orderBy('display_name')
    .execute();
  return rows.map(toStaffUser);
}

/** How many accounts exist besides the pending first administrator. */
export async function countRealUsers(db: Db): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('email', '!=', BOOTSTRAP_EMAIL)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Records `step` as the last TOTP step used, only if it is later than the one before. A
 * single conditional update, so two requests racing with the same code cannot both win.
 */
export async function claimTotpStep(db: Db, id: string, step: number): Promise<boolean> {
  const res = await db
    .updateTable('users')
    .set({ totp_last_step: step })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  return res.numUpdatedRows === 1n;
}

export async function insertEnrollment(
  db: Db,
  e: { tokenHash: string; userId: string; expiresAt: number; now: number },
): Promise<void> {
  await db
    .insertInto('enrollments')
    .values({
      token_hash: e.tokenHash,
      user_id: e.userId,
      expires_at: e.expiresAt,
      used_at: null,
      created_at: e.now,
    })
    .execute();
}

/** The pending account behind an unused, unexpired enrolment link. */
export async function findOpenEnrollment(
  db: Db,
  tokenHash: string,
  now: number,
): Promise<UserRow | undefined> {
  return db
    .selectFrom('enrollments')
    .innerJoin('users', 'users.id', 'enrollments.user_id')
    .selectAll('users')
    .where('enrollments.token_hash', '=', tokenHash)
    .where('enrollments.used_at', 'is', null)
    .where('enrollments.expires_at', '>', now)
    .where('users.status', '=', 'pending')
    .executeTakeFirst();
}

/** Marks a link used; false when someone else used it first or it has expired. */
export async function consumeEnrollment(db: Db, tokenHash: string, now: number): Promise<boolean> {
  const res = await db
    .updateTable('enrollments')
    .set({ used_at: now })
    .where('token_hash', '=', tokenHash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return res.numUpdatedRows === 1n;
}

/** Withdraws a person's unused links, so only the newest one works. */
export async function deleteUnusedEnrollments(db: Db, userId: string): Promise<void> {
  await db
    .deleteFrom('enrollments')
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .execute();
}

export async function countLiveSessions(db: Db, userId: string, now: number): Promise<number> {
  const row = await db
    .selectFrom('staff_sessions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('stage', '=', 'full')
    .where('expires_at', '>', now)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export interface TokenSummary {
  id: string;
  label: string;
  createdAt: number;
  lastUsedAt: number | null;
}

export async function listActiveTokens(db: Db, userId: string): Promise<TokenSummary[]> {
  const rows = await db
    .selectFrom('api_tokens')
    .select(['id', 'label', 'created_at', 'last_used_at'])
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    label: r.label,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
  }));
}

/** Revokes one of `userId`'s own tokens; false when it is not theirs or already revoked. */
export async function revokeToken(
  db: Db,
  userId: string,
  tokenId: string,
  now: number,
): Promise<boolean> {
  const res = await db
    .updateTable('api_tokens')
    .set({ revoked_at: now })
    .where('id', '=', tokenId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return res.numUpdatedRows === 1n;
}

/** Revokes every live token of an account; returns how many were live. */
export async function revokeAllTokens(db: Db, userId: string, now: number): Promise<number> {
  const res = await db
    .updateTable('api_tokens')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}
