import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { isRole, rolesOf, type Principal, type Role } from './roles.js';
import { zoneOrDefault } from '../i18n/zones.js';
import type { Database } from '../storage/schema.js';
import { randomBytes, safeEqual, type Vault } from '../crypto/vault.js';

/**
 * Server-side staff sessions. The cookie holds a random 256-bit id; the database holds only
 * its keyed hash, so a copy of the sessions table cannot be replayed. A session is `partial`
 * after the password and `full` after the second factor; only `full` opens the workspace.
 */
export const STAFF_COOKIE = 'haven_staff';
export const SESSION_IDLE_MS = 2 * 60 * 60 * 1000;
export const SESSION_MAX_MS = 12 * 60 * 60 * 1000;
export const PARTIAL_SESSION_MS = 10 * 60 * 1000;

export type SessionStage = 'partial' | 'enrol' | 'full';

export interface StaffSession {
  idHash: string;
  stage: SessionStage;
  csrfToken: string;
  principal: Principal;
}

export interface SessionDeps {
  db: Kysely<Database>;
  vault: Vault;
  now: () => number;
}

export function newToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Starts a session and returns the cookie value. */
export async function createSession(
  deps: SessionDeps,
  userId: string,
  stage: SessionStage,
): Promise<{ cookie: string; csrfToken: string }> {
  const cookie = newToken();
  const csrfToken = newToken();
  const now = deps.now();
  await deps.db
    .insertInto('staff_sessions')
    .values({
      id_hash: deps.vault.keyedHash('staff-session', cookie),
      user_id: userId,
      stage,
      csrf_token: csrfToken,
      created_at: now,
      last_seen_at: now,
      expires_at: now + (stage === 'full' ? SESSION_MAX_MS : PARTIAL_SESSION_MS),
    })
    .execute();
  return { cookie, csrfToken };
}

/** Moves a session forward (partial → full) under a new id, so a fixated id is useless. */
export async function upgradeSession(
  deps: SessionDeps,
  old: StaffSession,
  stage: SessionStage,
): Promise<{ cookie: string; csrfToken: string }> {
  await deps.db.deleteFrom('staff_sessions').where('id_hash', '=', old.idHash).execute();
  return createSession(deps, old.principal.userId, stage);
}

/**
 * Every role a person holds, with `primary` (users.role) among them (ADR 20), read in the same
 * statement as their session or token: one row per further role (`user_roles`, left-joined as
 * `granted`), or a single row with none. Every page asks this first: one round trip, not two.
 */
export function rolesOfRows(primary: string, rows: readonly { granted: string | null }[]): Role[] {
  return rolesOf(primary, rows.flatMap((r) => (r.granted === null ? [] : [r.granted])));
}

/** Reads the session behind a cookie value, or null when absent, expired or idle too long. */
export async function loadSession(deps: SessionDeps, cookie: string | undefined): Promise<StaffSession | null> {
  if (!cookie || cookie.length > 100) return null;
  const idHash = deps.vault.keyedHash('staff-session', cookie);
  const rows = await deps.db
    .selectFrom('staff_sessions')
    .innerJoin('users', 'users.id', 'staff_sessions.user_id')
    .leftJoin('user_roles', 'user_roles.user_id', 'users.id')
    .select([
      'user_roles.role as granted',
      'staff_sessions.stage',
      'staff_sessions.csrf_token',
      'staff_sessions.expires_at',
      'staff_sessions.last_seen_at',
      'users.id',
      'users.email',
      'users.display_name',
      'users.role',
      'users.status',
      'users.locale',
      'users.time_zone',
    ])
    .where('staff_sessions.id_hash', '=', idHash)
    .execute();
  const row = rows[0];
  const now = deps.now();
  if (!row || !isRole(row.role) || row.status === 'disabled') return null;
  if (row.expires_at <= now || (row.stage === 'full' && now - row.last_seen_at > SESSION_IDLE_MS)) {
    await deps.db.deleteFrom('staff_sessions').where('id_hash', '=', idHash).execute();
    return null;
  }
  // Touch at most once a minute: a busy page does not write on every request.
  if (now - row.last_seen_at > 60_000) {
    await deps.db.updateTable('staff_sessions').set({ last_seen_at: now }).where('id_hash', '=', idHash).execute();
  }
  return {
    idHash,
    stage: row.stage as SessionStage,
    csrfToken: row.csrf_token,
    principal: {
      userId: row.id,
      email: row.email,
      displayName: row.display_name,
      role: row.role,
      roles: rolesOfRows(row.role, rows),
      locale: row.locale,
      timeZone: zoneOrDefault(row.time_zone),
      via: 'session',
    },
  };
}

export async function destroySession(deps: SessionDeps, idHash: string): Promise<void> {
  await deps.db.deleteFrom('staff_sessions').where('id_hash', '=', idHash).execute();
}

/** Signs a person out everywhere: every session of theirs ends. */
export async function destroyAllSessions(deps: SessionDeps, userId: string): Promise<number> {
  const res = await deps.db.deleteFrom('staff_sessions').where('user_id', '=', userId).executeTakeFirst();
  return Number(res.numDeletedRows);
}

export function setSessionCookie(reply: FastifyReply, value: string, secure: boolean): void {
  reply.setCookie(STAFF_COOKIE, value, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure,
  });
}

export function clearSessionCookie(reply: FastifyReply, secure: boolean): void {
  reply.clearCookie(STAFF_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict', secure });
}

/** Checks the synchronizer token a form sent (`_csrf`) against the session's. */
export function csrfMatches(req: FastifyRequest, expected: string): boolean {
  const body = req.body as Record<string, unknown> | undefined;
  const sent = typeof body?._csrf === 'string' ? body._csrf : '';
  return sent.length > 0 && safeEqual(sent, expected);
}
