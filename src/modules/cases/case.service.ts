import './case.errors.js';
import type { Deps } from '../../deps.js';
import type { Principal } from '../../platform/auth/roles.js';
import {
  actorOf,
  auditWrite,
  listAuditForCase,
  recordAudit,
  type AuditEntry,
  type AuditRecord,
} from '../../platform/audit/audit.js';
import { fail, ok, type Result } from '../../platform/errors.js';
import { recordEvent, type NewEvent } from '../../platform/events/outbox.js';
import { spendToken, type OneTimeToken } from '../../platform/http/spent-tokens.js';
import { ACTIVE_STATUSES, CASE_STATUSES, type CaseStatus } from '../../contracts/case.js';
import {
  canTransition,
  FINISHED_STATUSES,
  messageId,
  queueStatuses,
  STATUS_TRANSITIONS,
  statusAfterReply,
} from './case.js';
import { can, canSetAssignee } from './case.policy.js';
import * as repo from './case.repo.js';
import { countQueueFor, hiddenCaseIds, mayKnow, visibleSql, whoMayKnow } from './access.js';
import type { CaseExtension } from '../../contracts/case-extension.js';
import { checkStatusMoves } from './case-extensions.js';
import { messageField, openMessageBody } from './message-body.js';
import { dayStart, decodeCursor, encodeCursor, firstLine, nextDay, QUEUE_COUNT_MAX } from './queue.js';
import { attachStaged, type StagedAttachment } from './attachment.service.js';
import type { PatchCaseInput, QueueQuery, TriageInput } from './case.schema.js';
import { cachedTerms, findTerm, type TaxonomyKind } from '../taxonomies/index.js';
import { visibleLinks, type CaseLinkView } from './link.service.js';
import * as linkRepo from './link.repo.js';

// The handler workspace's use cases. Each loads what it needs inside one transaction, checks
// the rules that depend on the case (assignment, transitions, versions), writes through the
// repo and appends audit entries in the same transaction, and returns a typed Result.

/** Roles that can hold a case. */
const CASE_WORKER_ROLES = ['admin', 'coordinator', 'handler'] as const;

/** Default and largest queue page. */
export const QUEUE_PAGE = { default: 50, max: 200 } as const;

export type CaseSummaryRow = NonNullable<Awaited<ReturnType<typeof repo.getCaseSummaryRow>>>;

/** How an actor appears in the audit log. */

export interface QueuePage {
  rows: repo.QueueRow[];
  nextCursor: string | null;
  /** How many cases match, counted no further than QUEUE_COUNT_MAX (`capped` when there are more). */
  total: { count: number; capped: boolean };
  /** Each row's request, its first line (queue.ts `firstLine`), when asked for; null for a purged case. */
  firstLines: Map<number, string | null>;
}

/**
 * One page of the queue for `actor`. Without a status filter it shows the active statuses
 * (`all`: every status, closed ones too);
 * `assignee` may be a staff id, `unassigned` or `mine`. Lists structured fields only, unless
 * `firstLines` asks for the first line of each row's request: only the rows of the page are
 * opened, and each such read is audited (`case.listed`). The
 * main view leaves out suspected spam; `view: 'spam'` shows only that (and what was marked
 * as spam, until retention deletes it). `sort` picks the order (queue.ts); the received-date
 * filter's days are the actor's (their time zone). A cursor made for another order, or a
 * received range that ends before it starts, is VALIDATION_FAILED.
 */
