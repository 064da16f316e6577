import {
  sql,
  type ExpressionOrFactory,
  type Insertable,
  type Kysely,
  type RawBuilder,
  type Selectable,
  type SqlBool,
  type Transaction,
  type Updateable,
} from 'kysely';
import { CASE_STATUSES } from '../../contracts/case.js';
import type { Dialect } from '../../platform/storage/db.js';
import type { CasesTable, Database, MessagesTable } from '../../platform/storage/schema.js';
import type { QueueSort } from './queue.js';

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

/**
 * Inserts new cases with one statement; returns each one's id with its receipt hash (the rows
 * come back in no set order).
 */
export async function insertCases(
  db: Db,
  rows: readonly NewCaseRow[],
): Promise<{ id: number; receipt_hash: string }[]> {
  return db
    .insertInto('cases')
    .values(
      // Every row names every column: in a multi-row insert SQLite fills a missing one with
      // null, not its default.
      rows.map((row) => ({
        ...row,
        suspected_spam: row.suspected_spam ?? 0,
        spam_reason: row.spam_reason ?? null,
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
      })),
    )
    .returning(['id', 'receipt_hash'])
    .execute();
}

/**
 * Sets a case's sealed contact and the keyed hash its duplicates are found by (ADR 38), to run
 * with other writes (`writeTogether`).
 */
