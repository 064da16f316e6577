import { sql, type Kysely } from 'kysely';
import type { Database } from '../../platform/storage/schema.js';
import type { AuditCursor, AuditFilters } from './audit.schema.js';

// The only SQL of the audit module. audit_log is the platform's append-only table
// (platform/audit); this module only reads it, newest first, by keyset on (at, id), each
// filter served by an index in that order (migration 2026-12-07-002-audit-log-filters).
// People's names come from the accounts module's users table, read only, by id: the accounts
// index offers no list of every person, whatever their role or status, that the log names.

export interface AuditRow {
  id: number;
  at: number;
  actorKind: string;
  actorId: string | null;
  /** The person's name when the actor is a staff member Haven still knows. */
  actorName: string | null;
  action: string;
  caseId: number | null;
  /** As stored: a JSON object of field names and codes, or null. */
  detail: string | null;
}

/** Entries that pass `filters`, newest first, after `after` (a page's cursor), at most `limit`. */
export async function listEntries(
  db: Kysely<Database>,
  filters: AuditFilters,
  after: AuditCursor | null,
  limit: number,
): Promise<AuditRow[]> {
  let q = db
    .selectFrom('audit_log as a')
    .leftJoin('users as u', 'u.id', 'a.actor_id')
    .select([
      'a.id as id',
      'a.at as at',
      'a.actor_kind as actorKind',
      'a.actor_id as actorId',
      'u.display_name as actorName',
      'a.action as action',
      'a.case_id as caseId',
      'a.detail as detail',
    ]);
  if (filters.actorId !== undefined) q = q.where('a.actor_id', '=', filters.actorId);
  if (filters.action !== undefined) q = q.where('a.action', '=', filters.action);
  if (filters.caseId !== undefined) q = q.where('a.case_id', '=', filters.caseId);
  if (filters.fromMs !== undefined) q = q.where('a.at', '>=', filters.fromMs);
  if (filters.toMs !== undefined) q = q.where('a.at', '<', filters.toMs);
  // A row value compares (at, id) as one key: both engines read it as an index range.
  if (after) q = q.where(sql<boolean>`(a.at, a.id) < (${after.at}, ${after.id})`);
  const rows = await q.orderBy('a.at', 'desc').orderBy('a.id', 'desc').limit(limit).execute();
  return rows.map((r) => ({ ...r, id: Number(r.id), at: Number(r.at), caseId: r.caseId === null ? null : Number(r.caseId) }));
}

/** The most actions the filter offers (Haven writes a few dozen). */
export const ACTIONS_MAX = 1000;

/**
 * Every action the log holds, in code order: one probe of audit_log_action per action (a
 * recursive query that asks for the next action after the last one), never a scan of the log.
 */
export async function listActions(db: Kysely<Database>): Promise<string[]> {
  const rows = await sql<{ action: string | null }>`
    with recursive acts(action) as (
      select min(action) from audit_log
      union all
      select (select min(l.action) from audit_log l where l.action > acts.action)
      from acts where acts.action is not null
    )
    select action from acts where action is not null limit ${ACTIONS_MAX}`.execute(db);
  return rows.rows.flatMap((r) => (r.action === null ? [] : [r.action]));
}

/** The most people the filter offers. */
export const PEOPLE_MAX = 2000;

/** Every staff member, whatever their role or status (the log names people who left too), by name. */
export async function listPeople(db: Kysely<Database>): Promise<{ id: string; displayName: string }[]> {
  return db
    .selectFrom('users')
    .select(['id', 'display_name as displayName'])
    .orderBy('display_name')
    .orderBy('id')
    .limit(PEOPLE_MAX)
    .execute();
}
