import type { Kysely, Selectable, Transaction, Updateable } from 'kysely';
import type { CasesTable, Database } from '../../platform/storage/schema.js';

// The only file with SQL for the cases and messages tables.

export type Db = Kysely<Database> | Transaction<Database>;
export type CaseRow = Selectable<CasesTable>;

export interface NewCaseRow {
  receipt_hash: string;
  key_wrapped: Buffer;
  status: string;
  urgency: string;
  country: string | null;
  region: string | null;
  language: string;
  beneficiary: string | null;
  contact_method: string;
  created_at: number;
  first_response_due_at: number;
  /** 1 to save it in the suspected-spam queue (default 0), with its reason code. */
  suspected_spam?: number;
  spam_reason?: string | null;
}

export async function insertCase(db: Db, row: NewCaseRow): Promise<number> {
  const res = await db
    .insertInto('cases')
    .values({
      ...row,
      incident_type: null,
      severity: null,
      mandate: 'pending',
      contact_enc: null,
      assignee_id: null,
      awaiting_reply: 1,
      updated_at: row.created_at,
      first_response_at: null,
      last_activity_at: row.created_at,
      closed_at: null,
      version: 1,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return res.id;
}

export async function setContact(db: Db, caseId: number, contactEnc: Buffer | null): Promise<void> {
  await db.updateTable('cases').set({ contact_enc: contactEnc }).where('id', '=', caseId).execute();
}

export async function findCaseIdByReceiptHash(db: Db, receiptHash: string): Promise<number | null> {
  const row = await db
    .selectFrom('cases')
    .select('id')
    .where('receipt_hash', '=', receiptHash)
    .executeTakeFirst();
  return row?.id ?? null;
}

export async function getCaseRow(db: Db, caseId: number) {
  return db.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirst();
}

export async function insertMessage(
  db: Db,
  row: {
    id: string;
    case_id: number;
    kind: string;
    author_id: string | null;
    body_enc: Buffer;
    created_at: number;
    /** The content key the body is sealed to, when it was written while sealed. */
    sealed_to_key?: number | null;
  },
): Promise<void> {
  await db.insertInto('messages').values(row).execute();
}

/** Messages still sealed to a content key (written while sealed), oldest first, after `afterId`. */
export async function sealedToKeyPage(db: Db, afterId: string, limit: number) {
  return db
    .selectFrom('messages')
    .innerJoin('cases', 'cases.id', 'messages.case_id')
    .select([
      'messages.id',
      'messages.case_id',
      'messages.body_enc',
      'messages.sealed_to_key',
      'cases.key_wrapped',
      'cases.purged_at',
    ])
    .where('messages.sealed_to_key', 'is not', null)
    .where('messages.id', '>', afterId)
    .orderBy('messages.id')
    .limit(limit)
    .execute();
}

/** Replaces a body sealed to a content key by one under the case key, unless it changed meanwhile. */
export async function moveUnderCaseKey(
  db: Db,
  id: string,
  keyId: number,
  body: Buffer,
): Promise<boolean> {
  const res = await db
    .updateTable('messages')
    .set({ body_enc: body, sealed_to_key: null })
    .where('id', '=', id)
    .where('sealed_to_key', '=', keyId)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function listMessageRows(db: Db, caseId: number, kinds: readonly string[]) {
  return db
    .selectFrom('messages')
    .leftJoin('users', 'users.id', 'messages.author_id')
    .select([
      'messages.id',
      'messages.kind',
      'messages.author_id',
      'messages.body_enc',
      'messages.sealed_to_key',
      'messages.created_at',
      'users.display_name as author_name',
    ])
    .where('messages.case_id', '=', caseId)
    .where('messages.kind', 'in', [...kinds])
    .orderBy('messages.created_at')
    .orderBy('messages.id')
    .execute();
}

/** Records a requester's new message on the case: it needs an answer again, and a finished case reopens. */
export async function markRequesterActivity(
  db: Db,
  caseId: number,
  at: number,
  reopen: boolean,
): Promise<void> {
  await db
    .updateTable('cases')
    .set((eb) => ({
      awaiting_reply: 1,
      last_activity_at: at,
      updated_at: at,
      version: eb('version', '+', 1),
      ...(reopen ? { status: 'open', closed_at: null } : {}),
    }))
    .where('id', '=', caseId)
    .execute();
}

/** The structured columns of a case: everything but keys, hashes and ciphertext. */
const STRUCTURED = [
  'cases.id',
  'cases.status',
  'cases.urgency',
  'cases.incident_type',
  'cases.severity',
  'cases.country',
  'cases.region',
  'cases.language',
  'cases.beneficiary',
  'cases.mandate',
  'cases.contact_method',
  'cases.assignee_id',
  'cases.awaiting_reply',
  'cases.created_at',
  'cases.updated_at',
  'cases.first_response_due_at',
  'cases.first_response_at',
  'cases.last_activity_at',
  'cases.closed_at',
  'cases.version',
] as const;

/** Where a queue page starts: the sort key of the last row of the previous page. */
export interface QueueCursor {
  awaiting: number;
  due: number;
  id: number;
}

export interface QueueFilter {
  statuses: readonly string[];
  /** 0: the main queue; 1: the suspected-spam queue (see the `cases_queue_main` index). */
  suspectedSpam?: 0 | 1 | undefined;
  incidentType?: string | undefined;
  region?: string | undefined;
  language?: string | undefined;
  /** null: unassigned only; a string: that staff member's cases; undefined: anyone's. */
  assigneeId?: string | null | undefined;
  after?: QueueCursor | undefined;
  limit: number;
}

/**
 * One page of the queue, structured fields only (nothing is decrypted). Order: cases
 * awaiting a reply first, then by first-response deadline (oldest first), then id; paged by
 * keyset on that order. Each status is read separately in the order of the `cases_queue`
 * index (status, awaiting_reply desc, first_response_due_at, id), which no engine can merge
 * for `status IN (…)` without sorting every active case; the few pages are merged here, so
 * a page costs about `limit` rows per status however many cases there are.
 */
export async function listQueueRows(db: Db, f: QueueFilter) {
  const pages = await Promise.all(f.statuses.map((status) => queueRowsForStatus(db, status, f)));
  if (pages.length === 1) return pages[0]!;
  return pages
    .flat()
    .sort(
      (a, b) =>
        b.awaiting_reply - a.awaiting_reply ||
        a.first_response_due_at - b.first_response_due_at ||
        a.id - b.id,
    )
    .slice(0, f.limit);
}

function queueRowsForStatus(db: Db, status: string, f: QueueFilter) {
  let q = db
    .selectFrom('cases')
    .leftJoin('users', 'users.id', 'cases.assignee_id')
    .select([
      ...STRUCTURED,
      'cases.suspected_spam',
      'cases.spam_reason',
      'users.display_name as assignee_name',
    ])
    .where('cases.status', '=', status);
  if (f.suspectedSpam !== undefined) q = q.where('cases.suspected_spam', '=', f.suspectedSpam);
  if (f.incidentType !== undefined) q = q.where('cases.incident_type', '=', f.incidentType);
  if (f.region !== undefined) q = q.where('cases.region', '=', f.region);
  if (f.language !== undefined) q = q.where('cases.language', '=', f.language);
  if (f.assigneeId === null) q = q.where('cases.assignee_id', 'is', null);
  else if (f.assigneeId !== undefined) q = q.where('cases.assignee_id', '=', f.assigneeId);
  const after = f.after;
  if (after) {
    q = q.where((eb) =>
      eb.or([
        eb('cases.awaiting_reply', '<', after.awaiting),
        eb.and([
          eb('cases.awaiting_reply', '=', after.awaiting),
          eb.or([
            eb('cases.first_response_due_at', '>', after.due),
            eb.and([
              eb('cases.first_response_due_at', '=', after.due),
              eb('cases.id', '>', after.id),
            ]),
          ]),
        ]),
      ]),
    );
  }
  return q
    .orderBy('cases.awaiting_reply', 'desc')
    .orderBy('cases.first_response_due_at', 'asc')
    .orderBy('cases.id', 'asc')
    .limit(f.limit)
    .execute();
}

export type QueueRow = Awaited<ReturnType<typeof queueRowsForStatus>>[number];

/** A case's structured fields with its assignee's name, or undefined. */
export async function getCaseSummaryRow(db: Db, caseId: number) {
  return db
    .selectFrom('cases')
    .leftJoin('users', 'users.id', 'cases.assignee_id')
    .select([
      ...STRUCTURED,
      'cases.suspected_spam',
      'cases.spam_reason',
      'users.display_name as assignee_name',
    ])
    .where('cases.id', '=', caseId)
    .executeTakeFirst();
}

/**
 * Updates a case and bumps its version, only if it is still at `expectedVersion` (when
 * given). Returns false when the case is gone or someone else changed it first.
 */
export async function updateCaseIfVersion(
  db: Db,
  caseId: number,
  expectedVersion: number | undefined,
  patch: Omit<Updateable<CasesTable>, 'id' | 'version'>,
): Promise<boolean> {
  let q = db
    .updateTable('cases')
    .set((eb) => ({ ...patch, version: eb('version', '+', 1) }))
    .where('id', '=', caseId);
  if (expectedVersion !== undefined) q = q.where('version', '=', expectedVersion);
  const res = await q.executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Marks a case as touched without a versioned change (a note). */
export async function touchCase(db: Db, caseId: number, at: number): Promise<void> {
  await db.updateTable('cases').set({ updated_at: at }).where('id', '=', caseId).execute();
}

/** Staff who can hold cases: active accounts with a case-working role, by name. */
export async function listCaseWorkers(db: Db, roles: readonly string[]) {
  return db
    .selectFrom('users')
    .select(['id', 'display_name', 'role'])
    .where('status', '=', 'active')
    .where('role', 'in', [...roles])
    .orderBy('display_name')
    .orderBy('id')
    .execute();
}

/** One staff member who can hold cases, or undefined. */
export async function findCaseWorker(db: Db, userId: string, roles: readonly string[]) {
  return db
    .selectFrom('users')
    .select(['id', 'display_name', 'role'])
    .where('id', '=', userId)
    .where('status', '=', 'active')
    .where('role', 'in', [...roles])
    .executeTakeFirst();
}

/** Display names of staff members, for the audit trail. */
export async function staffNames(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('users')
    .select(['id', 'display_name'])
    .where('id', 'in', [...ids])
    .execute();
  return new Map(rows.map((r) => [r.id, r.display_name]));
}
