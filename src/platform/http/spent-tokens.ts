import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.js';

// One-time form tokens (the public request form, the unseal form). A token is spent by
// inserting its keyed hash; the primary key makes that atomic. Callers spend it inside the
// transaction that does the work the form asks for, so a crash leaves either both or
// neither: a form whose work was not saved can always be sent again.

type Db = Kysely<Database>;

/**
 * Spends a token (its keyed hash). True when this call spent it; false when it was already
 * spent. Inside a transaction, a parallel spend of the same token waits for that transaction
 * and then finds it spent (or free again, if it rolled back).
 */
export async function spendToken(db: Db, tokenHash: string, expiresAt: number): Promise<boolean> {
  const res = await db
    .insertInto('spent_tokens')
    .values({ token_hash: tokenHash, expires_at: expiresAt })
    .onConflict((oc) => oc.column('token_hash').doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** True when a token has been spent. */
export async function isSpent(db: Db, tokenHash: string): Promise<boolean> {
  const row = await db.selectFrom('spent_tokens').select('token_hash').where('token_hash', '=', tokenHash).executeTakeFirst();
  return row !== undefined;
}

/** Forgets spent tokens that could no longer pass their form's check anyway. */
export async function purgeSpentTokens(db: Db, now: number): Promise<void> {
  await db.deleteFrom('spent_tokens').where('expires_at', '<=', now).execute();
}
