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
    .select(['id', 'status', 'incident_type', 'created_at', 'closed_at', 'last_activity_at', 'purged_at', 'key_wrapped'])
    .where('id', '=', caseId);
  if (postgres) q = q.forUpdate();
  return q.executeTakeFirst();
}

/** The cases holding messages of case `caseId`'s receipt after a merge (ADR 38): what a requester's deletion changes. */
export async function casesHoldingReceipt(db: Db, caseId: number): Promise<number[]> {
  const rows = await db.selectFrom('messages').select('case_id').distinct().where('via_case_id', '=', caseId).execute();
  return rows.map((r) => r.case_id);
}

/**
 * Destroys a case's personal data in place: its files, its messages, its contact, its wrapped key, its
 * receipt hash, its country (see ADR 12), and its follow-up sessions. Structured fields stay.
 */
export async function shredCase(
  db: Db,
  caseId: number,
  p: { at: number; rule: string; status?: string; closedAt?: number | null },
): Promise<void> {
  // Its files first (ADR 26): their chunks, then their rows, which point at its messages.
  await db
    .deleteFrom('attachment_chunks')
    .where('attachment_id', 'in', db.selectFrom('attachments').select('id').where('case_id', '=', caseId))
    .execute();
  await db.deleteFrom('attachments').where('case_id', '=', caseId).execute();
  await db.deleteFrom('messages').where('case_id', '=', caseId).execute();
  // The requester deletes their request (ADR 38): what they wrote, and was written to them,
  // through this case's receipt lives on the case it was merged into, and goes too. A retention
  // rule's purge of a merged case leaves it: it is the other case's conversation now, under that
  // case's own rule.
  if (p.rule === 'requester') {
    const through = db.selectFrom('messages').select('id').where('via_case_id', '=', caseId);
    await db
      .deleteFrom('attachment_chunks')
      .where('attachment_id', 'in', db.selectFrom('attachments').select('id').where('message_id', 'in', through))
      .execute();
    await db.deleteFrom('attachments').where('message_id', 'in', through).execute();
    await db.deleteFrom('messages').where('via_case_id', '=', caseId).execute();
  }
  await db.deleteFrom('requester_sessions').where('case_id', '=', caseId).execute();
  // Its search index rows (ADR 37): keyed hashes of its words, which must not outlive them.
  await db.deleteFrom('search_tokens').where('case_id', '=', caseId).execute();
  await db.deleteFrom('search_cases').where('case_id', '=', caseId).execute();
  await db
    .updateTable('cases')
    .set((eb) => ({
      key_wrapped: SHREDDED_KEY,
      contact_enc: null,
      // The keyed hash its duplicates were found by (ADR 38) goes with the contact.
      contact_hash: null,
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
 * Ids of unpurged cases in `status` and of exactly `incidentType` (null: cases without one)
 * whose `basis` time is at or before `cutoff`, oldest first. The partial indexes
 * cases_retention_* (unpurged cases by status, incident type and basis time) serve it as one
 * range read in the right order, whatever the planner estimates.
 */
export async function listDueCaseIds(
  db: Db,
  f: {
    status: string;
    incidentType: string | null;
    basis: 'closed_at' | 'last_activity_at';
    cutoff: number;
    limit: number;
  },
): Promise<number[]> {
  const rows = await db
    .selectFrom('cases')
    .select('id')
    .where('status', '=', f.status)
    .where('incident_type', f.incidentType === null ? 'is' : '=', f.incidentType)
    .where('purged_at', 'is', null)
    .where(f.basis, 'is not', null)
    .where(f.basis, '<=', f.cutoff)
    .orderBy(f.basis)
    .limit(f.limit)
    .execute();
  return rows.map((r) => r.id);
}

/**
 * The next incident type after `after` (or the first) that unpurged cases in `status` have,
 * or undefined. One short read of the same index per call, so the distinct types of a status
 * are found without reading its cases.
 */
export async function nextLiveIncidentType(
  db: Db,
  status: string,
  after: string | null,
): Promise<string | undefined> {
  let q = db
    .selectFrom('cases')
    .select('incident_type')
    .where('status', '=', status)
    .where('purged_at', 'is', null)
    .where('incident_type', 'is not', null);
  if (after !== null) q = q.where('incident_type', '>', after);
  const row = await q.orderBy('incident_type').limit(1).executeTakeFirst();
  return row?.incident_type ?? undefined;
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
