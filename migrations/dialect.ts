import { PostgresAdapter, sql, type ColumnDataType, type Expression, type Kysely } from 'kysely';

// Helpers for migrations only. Migrations never import app code, so the few engine
// differences they need live here, frozen with them.

export function isPostgres(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** Binary column: bytea on PostgreSQL, blob on SQLite. */
export function bytes(db: Kysely<unknown>): ColumnDataType | Expression<unknown> {
  return isPostgres(db) ? sql`bytea` : 'blob';
}

/** Millisecond timestamps and counters that may exceed 2^31. */
export function millis(db: Kysely<unknown>): ColumnDataType {
  return isPostgres(db) ? 'bigint' : 'integer';
}
