import type { Deps } from '../../deps.js';
import type { Principal } from '../../platform/auth/roles.js';
import { actorOf, recordAudit } from '../../platform/audit/audit.js';
import type { FieldErrors } from '../../platform/views/form.js';
import { csvLine } from './audit.csv.js';
import { hiddenCaseIds } from '../cases/index.js';
import { listActions, listEntries, listPeople, type AuditRow } from './audit.repo.js';
import { filtersOf, formatCursor, parseCursor, type AuditCursor, type AuditQuery } from './audit.schema.js';

// Reading the audit log across every case and account, and exporting it. Both are audited
// themselves (audit.viewed, audit.exported) with the filters used: who looked at the log is
// part of the log.

/** Entries on one page. */
export const PAGE_SIZE = 50;
/** Entries read per query while exporting: the export is streamed, never held whole. */
export const EXPORT_BATCH = 500;

export interface AuditOptions {
  people: { id: string; displayName: string }[];
  actions: string[];
}

/** What the filter form offers: every person, every action the log holds. */
export async function auditOptions(deps: Deps): Promise<AuditOptions> {
  return { people: await listPeople(deps.db), actions: await listActions(deps.db) };
}

/** A well-formed query's filters that name nothing Haven knows: a message key per field. */
export function unknownFilters(q: AuditQuery, options: AuditOptions): FieldErrors {
  const errors: FieldErrors = {};
  if (q.actor !== undefined && !options.people.some((p) => p.id === q.actor)) errors.actor = 'audit.error.actor_unknown';
  if (q.action !== undefined && !options.actions.includes(q.action)) errors.action = 'audit.error.action_unknown';
  return errors;
}


/** The filters as an audit entry's detail: names and codes only. */
function filterDetail(q: AuditQuery): Record<string, string | number> {
  const d: Record<string, string | number> = {};
  if (q.actor !== undefined) d.actor = q.actor;
  if (q.action !== undefined) d.action = q.action;
  if (q.case !== undefined) d.case = q.case;
  if (q.from !== undefined) d.from = q.from;
  if (q.to !== undefined) d.to = q.to;
  return d;
}

/** The case an entry names in its detail (`case`: a filter of the log, say), if any. */
function caseInDetail(detail: string | null): number | null {
  if (detail === null || !detail.includes('"case"')) return null;
  try {
    const value = (JSON.parse(detail) as Record<string, unknown>).case;
    const id = typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : null;
    return id !== null && Number.isSafeInteger(id) ? id : null;
  } catch {
    return null;
  }
}

/**
 * `rows` without the entries about a restricted case `viewer` may not know (need-to-know,
 * ADR 32): its reads (`case.listed`, `case.viewed`), its changes, and a search of the log by its
 * number. A page may then hold fewer entries than PAGE_SIZE; its cursor is still the last read.
 */
async function knownTo(deps: Deps, viewer: Principal, rows: AuditRow[]): Promise<AuditRow[]> {
  const named = rows.flatMap((r) => [r.caseId, caseInDetail(r.detail)]).filter((id): id is number => id !== null);
  if (named.length === 0) return rows;
  const hidden = await hiddenCaseIds(deps.db, viewer, named);
  if (hidden.size === 0) return rows;
  return rows.filter((r) => !(r.caseId !== null && hidden.has(r.caseId)) && !hidden.has(caseInDetail(r.detail) ?? -1));
}

export interface AuditPage {
  rows: AuditRow[];
  /** The cursor of the next page, or null on the last. */
  nextCursor: string | null;
}

/** One page of the log for `q`, newest first; audited as audit.viewed. */
export async function auditPage(deps: Deps, viewer: Principal, q: AuditQuery): Promise<AuditPage> {
  const found = await listEntries(deps.db, filtersOf(q), parseCursor(q.cursor), PAGE_SIZE + 1);
  const read = found.slice(0, PAGE_SIZE);
  const rows = await knownTo(deps, viewer, read);
  const last = read[read.length - 1];
  await recordAudit(deps.db, deps.now(), {
    ...actorOf(viewer),
    action: 'audit.viewed',
    caseId: null,
    detail: { ...filterDetail(q), page: q.cursor === undefined ? 'first' : 'next' },
  });
  return { rows, nextCursor: found.length > PAGE_SIZE && last ? formatCursor(last) : null };
}

/** The export's columns, as its header row names them. */
export const CSV_COLUMNS = ['id', 'at_utc', 'actor_kind', 'actor_id', 'actor_name', 'action', 'case_id', 'detail'] as const;

/**
 * The entries that pass `q` as CSV, newest first: the header row, then one line per entry,
 * read EXPORT_BATCH at a time by keyset, so memory stays flat however long the log is. The
 * export is audited (audit.exported) before its first line is read.
 */
export async function* exportCsv(deps: Deps, exporter: Principal, q: AuditQuery): AsyncGenerator<string> {
  await recordAudit(deps.db, deps.now(), {
    ...actorOf(exporter),
    action: 'audit.exported',
    caseId: null,
    detail: filterDetail(q),
  });
  const filters = filtersOf(q);
  yield csvLine(CSV_COLUMNS);
  let after: AuditCursor | null = null;
  for (;;) {
    const rows = await listEntries(deps.db, filters, after, EXPORT_BATCH);
    if (rows.length === 0) return;
    yield (await knownTo(deps, exporter, rows))
      .map((r) =>
        csvLine([r.id, new Date(r.at).toISOString(), r.actorKind, r.actorId, r.actorName, r.action, r.caseId, r.detail]),
      )
      .join('');
    if (rows.length < EXPORT_BATCH) return;
    const last = rows[rows.length - 1]!;
    after = { at: last.at, id: last.id };
  }
}