export async function listQueue(
  deps: Deps,
  actor: Principal,
  query: QueueQuery,
  opts: { firstLines?: boolean } = {},
): Promise<Result<QueuePage>> {
  const limit = Math.min(query.limit ?? QUEUE_PAGE.default, QUEUE_PAGE.max);
  const sort = query.sort ?? 'deadline';
  const assigneeId =
    query.assignee === undefined
      ? undefined
      : query.assignee === 'unassigned'
        ? null
        : query.assignee === 'mine'
          ? actor.userId
          : query.assignee;
  const cursor = query.cursor === undefined ? undefined : decodeCursor(sort, query.cursor);
  if (cursor === null) return fail('VALIDATION_FAILED', 'cursor');
  if (query.received_from && query.received_to && query.received_from > query.received_to)
    return fail('VALIDATION_FAILED', 'received_to');
  const zone = actor.timeZone;
  const filter = {
    statuses: queueStatuses(query.view ?? 'main', query.status),
    suspectedSpam: query.view === 'spam' ? (1 as const) : (0 as const),
    incidentType: query.incident_type,
    region: query.region,
    language: query.language,
    assigneeId,
    receivedFrom: query.received_from ? dayStart(query.received_from, zone) : undefined,
    receivedBefore: query.received_to ? dayStart(nextDay(query.received_to), zone) : undefined,
  };
  // The count is asked for while the page is read; the page brings its rows' first messages.
  // Both leave out the restricted cases the actor may not know (need-to-know, ADR 32).
  const counting = countQueueFor(deps.db, actor, filter, QUEUE_COUNT_MAX + 1);
  const { rows, firstMessages } = await repo.listQueuePage(
    deps.db,
    deps.dialect,
    {
      ...filter,
      visible: visibleSql(actor),
      sort,
      after: cursor === undefined ? undefined : cursor.sort === 'deadline' ? cursor : { at: cursor.at, id: cursor.id },
      limit: limit + 1,
    },
    opts.firstLines ? limit : 0,
  );
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const [counted, firstLines] = await Promise.all([
    counting,
    opts.firstLines ? openFirstLines(deps, actor, page.map((r) => r.id), firstMessages) : new Map<number, string | null>(),
  ]);
  return ok({
    rows: page,
    nextCursor: more ? encodeCursor(sort, page[page.length - 1]!) : null,
    total: { count: Math.min(counted, QUEUE_COUNT_MAX), capped: counted > QUEUE_COUNT_MAX },
    firstLines,
  });
}

/**
 * The first line of the request of each of `caseIds` (a queue page's rows, never more than
 * QUEUE_PAGE.max), opened under each case's key; null for a purged case. Each case read is
 * audited (`case.listed`), together in one statement. The text goes to the page only: never to
 * a log.
 */
async function openFirstLines(
  deps: Deps,
  actor: Principal,
  caseIds: number[],
  found: repo.FirstMessage[],
): Promise<Map<number, string | null>> {
  const lines = new Map<number, string | null>();
  if (caseIds.length === 0) return lines;
  // The cases about to be read, audited before their text is returned (the write runs while
  // they are opened); a page whose audit entries cannot be written shows none of it.
  const read = new Set(found.filter((m) => m.purged_at === null).map((m) => m.case_id));
  const [first, ...rest] = caseIds.filter((id) => read.has(id)).map((caseId) => ({ ...actorOf(actor), action: 'case.listed', caseId }));
  const audited = first ? auditWrite(deps.db, deps.now(), first, ...rest).execute() : undefined;
  for (const m of found) {
    if (m.purged_at !== null) {
      lines.set(m.case_id, null);
      continue;
    }
    const key = deps.vault.caseKey(m.case_id, m.key_wrapped);
    lines.set(m.case_id, firstLine(openMessageBody(deps.vault, key, m)));
  }
  await audited;
  return lines;
}

export interface StaffMessage {
  id: string;
  kind: 'requester' | 'reply' | 'note';
  authorId: string | null;
  authorName: string | null;
  body: string;
  createdAt: number;
  /** The receipt it belongs to when not the case's own: a case merged into this one (ADR 38). */
  via?: number | null;
}

export interface AuditLine extends AuditRecord {
  actorName: string | null;
}

export interface CaseView {
  case: CaseSummaryRow;
  contact: string | null;
  messages: StaffMessage[];
  /** The case's recent audit entries, when the actor may see them (else null). */
  audit: AuditLine[] | null;
  /** When and by which rule its personal data was deleted; null while it is kept. */
  purged: { at: number; rule: string } | null;
  /** The case it was merged into (ADR 38), or null. */
  mergedInto: number | null;
  /** Cases merged into it, whose receipts reach its conversation (ADR 38). */
  mergedHere: number[];
  /** Its links to cases the actor may know (ADR 38). */
  links: CaseLinkView[];
  /** Its keyed contact hash, for the duplicates the page suggests (ADR 38). */
  contactHash: string | null;
}

/**
 * A case as staff see it: structured fields, the decrypted contact and conversation
 * (requester messages, replies, notes), and its recent audit trail for those allowed. The
 * view itself is audited.
 */
