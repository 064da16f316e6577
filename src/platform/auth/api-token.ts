import type { Kysely } from 'kysely';
import { isRole, type Principal } from './roles.js';
import { zoneOrDefault } from '../i18n/zones.js';
import type { Vault } from '../crypto/vault.js';
import type { Database } from '../storage/schema.js';
import { newToken, rolesOfRows } from './session.js';

/** API tokens look like `hvn_<43 base64url chars>`; only their keyed hash is stored. */
export const TOKEN_PREFIX = 'hvn_';

export async function createApiToken(
  deps: { db: Kysely<Database>; vault: Vault; now: () => number },
  userId: string,
  label: string,
): Promise<{ id: string; token: string }> {
  const token = TOKEN_PREFIX + newToken();
  const id = crypto.randomUUID();
  await deps.db
    .insertInto('api_tokens')
    .values({
      id,
      user_id: userId,
      token_hash: deps.vault.keyedHash('api-token', token),
      label,
      created_at: deps.now(),
      last_used_at: null,
      revoked_at: null,
    })
    .execute();
  return { id, token };
}

/** The staff member behind a bearer token, or null when unknown, revoked or disabled. */
export async function principalForToken(
  deps: { db: Kysely<Database>; vault: Vault; now: () => number },
  token: string,
): Promise<Principal | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 100) return null;
  const rows = await deps.db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .leftJoin('user_roles', 'user_roles.user_id', 'users.id')
    .select(['user_roles.role as granted', 'api_tokens.id as tokenId', 'api_tokens.last_used_at', 'users.id', 'users.email', 'users.display_name', 'users.role', 'users.status', 'users.locale', 'users.time_zone'])
    .where('api_tokens.token_hash', '=', deps.vault.keyedHash('api-token', token))
    .where('api_tokens.revoked_at', 'is', null)
    .execute();
  const row = rows[0];
  if (!row || row.status !== 'active' || !isRole(row.role)) return null;
  const now = deps.now();
  if (!row.last_used_at || now - row.last_used_at > 60_000) {
    await deps.db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', row.tokenId).execute();
  }
  const roles = rolesOfRows(row.role, rows);
  return { userId: row.id, email: row.email, displayName: row.display_name, role: row.role, roles, locale: row.locale, timeZone: zoneOrDefault(row.time_zone), via: 'token' };
}
