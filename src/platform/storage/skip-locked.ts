import type { SelectQueryBuilder } from 'kysely';
import type { Dialect } from './db.js';

/**
 * The inner select of a claim (`UPDATE … WHERE id IN (SELECT … LIMIT n)`): on PostgreSQL it
 * takes row locks and skips rows another transaction holds (FOR UPDATE SKIP LOCKED), so
 * claimers racing for the same rows each take different ones instead of queueing behind each
 * other. SQLite has one writer at a time, so there the claim's UPDATE is atomic as it is.
 * Either way the claim's UPDATE repeats the select's conditions, so a row claimed meanwhile
 * is never taken twice.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any table and selection: only the locking clause is added
export function skipLocked<Q extends SelectQueryBuilder<any, any, any>>(
  query: Q,
  dialect: Dialect,
): Q {
  return dialect === 'postgres' ? (query.forUpdate().skipLocked() as Q) : query;
}