export async function viewCase(
  deps: Deps,
  actor: Principal,
  caseId: number,
): Promise<Result<CaseView>> {
  const row = await repo.getCaseRow(deps.db, caseId);
  // A restricted case the actor may not know is no case at all to them (ADR 32).
  const summary = row && (await mayKnow(deps.db, actor, row)) && (await repo.getCaseSummaryRow(deps.db, caseId));
  if (!row || !summary) return fail('NOT_FOUND');
  // A purged case has no key and no messages left: its structured fields are all there is.
  const key = row.purged_at === null ? deps.vault.caseKey(caseId, row.key_wrapped) : null;
  const messages = (
    key ? await repo.listMessageRows(deps.db, caseId, ['requester', 'reply', 'note']) : []
  ).map((m) => ({
    id: m.id,
    kind: m.kind as StaffMessage['kind'],
    authorId: m.author_id,
    authorName: m.author_name,
    body: openMessageBody(deps.vault, key!, m),
    createdAt: m.created_at,
    via: m.via_case_id,
  }));
  const contact = key && row.contact_enc ? key.open('contact', row.contact_enc) : null;
  await recordAudit(deps.db, deps.now(), { ...actorOf(actor), action: 'case.viewed', caseId });
  let audit: AuditLine[] | null = null;
  if (can(actor, 'case.view_audit', row)) {
    const records = await listAuditForCase(deps.db, caseId, 20);
    const names = await repo.staffNames(deps.db, [
      ...new Set(records.flatMap((r) => (r.actorId ? [r.actorId] : []))),
    ]);
    audit = records.map((r) => ({
      ...r,
      actorName: r.actorId ? (names.get(r.actorId) ?? null) : null,
    }));
  }
  const purged =
    row.purged_at === null ? null : { at: row.purged_at, rule: row.purge_rule ?? '' };
  const [links, mergedHere] = await Promise.all([visibleLinks(deps.db, actor, caseId), linkRepo.mergedIntoIt(deps.db, caseId)]);
  return ok({ case: summary, contact, messages, audit, purged, mergedInto: row.merged_into, mergedHere, links, contactHash: row.contact_hash });
}

/** The links of case `caseId` that `actor` may see (ADR 38); none for a case they may not know. */
export async function caseLinksFor(deps: Deps, actor: Principal, caseId: number): Promise<CaseLinkView[]> {
  const row = await repo.getCaseRow(deps.db, caseId);
  if (!row || !(await mayKnow(deps.db, actor, row))) return [];
  return visibleLinks(deps.db, actor, caseId);
}

/** Staff who can be given a case, for the assignment form. */
export async function listCaseWorkers(
  deps: Deps,
): Promise<{ id: string; displayName: string; role: string }[]> {
  const rows = await repo.listCaseWorkers(deps.db, CASE_WORKER_ROLES);
  return rows.map((r) => ({ id: r.id, displayName: r.display_name, role: r.role }));
}

/** A staff member who can hold cases (active, a case-working role), or undefined. */
export function findCaseWorker(db: repo.Db, userId: string) {
  return repo.findCaseWorker(db, userId, CASE_WORKER_ROLES);
}

/** The taxonomy each triage field's code must come from. */
const TRIAGE_TAXONOMY: Partial<Record<keyof TriageInput, TaxonomyKind>> = {
  incident_type: 'incident_type',
  severity: 'severity',
  country: 'country',
  beneficiary: 'beneficiary',
  language: 'language',
  mandate: 'mandate',
};

/** A change to a case: any of the triage fields, the assignee and the status. */
export type CaseChanges = Omit<PatchCaseInput, 'version'>;

/**
 * Changes a case's triage fields, assignee and status in one transaction, if it is still at
 * `version` (when given; else CONFLICT). Each part is checked: codes against the taxonomies
 * (VALIDATION_FAILED with the field), the assignee against the policy (FORBIDDEN) and the
 * staff list (CASE_ASSIGNEE_INVALID), the status against the lifecycle
 * (CASE_STATUS_TRANSITION). A country sets its region. Nothing that equals the current value
 * counts as a change; a change that changes nothing writes nothing.
 */
