import type { Kysely } from 'kysely';
import type { Vault } from '../crypto/vault.js';
import type { Database } from '../storage/schema.js';
import { FORM_TOKEN_MAX_AGE_MS } from './form-token.js';

// One-time form tokens (the public request form, the unseal form). A token is spent by
// inserting its keyed hash; the primary key makes that atomic. Callers spend it inside the
// transaction that does the work the form asks for, so a crash leaves either both or
// neither: a form whose work was not saved can always be sent again.

type Db = Kysely<Database>;

/** A form token as it is spent: its keyed hash, and when it may be forgotten. */
export interface OneTimeToken {
  tokenHash: string;
  expiresAt: number;
}

/**
 * The one-time token of a form: `value` (the form's token, or more that must be sent once
 * with it) hashed under `context`, kept until a form issued at `issuedAt` could no longer
 * pass its check anyway.
 */
export function oneTimeToken(vault: Vault, context: string, value: string, issuedAt: number): OneTimeToken {
  return { tokenHash: vault.keyedHash(context, value), expiresAt: issuedAt + FORM_TOKEN_MAX_AGE_MS + 60_000 };
}

/**
 * Spends a token. True when this call spent it; false when it was already spent. Inside a
 * transaction, a parallel spend of the same token waits for that transaction and then finds
 * it spent (or free again, if it rolled back).
 */
export async function spendToken(db: Db, token: OneTimeToken): Promise<boolean> {
  const [spent] = await spendTokens(db, [token]);
  return spent!;
}

/**
 * Spends several tokens with one statement (group commit, ADR 22): for each, in order, true
 * when this call spent it; false when it was already spent, or is a copy of one earlier in
 * the list. Inserted in the order of their hashes, so two transactions spending overlapping
 * lists wait for each other instead of deadlocking.
 */
export async function spendTokens(db: Db, tokens: readonly OneTimeToken[]): Promise<boolean[]> {
  if (tokens.length === 0) return [];
  const unique = new Map<string, OneTimeToken>();
  for (const t of tokens) if (!unique.has(t.tokenHash)) unique.set(t.tokenHash, t);
  const rows = [...unique.values()]
    .sort((a, b) => (a.tokenHash < b.tokenHash ? -1 : a.tokenHash > b.tokenHash ? 1 : 0))
    .map((t) => ({ token_hash: t.tokenHash, expires_at: t.expiresAt }));
  const inserted = await db
    .insertInto('spent_tokens')
    .values(rows)
    .onConflict((oc) => oc.column('token_hash').doNothing())
    .returning('token_hash')
    .execute();
  const spentNow = new Set(inserted.map((r) => r.token_hash));
  return tokens.map((t) => spentNow.delete(t.tokenHash));
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
