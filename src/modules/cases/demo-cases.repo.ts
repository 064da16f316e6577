import { CompiledQuery, sql, type Kysely, type Transaction } from 'kysely';
import type { Dialect } from '../../platform/storage/db.js';
import type { Database } from '../../platform/storage/schema.js';

// Bulk SQL for demo cases (insertDemoCases, demo-cases.service.ts): multi-row inserts of cases,
// messages and their creation audit entries, written in batched transactions. The statements are plain SQL built once per shape and reused,
// because building a 20,000-parameter query through the query builder for every batch costs
// more than the database work it describes.

export type Db = Kysely<Database> | Transaction<Database>;

/** The audit detail that marks a case as demo data; real cases never carry it. */
export const DEMO_AUDIT_PREFIX = '{"source":"demo"';

export const CASE_COLUMNS = [
  'id',
  'receipt_hash',
  'key_wrapped',
  'status',
  'urgency',
  'incident_type',
  'severity',
  'country',
  'region',
  'language',
  'beneficiary',
  'mandate',
  'contact_method',
  'contact_enc',
  'contact_hash',
  'assignee_id',
  'awaiting_reply',
  'created_at',
  'updated_at',
  'first_response_due_at',
  'first_response_at',
  'last_activity_at',
  'closed_at',
  'version',
  'purged_at',
  'purge_rule',
] as const;
export const MESSAGE_COLUMNS = [
  'id',
  'case_id',
  'kind',
  'author_id',
  'body_enc',
  'created_at',
] as const;
export const AUDIT_COLUMNS = [
  'at',
  'actor_kind',
  'actor_id',
  'action',
  'case_id',
  'detail',
] as const;

export type SqlValue = string | number | Buffer | null;
export type Row = SqlValue[];

// Both engines accept far more parameters than this per statement (SQLite 32,766,
// PostgreSQL 65,535); staying well below keeps every statement a reasonable size.
const MAX_PARAMS = 16_000;

const statementCache = new Map<string, string>();

function insertSql(
  dialect: Dialect,
  table: string,
  columns: readonly string[],
  rows: number,
): string {
  const key = `${dialect}:${table}:${rows}`;
  let text = statementCache.get(key);
  if (text) return text;
  const groups: string[] = [];
  let n = 0;
  for (let r = 0; r < rows; r++) {
    const ps = columns.map(() => (dialect === 'postgres' ? `$${++n}` : '?'));
    groups.push(`(${ps.join(',')})`);
  }
  text = `insert into ${table} (${columns.join(',')}) values ${groups.join(',')}`;
  statementCache.set(key, text);
  return text;
}

/** Inserts rows (each in `columns` order) with as few multi-row statements as the limits allow. */
export async function insertRows(
  db: Db,
  dialect: Dialect,
  table: 'cases' | 'messages' | 'audit_log',
  columns: readonly string[],
  rows: readonly Row[],
): Promise<void> {
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.slice(i, i + perStatement);
    const params: SqlValue[] = [];
    for (const row of chunk) for (const v of row) params.push(v);
    await db.executeQuery(
      CompiledQuery.raw(insertSql(dialect, table, columns, chunk.length), params),
    );
  }
}

/**
 * Reserves `n` new case ids inside the caller's transaction, so every value of a case
 * (including ciphertexts bound to its id) can be computed before the single insert.
 * PostgreSQL draws them from the identity sequence; SQLite, which has one writer at a time,
 * continues after the highest id it ever handed out (AUTOINCREMENT keeps that in sqlite_sequence).
 */
export async function reserveCaseIds(db: Db, dialect: Dialect, n: number): Promise<number[]> {
  if (dialect === 'postgres') {
    const res = await sql<{ id: number | string }>`
      select nextval(pg_get_serial_sequence('cases', 'id')) as id from generate_series(1, ${n})`.execute(
      db,
    );
    return res.rows.map((r) => Number(r.id)).sort((a, b) => a - b);
  }
  const res = await sql<{ top: number }>`
    select max(
      coalesce((select seq from sqlite_sequence where name = 'cases'), 0),
      coalesce((select max(id) from cases), 0)
    ) as top`.execute(db);
  const top = Number(res.rows[0]?.top ?? 0);
  return Array.from({ length: n }, (_, i) => top + 1 + i);
}

/** Cases that were not created by the demo generator (real requests, or rows of unknown origin). */
export async function countNonDemoCases(db: Db): Promise<number> {
  const res = await sql<{ n: number | string }>`
    select count(*) as n from cases c
    where not exists (
      select 1 from audit_log a
      where a.case_id = c.id and a.action = 'case.created' and a.actor_kind = 'system'
        and a.detail like ${`${DEMO_AUDIT_PREFIX}%`}
    )`.execute(db);
  return Number(res.rows[0]?.n ?? 0);
}

/**
 * Runs a bulk load with a larger SQLite page cache for this connection (256 MiB instead of
 * the 2 MiB default), restored afterwards. With millions of messages, the random message ids
 * make every insert touch a different index page; a cache that holds the indexes keeps that
 * in memory. PostgreSQL needs nothing here: its cache is the server's.
 */
export async function withBulkLoadCache<T>(
  db: Db,
  dialect: Dialect,
  fn: () => Promise<T>,
): Promise<T> {
  if (dialect !== 'sqlite') return fn();
  const before = await sql<{ cache_size: number }>`PRAGMA cache_size`.execute(db);
  const previous = Number(before.rows[0]?.cache_size ?? -2000);
  await sql`PRAGMA cache_size = -262144`.execute(db);
  try {
    return await fn();
  } finally {
    await sql.raw(`PRAGMA cache_size = ${Math.trunc(previous)}`).execute(db);
  }
}

/**
 * Refreshes the planner's statistics after a bulk load, so the first queries on the new
 * data (the queue with filters) choose their indexes from the real distribution rather than
 * from an empty table. SQLite samples a bounded number of rows per index to stay quick.
 */
export async function refreshStatistics(db: Db, dialect: Dialect): Promise<void> {
  if (dialect === 'postgres') {
    await sql`analyze cases, messages, audit_log`.execute(db);
  } else {
    await sql`PRAGMA analysis_limit = 1000`.execute(db);
    await sql`ANALYZE`.execute(db);
  }
}