export async function updateCase(
  deps: Deps,
  actor: Principal,
  caseId: number,
  changes: CaseChanges,
  version?: number,
  opts: { override?: boolean } = {},
): Promise<Result<CaseSummaryRow>> {
  const now = deps.now();
  return deps.db.transaction().execute((trx) =>
    changeCase(trx, actor, caseId, changes, version, now, {
      extensions: deps.caseExtensions,
      override: opts.override ?? false,
    }),
  );
}

/**
 * `updateCase` inside a transaction the caller holds (one case of a bulk change, bulk.service.ts):
 * the same checks, writes, audit entries and events. A refusal has written nothing of this case.
 */
export async function changeCase(
  trx: repo.Db,
  actor: Principal,
  caseId: number,
  changes: CaseChanges,
  version: number | undefined,
  now: number,
  checks: { extensions?: readonly CaseExtension[] | undefined; override?: boolean } = {},
): Promise<Result<CaseSummaryRow>> {
  const current = await repo.getCaseRow(trx, caseId);
  if (!current || !(await mayKnow(trx, actor, current))) return fail('NOT_FOUND');
  if (version !== undefined && current.version !== version) return fail('CONFLICT');

  const patch: Parameters<typeof repo.updateCaseIfVersion>[3] = {};
  const changed: string[] = [];
  const audits: AuditEntry[] = [];
  const events: NewEvent[] = [];

  for (const field of Object.keys(TRIAGE_TAXONOMY) as (keyof TriageInput)[]) {
    const value = changes[field];
    if (value === undefined || value === current[field]) continue;
    if (value !== null) {
      const term = await findTerm({ db: trx }, TRIAGE_TAXONOMY[field]!, value);
      if (!term) return fail('VALIDATION_FAILED', field);
      if (field === 'country') patch.region = term.parent;
    } else if (field === 'language' || field === 'mandate') {
      return fail('VALIDATION_FAILED', field);
    } else if (field === 'country') {
      patch.region = null;
    }
    (patch as Record<string, unknown>)[field] = value;
    changed.push(field);
  }
  if (changes.urgency !== undefined && changes.urgency !== current.urgency) {
    patch.urgency = changes.urgency;
    changed.push('urgency');
  }
  if (changed.length)
    audits.push({
      ...actorOf(actor),
      action: 'case.triaged',
      caseId,
      detail: { fields: changed.join(',') },
    });

  if (changes.assignee_id !== undefined && changes.assignee_id !== current.assignee_id) {
    const target = changes.assignee_id;
    if (!canSetAssignee(actor, current, target)) return fail('FORBIDDEN', 'assignee_id');
    if (target !== null && !(await repo.findCaseWorker(trx, target, CASE_WORKER_ROLES))) {
      return fail('CASE_ASSIGNEE_INVALID', 'assignee_id');
    }
    // A restricted case is held only by someone who may know it; nobody is added by assigning.
    if (target !== null && current.restricted === 1 && !(await whoMayKnow(trx, caseId, [target])).has(target))
      return fail('CASE_ASSIGNEE_NOT_LISTED', 'assignee_id');
    patch.assignee_id = target;
    const claimed = target !== null && target === actor.userId && current.assignee_id === null;
    audits.push({
      ...actorOf(actor),
      action: claimed ? 'case.claimed' : 'case.assigned',
      caseId,
      detail: { from: current.assignee_id, to: target },
    });
    events.push({ type: 'case.assigned', payload: { caseId, from: current.assignee_id, to: target, by: actor.userId } });
  }

  if (changes.status !== undefined && changes.status !== current.status) {
    // A merged case stays closed: its conversation lives on in the case it was merged into (ADR 38).
    if (current.merged_into !== null) return fail('CASE_MERGED', 'status');
    if (!canTransition(current.status, changes.status))
      return fail('CASE_STATUS_TRANSITION', 'status');
    if (changes.status === 'spam' && !can(actor, 'case.mark_spam'))
      return fail('FORBIDDEN', 'status');
    // Other modules' say (contracts/case-extension.ts): refused, or overridden by a lead (audited).
    const checked = await checkStatusMoves(trx, checks.extensions, {
      caseId,
      actor,
      moves: [[current.status, changes.status]],
      override: checks.override ?? false,
    });
    if (checked.refused)
      return { ok: false, code: 'CASE_STATUS_REFUSED', field: 'status', messageKey: checked.refused.messageKey };
    if (checked.overridden.length)
      audits.push({
        ...actorOf(actor),
        action: 'case.checks_overridden',
        caseId,
        detail: { to: changes.status, refused: checked.overridden.map((r) => r.messageKey).join(',') },
      });
    patch.status = changes.status;
    // Spam always sits in the suspected-spam queue; leaving it is "not spam" (ADR 13).
    if (changes.status === 'spam') {
      patch.suspected_spam = 1;
      patch.spam_reason = current.spam_reason ?? 'staff';
    } else if (current.status === 'spam') {
      patch.suspected_spam = 0;
      patch.spam_reason = null;
    }
    const finished = (FINISHED_STATUSES as readonly string[]).includes(changes.status);
    patch.closed_at = finished ? now : null;
    audits.push({
      ...actorOf(actor),
      action: 'case.status_changed',
      caseId,
      detail: { from: current.status, to: changes.status },
    });
    events.push({ type: 'case.status_changed', payload: { caseId, from: current.status, to: changes.status } });
  }

  if (audits.length === 0) return ok((await repo.getCaseSummaryRow(trx, caseId))!);
  patch.updated_at = now;
  if (!(await repo.updateCaseIfVersion(trx, caseId, current.version, patch)))
    return fail('CONFLICT');
  for (const a of audits) await recordAudit(trx, now, a);
  for (const e of events) await recordEvent(trx, e, now);
  return ok((await repo.getCaseSummaryRow(trx, caseId))!);
}