export function contactWrite(db: Db, caseId: number, contactEnc: Buffer | null, contactHash: string | null = null) {
  return db.updateTable('cases').set({ contact_enc: contactEnc, contact_hash: contactHash }).where('id', '=', caseId);
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

export async function insertMessage(db: Db, row: NewMessageRow): Promise<void> {
  await messageWrite(db, row).execute();
}

/** The insert `insertMessage` runs, for one message or several, to run with others (`writeTogether`). */
export function messageWrite(db: Db, ...rows: [NewMessageRow, ...NewMessageRow[]]) {
  return db.insertInto('messages').values(rows);
}

/** A message as written (`sealed_to_key` when written while sealed; null, its default, else). */
export type NewMessageRow = Insertable<MessagesTable>;

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
      'messages.via_case_id',
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

/** Where a page in the latest-activity or newest-received order starts: the last row's time and id. */
export interface KeyCursor {
  at: number;
  id: number;
}

export interface QueueFilter {
  statuses: readonly string[];
  /** The order (queue.ts); the deadline order when absent. */
  sort?: QueueSort | undefined;
  /** Received at or after this instant. */
  receivedFrom?: number | undefined;
  /** Received before this instant. */
  receivedBefore?: number | undefined;
  /** 0: the main queue; 1: the suspected-spam queue (see the `cases_queue_main` index). */
  suspectedSpam?: 0 | 1 | undefined;
  incidentType?: string | undefined;
  region?: string | undefined;
  language?: string | undefined;
  /** null: unassigned only; a string: that staff member's cases; undefined: anyone's. */
  assigneeId?: string | null | undefined;
  /** A `QueueCursor` in the deadline order, a `KeyCursor` in the others. */
  after?: QueueCursor | KeyCursor | undefined;
  limit: number;
  /**
   * The reader's need-to-know condition (access.ts `visibleSql`): a page's rows are only the
   * cases they may know. Checked on the row after its index range (restricted cases are rare;
   * its first arm answers for the others). Totals ignore it: see `countQueue`.
   */
  visible?: RawBuilder<SqlBool> | undefined;
}

/**
 * One page of the queue, structured fields only (nothing is decrypted). Order: cases
 * awaiting a reply first, then by first-response deadline (oldest first), then id; paged by
 * keyset on that order.
 *
 * One statement: a `union all` of one range of an index per status, each in the queue's
 * order (cases_queue_main: suspected_spam, status, awaiting_reply desc,
 * first_response_due_at, id; with a filter, the same order after the filtered column:
 * cases_queue_assignee, …_unassigned, …_incident_type, …_region, …_language, which hold the
 * other filtered columns too, so a second filter costs no read of the case). SQLite merges
 * the ranges (MERGE (UNION ALL)) and stops after `limit` rows; PostgreSQL, which sorts a
 * union as a whole, reads at most `limit` rows of each range in its order and sorts those.
 * A single `status in (…)` would make either sort every matching case instead.
 *
 * After a cursor, each status gives two ranges: the cases with the cursor's own
 * awaiting_reply after its (deadline, id), then those with a lower awaiting_reply from their
 * start. A single `a < x or (a = x and …)` condition is no range of the index, and the engine
 * read every case before the cursor.
 */
export async function listQueueRows(db: Db, dialect: Dialect, f: QueueFilter, withFirst = false) {
  if (f.sort !== undefined && f.sort !== 'deadline') return listQueueRowsByTime(db, dialect, f, f.sort, withFirst);
  const after = f.after && 'awaiting' in f.after ? f.after : undefined;
  const ranges = f.statuses.flatMap((status) => {
    if (!after) return [queueRange(db, status, f, undefined)];
    return [
      queueRange(db, status, f, (eb) =>
        eb.and([
          eb('cases.awaiting_reply', '=', after.awaiting),
          eb(
            eb.refTuple('cases.first_response_due_at', 'cases.id'),
            '>',
            eb.tuple(after.due, after.id),
          ),
        ]),
      ),
      queueRange(db, status, f, (eb) => eb('cases.awaiting_reply', '<', after.awaiting)),
    ];
  });
  if (ranges.length === 0) return [];
  if (dialect === 'postgres') return queuePagePostgres(db, ranges, f.limit, DEADLINE_ORDER, withFirst);
  const [first, ...rest] = ranges.map((r) => r.leftJoin('users', 'users.id', 'cases.assignee_id').select(QUEUE_COLUMNS));
  let q = first!;
  for (const r of rest) q = q.unionAll(r);
  // Ordered by the result's column names, as a union is.
  return q
    .orderBy(sql.ref('awaiting_reply'), 'desc')
    .orderBy(sql.ref('first_response_due_at'), 'asc')
    .orderBy(sql.ref('id'), 'asc')
    .limit(f.limit)
    .execute();
}

/** The deadline order: awaiting a reply first, then first-response deadline, then id. */
const DEADLINE_ORDER: QueueOrder = [
  ['awaiting_reply', 'desc'],
  ['first_response_due_at', 'asc'],
  ['id', 'asc'],
];

/** An order of the queue: result column names, each with its direction. */
type QueueOrder = readonly (readonly ['awaiting_reply' | 'first_response_due_at' | 'id' | 'last_activity_at' | 'created_at', 'asc' | 'desc'])[];

/**
 * One page in the latest-activity or newest-received order: the same `union all` of one range
 * per status as the deadline order, each read backwards from an index in that order
 * (cases_queue_activity: suspected_spam, status, last_activity_at, id; cases_queue_received:
 * suspected_spam, status, created_at, id; both followed by the filtered columns, so a filter is
 * checked in the index). After a cursor, one range per status: `(time, id) < (at, id)`, a range
 * of the index as the engines read row values. The received-date filter is a range of
 * cases_queue_received itself.
 */
async function listQueueRowsByTime(
  db: Db,
  dialect: Dialect,
  f: QueueFilter,
  sort: 'activity' | 'received',
  withFirst: boolean,
) {
  const column = sort === 'activity' ? 'last_activity_at' : 'created_at';
  const after = f.after && 'at' in f.after ? f.after : undefined;
  // `<time> >= 0`, as written: the condition of the order's partial index (migration
  // 2026-12-07-004), which an engine uses only for a query that states it.
  const ranges = f.statuses.map((status) =>
    queueRange(
      db,
      status,
      f,
      after
        ? (eb) => eb(eb.refTuple(`cases.${column}`, 'cases.id'), '<', eb.tuple(after.at, after.id))
        : undefined,
    ).where(`cases.${column}`, '>=', sql.lit(0)),
  );
  if (ranges.length === 0) return [];
  const order: QueueOrder = [
    [column, 'desc'],
    ['id', 'desc'],
  ];
  if (dialect === 'postgres') return queuePagePostgres(db, ranges, f.limit, order, withFirst);
  const [first, ...rest] = ranges.map((r) => r.leftJoin('users', 'users.id', 'cases.assignee_id').select(QUEUE_COLUMNS));
  let q = first!;
  for (const r of rest) q = q.unionAll(r);
  return q.orderBy(sql.ref(column), 'desc').orderBy(sql.ref('id'), 'desc').limit(f.limit).execute();
}

/**
 * How many cases match the filter, counting no further than `cap`: one range per status, as a
 * page reads them, from the index alone, under one LIMIT (as `countSuspectedSpam`), so either
 * engine stops after `cap` entries in all however many cases there are.
 */
export async function countQueue(db: Db, f: Omit<QueueFilter, 'after' | 'limit' | 'sort'>, cap: number): Promise<number> {
  // With a received-date filter, the condition of cases_queue_received (as written) lets the
  // engines count a range of it, the received days, rather than check every case of the status.
  const received = f.receivedFrom !== undefined || f.receivedBefore !== undefined;
  const ranges = f.statuses.map((status) => {
    // From the covering index alone: need-to-know is not asked here (the caller takes away the
    // restricted cases the reader may not know, access.ts `hiddenCases`).
    const q = queueRange(db, status, { ...f, limit: cap, visible: undefined }, undefined).select(sql.lit(1).as('one'));
    return received ? q.where('cases.created_at', '>=', sql.lit(0)) : q;
  });
  const [first, ...rest] = ranges;
  if (!first) return 0;
  let matching = first;
  for (const r of rest) matching = matching.unionAll(r);
  const row = await db
    .selectFrom(matching.limit(cap).as('matching'))
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * The first message each of `caseIds` holds from its requester (the request itself), sealed, with
 * what opens it: its case's wrapped key, and whether the case was purged. One statement; each
 * case's first is found by the messages_case index (case_id, created_at).
 */
export async function firstRequesterMessages(db: Db, caseIds: readonly number[]) {
  if (caseIds.length === 0) return [];
  return db
    .selectFrom('messages')
    .innerJoin('cases', 'cases.id', 'messages.case_id')
    .select([
      'messages.case_id',
      'messages.id',
      'messages.body_enc',
      'messages.sealed_to_key',
      'cases.key_wrapped',
      'cases.purged_at',
    ])
    .where('messages.case_id', 'in', [...caseIds])
    .where((eb) =>
      eb(
        'messages.id',
        '=',
        eb
          .selectFrom('messages as first')
          .select('first.id')
          .whereRef('first.case_id', '=', 'messages.case_id')
          .where('first.kind', '=', 'requester')
          .orderBy('first.created_at')
          .orderBy('first.id')
          .limit(1),
      ),
    )
    .execute();
}

/** A queue row's columns: structured fields and the assignee's name. */
const QUEUE_COLUMNS = [
  // Named as such: a union is ordered by name, and `users` has an id and a created_at too.
  'cases.id as id',
  'cases.created_at as created_at',
  ...STRUCTURED.filter((c) => c !== 'cases.id' && c !== 'cases.created_at'),
  'cases.suspected_spam',
  'cases.spam_reason',
  'users.display_name as assignee_name',
] as const;

/**
 * PostgreSQL sorts a union as a whole: each range gives at most `limit` rows in its index's
 * order, and the page is the first `limit` of them. Only their keys (in the index itself) go
 * through the union and the sort; the page's own rows are read after, by id, with their
 * assignee's name: one read of the table per row shown rather than per row considered.
 */
async function queuePagePostgres(
  db: Db,
  ranges: ReturnType<typeof queueRange>[],
  limit: number,
  order: QueueOrder,
  withFirst = false,
) {
  const keys = order.filter(([c]) => c !== 'id').map(([c]) => `cases.${c}` as const);
  const keyed = ranges.map((r, i) => {
    let q = r.select(['cases.id as id', ...keys]);
    for (const [c, dir] of order) q = q.orderBy(`cases.${c}`, dir);
    return db.selectFrom(q.limit(limit).as(`range${i}`)).selectAll();
  });
  const [first, ...rest] = keyed;
  let union = first!;
  for (const r of rest) union = union.unionAll(r);
  for (const [c, dir] of order) union = union.orderBy(sql.ref(c), dir);
  const page = union.limit(limit);
  let rows = db
    .selectFrom(page.as('page'))
    .innerJoin('cases', 'cases.id', 'page.id')
    .leftJoin('users', 'users.id', 'cases.assignee_id')
    // Each row's first requester message, in the same round trip (listQueuePage).
    .$if(withFirst, (q) =>
      q
        .leftJoinLateral(
          (eb) =>
            eb
              .selectFrom('messages')
              .select(['messages.id', 'messages.body_enc', 'messages.sealed_to_key'])
              .whereRef('messages.case_id', '=', 'cases.id')
              .where('messages.kind', '=', 'requester')
              .orderBy('messages.created_at')
              .orderBy('messages.id')
              .limit(1)
              .as('first'),
          (join) => join.onTrue(),
        )
        .select([
          'first.id as first_id',
          'first.body_enc as first_body_enc',
          'first.sealed_to_key as first_sealed_to_key',
          'cases.key_wrapped as first_key_wrapped',
          'cases.purged_at as first_purged_at',
        ]),
    )
    .select(QUEUE_COLUMNS);
  for (const [c, dir] of order) rows = rows.orderBy(`cases.${c}`, dir);
  return rows.execute();
}

/** A code the planner may see as written: one of the fixed statuses, never an input as such. */
function statusValue(status: string) {
  return (CASE_STATUSES as readonly string[]).includes(status) ? sql.lit(status) : status;
}

/** The cases of one status that match the filter (and `range`), unordered and unselected. */
function queueRange(
  db: Db,
  status: string,
  f: QueueFilter,
  range: ExpressionOrFactory<Database, 'cases', SqlBool> | undefined,
) {
  // The status and the spam side are written into the statement rather than bound: SQLite
  // chooses its plan without seeing bound values, and with `suspected_spam = ?` it preferred
  // a single-column index and a sort of every matching case to the queue's ordered index.
  // The id is named as such: the union is ordered by name, and `users` has an id too.
  let q = db.selectFrom('cases').where('cases.status', '=', statusValue(status));
  if (f.suspectedSpam !== undefined)
    q = q.where('cases.suspected_spam', '=', sql.lit(f.suspectedSpam === 1 ? 1 : 0));
  if (f.incidentType !== undefined) q = q.where('cases.incident_type', '=', f.incidentType);
  if (f.region !== undefined) q = q.where('cases.region', '=', f.region);
  if (f.language !== undefined) q = q.where('cases.language', '=', f.language);
  if (f.assigneeId === null) q = q.where('cases.assignee_id', 'is', null);
  else if (f.assigneeId !== undefined) q = q.where('cases.assignee_id', '=', f.assigneeId);
  if (f.receivedFrom !== undefined) q = q.where('cases.created_at', '>=', f.receivedFrom);
  if (f.receivedBefore !== undefined) q = q.where('cases.created_at', '<', f.receivedBefore);
  if (range) q = q.where(range);
  if (f.visible) q = q.where(f.visible);
  return q;
}

export type QueueRow = Omit<
  Awaited<ReturnType<typeof listQueueRows>>[number],
  'first_id' | 'first_body_enc' | 'first_sealed_to_key' | 'first_key_wrapped' | 'first_purged_at'
>;

/** A case's first requester message, sealed, with what opens it (firstRequesterMessages). */
export type FirstMessage = Awaited<ReturnType<typeof firstRequesterMessages>>[number];

/**
 * A queue page (listQueueRows) and the first requester message of its first `firstFor` rows,
 * for their first lines. PostgreSQL reads both in one statement (a lateral join on the page's
 * rows), so a page costs no further round trip; SQLite, in process, reads the messages by the
 * page's ids (firstRequesterMessages).
 */
export async function listQueuePage(
  db: Db,
  dialect: Dialect,
  f: QueueFilter,
  firstFor: number,
): Promise<{ rows: QueueRow[]; firstMessages: FirstMessage[] }> {
  if (firstFor <= 0) return { rows: await listQueueRows(db, dialect, f), firstMessages: [] };
  if (dialect !== 'postgres') {
    const rows = await listQueueRows(db, dialect, f);
    return { rows, firstMessages: await firstRequesterMessages(db, rows.slice(0, firstFor).map((r) => r.id)) };
  }
  const found = await listQueueRows(db, dialect, f, true);
  const rows: QueueRow[] = [];
  const firstMessages: FirstMessage[] = [];
  for (const [i, r] of found.entries()) {
    const { first_id, first_body_enc, first_sealed_to_key, first_key_wrapped, first_purged_at, ...row } = r as typeof r & {
      first_id?: string | null;
      first_body_enc?: Buffer | null;
      first_sealed_to_key?: number | null;
      first_key_wrapped?: Buffer;
      first_purged_at?: number | null;
    };
    rows.push(row);
    if (i < firstFor && first_id != null && first_body_enc != null && first_key_wrapped !== undefined)
      firstMessages.push({
        case_id: row.id,
        id: first_id,
        body_enc: first_body_enc,
        sealed_to_key: first_sealed_to_key ?? null,
        key_wrapped: first_key_wrapped,
        purged_at: first_purged_at ?? null,
      });
  }
  return { rows, firstMessages };
}

/**
 * How many cases are suspected spam in one of `statuses`, counting no further than `cap`. One
 * range of cases_queue_main (suspected_spam, status, …) per status, read from the index alone,
 * joined by `union all` under one LIMIT: either engine stops after `cap` entries in all, however
 * many cases there are. With a single `status in (…)`, PostgreSQL planned a read of every
 * suspected case in the index (marked spam and closed ones too), filtering them for the status,
 * which no LIMIT bounds when fewer than `cap` match. The spam side and the statuses
 * are written into the statement, as in `queueRange`, so the plan is chosen knowing them.
 */
export async function countSuspectedSpam(db: Db, statuses: readonly string[], cap: number): Promise<number> {
  const ranges = statuses.map((status) =>
    db
      .selectFrom('cases')
      .select(sql.lit(1).as('one'))
      .where('cases.suspected_spam', '=', sql.lit(1))
      .where('cases.status', '=', statusValue(status)),
  );
  const [first, ...rest] = ranges;
  if (!first) return 0;
  let waiting = first;
  for (const r of rest) waiting = waiting.unionAll(r);
  const row = await db
    .selectFrom(waiting.limit(cap).as('waiting'))
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

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

/** Who is listed for a case (need-to-know, ADR 32), by name, with who listed them and when. */
export async function listCaseAccess(db: Db, caseId: number) {
  return db
    .selectFrom('case_access')
    .innerJoin('users', 'users.id', 'case_access.user_id')
    .select([
      'case_access.user_id',
      'users.display_name',
      'case_access.added_by',
      'case_access.added_at',
    ])
    .where('case_access.case_id', '=', caseId)
    .orderBy('users.display_name')
    .orderBy('case_access.user_id')
    .execute();
}

/** Lists `userIds` for a case; those already listed stay as they were. Returns the ids added. */
export async function addCaseAccess(
  db: Db,
  caseId: number,
  userIds: readonly string[],
  by: string,
  at: number,
): Promise<string[]> {
  if (userIds.length === 0) return [];
  const listed = new Set(
    (
      await db
        .selectFrom('case_access')
        .select('user_id')
        .where('case_id', '=', caseId)
        .where('user_id', 'in', [...userIds])
        .execute()
    ).map((r) => r.user_id),
  );
  const fresh = [...new Set(userIds)].filter((id) => !listed.has(id));
  if (fresh.length === 0) return [];
  await db
    .insertInto('case_access')
    .values(fresh.map((user_id) => ({ case_id: caseId, user_id, added_by: by, added_at: at })))
    .execute();
  return fresh;
}

/** Takes `userId` off a case's list; false when they were not on it. */
export async function removeCaseAccess(db: Db, caseId: number, userId: string): Promise<boolean> {
  const res = await db
    .deleteFrom('case_access')
    .where('case_id', '=', caseId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
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

/** The cases `assigneeId` holds in one of `statuses`, oldest first, with what a reassignment checks. */
export async function listCasesHeldBy(db: Db, assigneeId: string, statuses: readonly string[]) {
  return db
    .selectFrom('cases')
    .select(['id', 'assignee_id', 'version', 'restricted'])
    .where('assignee_id', '=', assigneeId)
    .where('status', 'in', [...statuses])
    .orderBy('id')
    .execute();
}

/** Leaves case `caseId` unassigned if `holderId` still holds it (its version moves on); whether it did. */
export async function releaseCaseHeldBy(db: Db, caseId: number, holderId: string, at: number): Promise<boolean> {
  const res = await db
    .updateTable('cases')
    .set((eb) => ({ assignee_id: null, updated_at: at, version: eb('version', '+', 1) }))
    .where('id', '=', caseId)
    .where('assignee_id', '=', holderId)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/**
 * How many cases `assigneeId` holds in one of `statuses` that pass `visible` (the reader's
 * need-to-know condition, access.ts `visibleSql`): a restricted case the reader may not know
 * is not counted.
 */
export async function countCasesHeldBy(
  db: Db,
  assigneeId: string,
  statuses: readonly string[],
  visible: RawBuilder<SqlBool>,
): Promise<number> {
  const row = await db
    .selectFrom('cases')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('assignee_id', '=', assigneeId)
    .where('status', 'in', [...statuses])
    .where(visible)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * People who hold a case in one of `statuses` but can no longer work (their account is not
 * active), by name: the queue's assignee filter still offers them, so their cases can be found.
 */
export async function listInactiveHolders(db: Db, statuses: readonly string[]) {
  // Asked per person who is not active (a few), as one probe of cases_queue_assignee each
  // (assignee_id, suspected_spam, status): a scalar subquery, which neither engine turns into
  // a join. As an EXISTS, PostgreSQL made it a semi-join that read every active case of the
  // helpline, on every queue page.
  return db
    .selectFrom('users')
    .select(['users.id', 'users.display_name', 'users.status'])
    .where('users.status', '!=', 'active')
    .where(
      (eb) =>
        eb
          .selectFrom('cases')
          .select(sql.lit(1).as('one'))
          .whereRef('cases.assignee_id', '=', 'users.id')
          .where('cases.suspected_spam', 'in', [sql.lit(0), sql.lit(1)])
          .where('cases.status', 'in', [...statuses])
          .limit(1),
      'is not',
      null,
    )
    .orderBy('users.display_name')
    .orderBy('users.id')
    .execute();
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

/**
 * A case's row for the search index (ADR 37), held against a purge until the transaction ends
 * (FOR SHARE on PostgreSQL; SQLite has one writer): an index written from it never outlives
 * the content it was made from.
 */
export async function getCaseRowForIndex(db: Db, caseId: number, postgres: boolean) {
  const q = db.selectFrom('cases').select(['id', 'key_wrapped', 'contact_enc', 'purged_at']).where('id', '=', caseId);
  return (postgres ? q.forShare() : q).executeTakeFirst();
}

/** Cases as the queue lists them, by id, in no particular order (search results). */
export async function queueRowsByIds(db: Db, caseIds: readonly number[]): Promise<QueueRow[]> {
  if (caseIds.length === 0) return [];
  return db
    .selectFrom('cases')
    .leftJoin('users', 'users.id', 'cases.assignee_id')
    .select(QUEUE_COLUMNS)
    .where('cases.id', 'in', [...caseIds])
    .execute();
}
