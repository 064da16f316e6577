import type { Db } from './case.repo.js';

// SQL for crypto-shredding, on the cases and messages tables (which case.repo.ts otherwise
// owns) and on requester_sessions. It lives apart from case.repo.ts because it is the one
// place that destroys data, and deserves to be read on its own. It also ends the case's
// follow-up sessions (intake's table): a purge must leave nothing that still reaches the
// case from outside, and it has to happen in the same transaction.

/** What a purged case keeps in place of its wrapped key: nothing (zero bytes; the column is NOT NULL). */
export const SHREDDED_KEY = Buffer.alloc(0);

/**
 * The receipt hash of a purged case. Keyed hashes are 64 hex digits, so this can never equal
 * one: no receipt code finds the case again. It stays unique per case (the column is UNIQUE).
 */
export function purgedReceiptHash(caseId: number): string {
  return `purged:${caseId}`;
}

/** The case's row as a purge needs it, locked on PostgreSQL for the rest of the transaction. */
export async function lockCaseForPurge(db: Db, caseId: number, postgres: boolean) {
  let q = db
    .selectFrom('cases')
    .select(['id', 'status', 'incident_type', 'created_at', 'closed_at', 'last_activity_at', 'purged_at'])
    .where('id', '=', caseId);
  if (postgres) q = q.forUpdate();
  return q.executeTakeFirst();
}

/**
 * Destroys a case's personal data in place: its messages, its contact, its wrapped key, its
 * receipt hash, its country (see ADR 12), and its follow-up sessions. Structured fields stay.
 */
export async function shredCase(
  db: Db,
  caseId: number,
  p: { at: number; rule: string; status?: string; closedAt?: number | null },
): Promise<void> {
  await db.deleteFrom('messages').where('case_id', '=', caseId).execute();
  await db.deleteFrom('requester_sessions').where('case_id', '=', caseId).execute();
  await db
    .updateTable('cases')
    .set((eb) => ({
      key_wrapped: SHREDDED_KEY,
      contact_enc: null,
      receipt_hash: purgedReceiptHash(caseId),
      country: null,
      awaiting_reply: 0,
      purged_at: p.at,
      purge_rule: p.rule,
      updated_at: p.at,
      version: eb('version', '+', 1),
      ...(p.status !== undefined ? { status: p.status, closed_at: p.closedAt ?? null } : {}),
    }))
    .where('id', '=', caseId)
    .execute();
}

/**
 * Ids of unpurged cases in `status` whose `basis` time is at or before `cutoff`, oldest first:
 * of `incidentType` when it is set, else of no incident type or any not in
 * `exceptIncidentTypes`. The partial indexes cases_retention_* (unpurged cases by status,
 * incident type and basis time) serve it.
 */
export async function listDueCaseIds(
  db: Db,
  f: {
    status: string;
    incidentType: string | null;
    exceptIncidentTypes: readonly string[];
    basis: 'closed_at' | 'last_activity_at';
    cutoff: number;
    limit: number;
  },
): Promise<number[]> {
  let q = db
    .selectFrom('cases')
    .select('id')
    .where('status', '=', f.status)
    .where('purged_at', 'is', null)
    .where(f.basis, 'is not', null)
    .where(f.basis, '<=', f.cutoff);
  if (f.incidentType !== null) q = q.where('incident_type', '=', f.incidentType);
  else if (f.exceptIncidentTypes.length > 0) {
    const except = [...f.exceptIncidentTypes];
    q = q.where((eb) => eb.or([eb('incident_type', 'is', null), eb('incident_type', 'not in', except)]));
  }
  const rows = await q.orderBy('id').limit(f.limit).execute();
  return rows.map((r) => r.id);
}

/** The cases among `ids` that still exist, with what a deletion list is matched against. */
export async function casesForShredCheck(db: Db, ids: readonly number[]) {
  if (ids.length === 0) return [];
  return db
    .selectFrom('cases')
    .select(['id', 'status', 'created_at', 'purged_at'])
    .where('id', 'in', [...ids])
    .execute();
}