/** Thrown to roll back a transaction that has written part of its work; carries the answer. */
class Abandon extends Error {
  constructor(readonly code: 'CONFLICT') {
    super(code);
  }
}

/**
 * How many open cases (the active statuses) `assigneeId` holds that `actor` may know: a
 * restricted case they may not know is never counted to them (ADR 32), so the number says
 * nothing of it.
 */
export function countOpenCases(deps: Deps, actor: Principal, assigneeId: string): Promise<number> {
  return repo.countCasesHeldBy(deps.db, assigneeId, ACTIVE_STATUSES, visibleSql(actor));
}

/**
 * Releases, inside `trx` (the transaction that disables `holderId`'s account), the open
 * restricted cases they hold that `actor` may not know: the actor was never shown them, so they
 * could not reassign them, and a case held by an account nobody signs in to is worked by nobody.
 * Released, each is found unassigned by its teams' leads, who may know it (ADR 32's addendum).
 * Each is audited (`case.assigned`, to nobody, by the actor) and announced as a release is. A
 * case changed meanwhile is still released (the update asks only that the holder is the same).
 * Returns how many, for the caller alone: never shown to the actor.
 */
export async function releaseHiddenCases(
  deps: Pick<Deps, 'now'>,
  trx: Deps['db'],
  actor: Principal,
  holderId: string,
): Promise<number> {
  const now = deps.now();
  const held = (await repo.listCasesHeldBy(trx, holderId, ACTIVE_STATUSES)).filter((c) => c.restricted === 1);
  if (held.length === 0) return 0;
  const hidden = await hiddenCaseIds(trx, actor, held.map((c) => c.id));
  let released = 0;
  for (const id of [...hidden].sort((a, b) => a - b)) {
    if (!(await repo.releaseCaseHeldBy(trx, id, holderId, now))) continue;
    released += 1;
    await recordAudit(trx, now, { ...actorOf(actor), action: 'case.assigned', caseId: id, detail: { from: holderId, to: null } });
    await recordEvent(trx, { type: 'case.assigned', payload: { caseId: id, from: holderId, to: null, by: actor.userId } }, now);
  }
  return released;
}

/**
 * Gives every open case (the active statuses) that `fromId` holds to `toId`, in one
 * transaction: each case is checked, written, audited (`case.assigned`, from and to) and
 * announced (`case.assigned`) as `updateCase` does for one. VALIDATION_FAILED when `toId` is
 * `fromId`; CASE_ASSIGNEE_INVALID when `toId` cannot hold cases (unknown, not active, not a
 * case-working role); FORBIDDEN when the actor may not assign one of the cases; CONFLICT
 * when a case changed meanwhile (a second copy of the same request finds them changed):
 * then nothing is written. `count` is how many cases moved that the actor may know (0 when
 * there were none): a restricted case they may not know moves (or is released) all the same,
 * uncounted (ADR 32).
 */
