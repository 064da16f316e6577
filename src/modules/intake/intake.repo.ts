import type { Kysely } from 'kysely';
import type { Database } from '../../platform/storage/schema.js';

// The only SQL for intake's own table: follow-up sessions. It holds keyed hashes only; the
// secrets themselves live in the person's browser. Spent form tokens and the budget's counts
// live in platform tables (platform/http/spent-tokens.ts, platform/throttle/counts.ts).

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
