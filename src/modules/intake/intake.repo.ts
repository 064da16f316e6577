import type { Kysely } from 'kysely';
import type { Database } from '../../platform/storage/schema.js';
import { isUniqueViolation } from '../../platform/storage/db.js';

// The only SQL for intake's own tables: follow-up sessions and used request-form tokens.
// Both hold keyed hashes only; the secrets themselves live in the person's browser.

type Db = Kysely<Database>;

export interface RequesterSessionRow {
  id_hash: string;
  case_id: number;
  csrf_token: string;
  created_at: number;
  expires_at: number;
}

/** Stores a new follow-up session. */
export async function insertSession(db: Db, row: RequesterSessionRow): Promise<void> {
  await db.insertInto('requester_sessions').values(row).execute();
}

/** The session behind an id hash, if it has not expired. */
export async function findSession(
  db: Db,
  idHash: string,
  now: number,
): Promise<RequesterSessionRow | undefined> {
  return db
    .selectFrom('requester_sessions')
    .selectAll()
    .where('id_hash', '=', idHash)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

/** Moves a session's end (sliding idle timeout). */
export async function extendSession(db: Db, idHash: string, expiresAt: number): Promise<void> {
  await db
    .updateTable('requester_sessions')
    .set({ expires_at: expiresAt })
    .where('id_hash', '=', idHash)
    .execute();
}

/** Ends one session. */
export async function deleteSession(db: Db, idHash: string): Promise<void> {
  await db.deleteFrom('requester_sessions').where('id_hash', '=', idHash).execute();
}

/** Forgets sessions that have ended, so the table keeps nothing it no longer needs. */
export async function purgeExpiredSessions(db: Db, now: number): Promise<void> {
  await db.deleteFrom('requester_sessions').where('expires_at', '<=', now).execute();
}

/**
 * Marks a form token as used. Returns false when it was already used: the primary key makes
 * this atomic, so two copies of one form sent at the same moment cannot both pass.
 */
export async function claimFormToken(
  db: Db,
  tokenHash: string,
  expiresAt: number,
): Promise<boolean> {
  try {
    await db
      .insertInto('intake_form_tokens')
      .values({ token_hash: tokenHash, expires_at: expiresAt })
      .execute();
    return true;
  } catch (e) {
    if (isUniqueViolation(e)) return false;
    throw e;
  }
}

/** Gives a token back after a failed save, so the person can send the same form again. */
export async function releaseFormToken(db: Db, tokenHash: string): Promise<void> {
  await db.deleteFrom('intake_form_tokens').where('token_hash', '=', tokenHash).execute();
}

/** Forgets used tokens that could no longer pass the form-token check anyway. */
export async function purgeExpiredFormTokens(db: Db, now: number): Promise<void> {
  await db.deleteFrom('intake_form_tokens').where('expires_at', '<=', now).execute();
}

/** Accepted requests counted in the buckets from `since` on (the intake budget). */
export async function budgetUsed(db: Db, since: number): Promise<number> {
  const r = await db
    .selectFrom('intake_budget')
    .select((eb) => eb.fn.sum<number | string | null>('accepted').as('n'))
    .where('minute', '>=', since)
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** Counts one accepted request (or gives one back with -1) in the bucket `minute`. */
export async function countBudget(db: Db, minute: number, delta: 1 | -1): Promise<void> {
  await db
    .insertInto('intake_budget')
    .values({ minute, accepted: Math.max(0, delta) })
    .onConflict((oc) =>
      oc
        .column('minute')
        .doUpdateSet((eb) => ({ accepted: eb('intake_budget.accepted', '+', delta) })),
    )
    .execute();
}

/** Forgets buckets that have left the sliding window. */
export async function purgeBudget(db: Db, before: number): Promise<void> {
  await db.deleteFrom('intake_budget').where('minute', '<', before).execute();
}