export async function reassignOpenCases(
  deps: Deps,
  actor: Principal,
  fromId: string,
  toId: string,
): Promise<Result<{ count: number }>> {
  if (fromId === toId) return fail('VALIDATION_FAILED', 'assignee_id');
  const now = deps.now();
  try {
    return await deps.db.transaction().execute(async (trx): Promise<Result<{ count: number }>> => {
      if (!(await repo.findCaseWorker(trx, toId, CASE_WORKER_ROLES)))
        return fail('CASE_ASSIGNEE_INVALID', 'assignee_id');
      const held = await repo.listCasesHeldBy(trx, fromId, ACTIVE_STATUSES);
      if (held.some((c) => !canSetAssignee(actor, c, toId))) return fail('FORBIDDEN', 'assignee_id');
      for (const current of held) {
        // A restricted case goes only to someone who may know it; else it is released, and its
        // teams' leads (who may know it) find it unassigned (ADR 32).
        const to =
          current.restricted === 1 && !(await whoMayKnow(trx, current.id, [toId])).has(toId) ? null : toId;
        if (!(await repo.updateCaseIfVersion(trx, current.id, current.version, { assignee_id: to, updated_at: now })))
          throw new Abandon('CONFLICT');
        await recordAudit(trx, now, {
          ...actorOf(actor),
          action: 'case.assigned',
          caseId: current.id,
          detail: { from: fromId, to },
        });
        await recordEvent(
          trx,
          { type: 'case.assigned', payload: { caseId: current.id, from: fromId, to, by: actor.userId } },
          now,
        );
      }
      // The count is shown to the actor: only the cases they may know (ADR 32).
      const hidden = await hiddenCaseIds(trx, actor, held.filter((c) => c.restricted === 1).map((c) => c.id));
      return ok({ count: held.length - hidden.size });
    });
  } catch (e) {
    if (e instanceof Abandon) return fail(e.code);
    throw e;
  }
}

/**
 * The queue filter's people who hold open cases but whose account is not active (disabled,
 * or waiting for a new enrolment), by name.
 */
export async function listInactiveCaseHolders(
  deps: Deps,
): Promise<{ id: string; displayName: string; status: string }[]> {
  const rows = await repo.listInactiveHolders(deps.db, ACTIVE_STATUSES);
  return rows.map((r) => ({ id: r.id, displayName: r.display_name, status: r.status }));
}

export interface PostedMessage {
  message: StaffMessage;
  case: CaseSummaryRow;
}

/**
 * Sends a reply to the requester: it appears on their follow-up page. The first reply
 * records the first response; every reply clears "awaiting reply"; a new case becomes open
 * (see `statusAfterReply`).
 */
export async function replyToRequester(
  deps: Deps,
  actor: Principal,
  caseId: number,
  body: string,
): Promise<Result<PostedMessage>> {
  const r = await replyWithStatus(deps, actor, caseId, { body });
  return r.ok ? ok({ message: r.value.message!, case: r.value.case }) : r;
}

/** Adds an internal note: staff only, never shown to the requester, changes nothing else. */
export async function addNote(
  deps: Deps,
  actor: Principal,
  caseId: number,
  body: string,
): Promise<Result<PostedMessage>> {
  return postNote(deps, actor, caseId, body);
}

async function postNote(deps: Deps, actor: Principal, caseId: number, body: string): Promise<Result<PostedMessage>> {
  const now = deps.now();
  return deps.db.transaction().execute(async (trx): Promise<Result<PostedMessage>> => {
    const row = await repo.getCaseRow(trx, caseId);
    if (!row || !(await mayKnow(trx, actor, row))) return fail('NOT_FOUND');
    // Its key is gone: nothing can be written to a purged case.
    if (row.purged_at !== null) return fail('CONFLICT');
    // A merged case's conversation is in the case it was merged into (ADR 38).
    if (row.merged_into !== null) return fail('CASE_MERGED');
    const key = deps.vault.caseKey(caseId, row.key_wrapped);
    const id = messageId(now);
    await repo.insertMessage(trx, {
      id,
      case_id: caseId,
      kind: 'note',
      author_id: actor.userId,
      body_enc: key.seal(messageField(id), body),
      created_at: now,
    });
    await repo.touchCase(trx, caseId, now);
    await recordAudit(trx, now, {
      ...actorOf(actor),
      action: 'case.note_added',
      caseId,
      detail: { message: id },
    });
    // Identifiers only; the search index reads the note after commit (ADR 37).
    await recordEvent(trx, { type: 'case.note_added', payload: { caseId, messageId: id, by: actor.userId } }, now);
    const summary = (await repo.getCaseSummaryRow(trx, caseId))!;
    return ok({ message: staffMessage(actor, id, 'note', body, now), case: summary });
  });
}

/** The message just written, as the case page and the API show it. */
function staffMessage(actor: Principal, id: string, kind: 'reply' | 'note', body: string, createdAt: number): StaffMessage {
  return { id, kind, authorId: actor.userId, authorName: actor.displayName, body, createdAt };
}

/** What the reply form sends: the reply, and the status the case moves to with it (none: the reply's own effect only). */
export interface ReplyWithStatus {
  body: string;
  /** The status to move to; null or absent leaves the status as the reply leaves it. */
  status?: CaseStatus | null | undefined;
  /** The version the form saw; required with a status, as on the status form. */
  version?: number | undefined;
  /**
   * The receipt the reply is written to when not the case's own: a case merged into this one
   * (ADR 38), whose requester alone reads it. Null or absent: the case's own requester.
   */
  to?: number | null | undefined;
}

/** Thrown inside `replyWithStatus`'s transaction to roll all of it back (the spent form token too). */
class Refuse extends Error {
  constructor(
    readonly code:
      | 'NOT_FOUND'
      | 'CONFLICT'
      | 'FORBIDDEN'
      | 'VALIDATION_FAILED'
      | 'CASE_STATUS_TRANSITION'
      | 'CASE_STATUS_REFUSED'
      | 'CASE_MERGED',
    readonly field?: string,
    readonly messageKey?: string,
  ) {
    super(code);
  }
}

/**
 * The statuses a case in `status` can be left in by a reply that also sets its status, in
 * lifecycle order: a move the lifecycle allows from its status (new → vetting), or from the
 * status the reply itself leaves it in (new → open → waiting). Spam is never among them:
 * marking spam and leaving spam are the spam forms' (ADR 13).
 */
export function statusesWithReply(status: string): CaseStatus[] {
  if (status === 'spam') return [];
  const after = statusAfterReply(status);
  const direct = STATUS_TRANSITIONS[status as CaseStatus] ?? [];
  const onward = STATUS_TRANSITIONS[after as CaseStatus] ?? [];
  return CASE_STATUSES.filter(
    (s) => s !== 'spam' && s !== status && (s === after || direct.includes(s) || onward.includes(s)),
  );
}

/**
 * Sends a reply and, with `status`, moves the case to that status, in one transaction: the
 * message, the case's changes, their audit entries and events are saved together or not at
 * all. Without a status it is `replyToRequester` (replies never conflict). With one, the
 * lifecycle and the version are checked as on the status form: a status the lifecycle does
 * not allow from the case's status, or from the one the reply leaves it in (see
 * `statusesWithReply`), is CASE_STATUS_TRANSITION; a case changed since `version` is CONFLICT;
 * then nothing is saved, the reply neither. A new case the reply opens and then moves on is
 * audited as both moves (new → open → waiting). With `once`, the form's one-time token is
 * spent in the same transaction: the same form sent again after it was saved changes nothing
 * and answers `repeated`.
 */
export async function replyWithStatus(
  deps: Deps,
  actor: Principal,
  caseId: number,
  input: ReplyWithStatus,
  opts: { once?: OneTimeToken | undefined; attachments?: readonly StagedAttachment[] } = {},
): Promise<Result<{ repeated: boolean; case: CaseSummaryRow; message: StaffMessage | null }>> {
  const target = input.status ?? null;
  if (target !== null && input.version === undefined) return fail('VALIDATION_FAILED', 'version');
  const now = deps.now();
  try {
    return await deps.db.transaction().execute(async (trx) => {
      if (opts.once && !(await spendToken(trx, opts.once))) {
        const known = await repo.getCaseRow(trx, caseId);
        if (!known || !(await mayKnow(trx, actor, known))) throw new Refuse('NOT_FOUND');
        return ok({ repeated: true, case: (await repo.getCaseSummaryRow(trx, caseId))!, message: null });
      }
      const row = await repo.getCaseRow(trx, caseId);
      if (!row || !(await mayKnow(trx, actor, row))) throw new Refuse('NOT_FOUND');
      // Its key is gone: nothing can be written to a purged case.
      if (row.purged_at !== null) throw new Refuse('CONFLICT');
      // A merged case's requester is reached through the case it was merged into (ADR 38).
      if (row.merged_into !== null) throw new Refuse('CASE_MERGED');
      const to = input.to ?? null;
      if (to !== null && !(await linkRepo.mergedReceipts(trx, caseId)).includes(to)) throw new Refuse('VALIDATION_FAILED', 'to');
      if (target !== null && row.version !== input.version) throw new Refuse('CONFLICT');
      const afterReply = statusAfterReply(row.status);
      // The moves this reply makes, in order: from → to.
      const moves: [string, string][] = [];
      if (target === null || target === afterReply) {
        if (afterReply !== row.status) moves.push([row.status, afterReply]);
      } else {
        if (!can(actor, 'case.status', row)) throw new Refuse('FORBIDDEN', 'status');
        if (!statusesWithReply(row.status).includes(target))
          throw new Refuse('CASE_STATUS_TRANSITION', 'status');
        if (canTransition(row.status, target)) moves.push([row.status, target]);
        else moves.push([row.status, afterReply], [afterReply, target]);
      }
      const checked = await checkStatusMoves(trx, deps.caseExtensions, { caseId, actor, moves, override: false });
      if (checked.refused) throw new Refuse('CASE_STATUS_REFUSED', 'status', checked.refused.messageKey);

      const key = deps.vault.caseKey(caseId, row.key_wrapped);
      const id = messageId(now);
      await repo.insertMessage(trx, {
        id,
        case_id: caseId,
        kind: 'reply',
        author_id: actor.userId,
        body_enc: key.seal(messageField(id), input.body),
        created_at: now,
        via_case_id: to,
      });
      // Files sent with the reply join it in this transaction (ADR 26).
      if (opts.attachments?.length) await attachStaged(trx, deps.vault, { caseId, messageId: id, key }, opts.attachments);
      const status = moves.length ? moves[moves.length - 1]![1] : row.status;
      const patch: Parameters<typeof repo.updateCaseIfVersion>[3] = {
        awaiting_reply: 0,
        first_response_at: row.first_response_at ?? now,
        last_activity_at: now,
        updated_at: now,
        status,
      };
      if (status !== row.status)
        patch.closed_at = (FINISHED_STATUSES as readonly string[]).includes(status) ? now : null;
      // Only a status change is checked against the version the form saw; a reply alone appends.
      if (!(await repo.updateCaseIfVersion(trx, caseId, target === null ? undefined : row.version, patch)))
        throw new Refuse('CONFLICT');
      await recordAudit(trx, now, { ...actorOf(actor), action: 'case.replied', caseId, detail: { message: id } });
      await recordEvent(trx, { type: 'case.replied', payload: { caseId, messageId: id, by: actor.userId } }, now);
      for (const [from, to] of moves) {
        await recordAudit(trx, now, { ...actorOf(actor), action: 'case.status_changed', caseId, detail: { from, to } });
        await recordEvent(trx, { type: 'case.status_changed', payload: { caseId, from, to } }, now);
      }
      return ok({
        repeated: false,
        case: (await repo.getCaseSummaryRow(trx, caseId))!,
        message: { ...staffMessage(actor, id, 'reply', input.body, now), via: to },
      });
    });
  } catch (e) {
    if (e instanceof Refuse)
      return {
        ok: false,
        code: e.code,
        ...(e.field !== undefined ? { field: e.field } : {}),
        ...(e.messageKey !== undefined ? { messageKey: e.messageKey } : {}),
      };
    throw e;
  }
}

/**
 * RSIT class/type of every incident type (retired ones too: cases keep them), for labelling lists
 * without a query per row; from the process's kept copy of the vocabulary (ADR 22).
 */
export async function rsitByIncidentType(deps: Deps): Promise<Map<string, string | null>> {
  return new Map((await cachedTerms(deps, 'incident_type', { includeRetired: true })).map((t) => [t.code, t.rsit]));
}
