import type { Deps } from '../../deps.js';
import type { Principal } from '../../platform/auth/roles.js';
import { actorOf, recordAudit } from '../../platform/audit/audit.js';
import { fail, ok, type Result } from '../../platform/errors.js';
import { spendToken, type OneTimeToken } from '../../platform/http/spent-tokens.js';
import { ACTIVE_STATUSES } from '../../contracts/case.js';
import { mayKnow, visibleCaseIds } from './access.js';
import { can } from './case.policy.js';
import * as repo from './case.repo.js';
import * as links from './link.repo.js';
import { DUPLICATES_MAX, normalizeHandle, type LinkReason } from './link.js';

// Linking cases and the duplicates the case page suggests (ADR 38). A link is symmetric (one
// row per pair), audited on both cases in the transaction that makes or removes it, with the
// form's one-time token spent there too. Need-to-know first (ADR 32): a case the person may not
// know is answered as a number naming no case, on either side of a link, and a link to one is
// not shown to them.

/** A link as a case page and the API show it: the other case, why, when and by whom. */
export interface CaseLinkView {
  caseId: number;
  status: string;
  mergedInto: number | null;
  reason: LinkReason;
  createdBy: string;
  createdAt: number;
}

/** A case from the same contact handle, offered on the case page. */
export interface DuplicateSuggestion {
  caseId: number;
  status: string;
  createdAt: number;
  linked: boolean;
}

/** The keyed hash a contact handle is compared by (Vault.keyedHash, purpose `contact`); null for no handle. */
export function contactHash(deps: Pick<Deps, 'vault'>, contact: string | null): string | null {
  if (contact === null) return null;
  const handle = normalizeHandle(contact);
  return handle === '' ? null : deps.vault.keyedHash('contact', handle);
}

/** The links of case `caseId` that `actor` may see: those to a case they may not know are left out. */
export async function visibleLinks(db: repo.Db, actor: Principal, caseId: number): Promise<CaseLinkView[]> {
  const rows = await links.linksOf(db, caseId);
  if (rows.length === 0) return [];
  const known = await visibleCaseIds(db, actor, rows.map((r) => r.other_id));
  return rows
    .filter((r) => known.has(r.other_id))
    .map((r) => ({
      caseId: r.other_id,
      status: r.status,
      mergedInto: r.merged_into,
      reason: r.reason as LinkReason,
      createdBy: r.created_by,
      createdAt: Number(r.created_at),
    }));
}

/**
 * The other open cases (the active statuses, not merged) from the same contact handle as case
 * `caseId`, as `actor` may know them, newest first, at most DUPLICATES_MAX. `contact` is the
 * case's handle as its page opened it: a case saved before the hash existed gets it now. None for
 * a case without a handle. Nothing is opened: the handles are compared by their keyed hash.
 */
export async function duplicateSuggestions(
  deps: Deps,
  actor: Principal,
  c: { id: number; contact_hash: string | null; merged_into: number | null },
  contact: string | null,
): Promise<DuplicateSuggestion[]> {
  if (c.merged_into !== null) return [];
  let hash = c.contact_hash;
  if (hash === null && contact !== null) {
    hash = contactHash(deps, contact);
    if (hash !== null) await links.setContactHash(deps.db, c.id, hash);
  }
  if (hash === null) return [];
  const found = await links.casesWithContactHash(deps.db, hash, c.id, ACTIVE_STATUSES, DUPLICATES_MAX * 2);
  if (found.length === 0) return [];
  const known = await visibleCaseIds(deps.db, actor, found.map((f) => f.id));
  const linked = new Set((await links.linksOf(deps.db, c.id)).map((l) => l.other_id));
  return found
    .filter((f) => known.has(f.id))
    .slice(0, DUPLICATES_MAX)
    .map((f) => ({ caseId: f.id, status: f.status, createdAt: Number(f.created_at), linked: linked.has(f.id) }));
}

/** Thrown inside a transaction to roll all of it back (the spent token too). */
class Refuse extends Error {
  constructor(
    readonly code: 'NOT_FOUND' | 'FORBIDDEN' | 'CASE_LINK_UNKNOWN' | 'CASE_LINK_SELF',
    readonly field?: string,
  ) {
    super(code);
  }
}

async function refusing<T>(work: () => Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof Refuse) return fail(e.code, e.field);
    throw e;
  }
}

/**
 * Links case `caseId` to case `other` with `reason`, in one transaction: both audited
 * (`case.linked`, naming the other case as `case`, so the audit log leaves the entry out for
 * a reader who may not know it). NOT_FOUND for a case the actor may not know; the
 * other case unknown to them, or no case, is CASE_LINK_UNKNOWN (field `other`), the same answer;
 * itself is CASE_LINK_SELF. Linked already: nothing written, `added` false. With `once`, the
 * form's token is spent here: the same form sent again changes nothing (`repeated`).
 */
export async function linkCases(
  deps: Deps,
  actor: Principal,
  caseId: number,
  input: { other: number; reason: LinkReason },
  opts: { once?: OneTimeToken | undefined } = {},
): Promise<Result<{ repeated: boolean; added: boolean }>> {
  const now = deps.now();
  return refusing(() =>
    deps.db.transaction().execute(async (trx): Promise<Result<{ repeated: boolean; added: boolean }>> => {
      const row = await repo.getCaseRow(trx, caseId);
      if (!row || !(await mayKnow(trx, actor, row))) throw new Refuse('NOT_FOUND');
      if (opts.once && !(await spendToken(trx, opts.once))) return ok({ repeated: true, added: false });
      if (!can(actor, 'case.link', row)) throw new Refuse('FORBIDDEN');
      if (input.other === caseId) throw new Refuse('CASE_LINK_SELF', 'other');
      const other = await repo.getCaseRow(trx, input.other);
      if (!other || !(await mayKnow(trx, actor, other))) throw new Refuse('CASE_LINK_UNKNOWN', 'other');
      const added = await links.insertLink(trx, caseId, input.other, { reason: input.reason, created_by: actor.userId, created_at: now });
      if (added) {
        await recordAudit(trx, now, { ...actorOf(actor), action: 'case.linked', caseId, detail: { case: input.other, reason: input.reason } });
        await recordAudit(trx, now, { ...actorOf(actor), action: 'case.linked', caseId: input.other, detail: { case: caseId, reason: input.reason } });
      }
      return ok({ repeated: false, added });
    }),
  );
}

/**
 * Removes the link between case `caseId` and case `other`, in one transaction, audited on both
 * (`case.unlinked`). The same refusals as `linkCases`; no such link: nothing written,
 * `removed` false.
 */
export async function unlinkCases(
  deps: Deps,
  actor: Principal,
  caseId: number,
  other: number,
  opts: { once?: OneTimeToken | undefined } = {},
): Promise<Result<{ repeated: boolean; removed: boolean }>> {
  const now = deps.now();
  return refusing(() =>
    deps.db.transaction().execute(async (trx): Promise<Result<{ repeated: boolean; removed: boolean }>> => {
      const row = await repo.getCaseRow(trx, caseId);
      if (!row || !(await mayKnow(trx, actor, row))) throw new Refuse('NOT_FOUND');
      if (opts.once && !(await spendToken(trx, opts.once))) return ok({ repeated: true, removed: false });
      if (!can(actor, 'case.link', row)) throw new Refuse('FORBIDDEN');
      if (other === caseId) throw new Refuse('CASE_LINK_SELF', 'other');
      const otherRow = await repo.getCaseRow(trx, other);
      if (!otherRow || !(await mayKnow(trx, actor, otherRow))) throw new Refuse('CASE_LINK_UNKNOWN', 'other');
      const removed = await links.deleteLink(trx, caseId, other);
      if (removed) {
        await recordAudit(trx, now, { ...actorOf(actor), action: 'case.unlinked', caseId, detail: { case: other } });
        await recordAudit(trx, now, { ...actorOf(actor), action: 'case.unlinked', caseId: other, detail: { case: caseId } });
      }
      return ok({ repeated: false, removed });
    }),
  );
}

/** How far a receipt follows merges (a merged case merged again…): far beyond any real chain. */
const MERGE_HOPS = 32;

/**
 * The case a receipt's conversation lives in now: the receipt's own case, or the case it was
 * merged into (followed through later merges). `via` is what the messages of that receipt carry
 * there: null for the case's own receipt, the receipt's case number after a merge.
 */
export async function receiptCase(db: repo.Db, caseId: number): Promise<{ caseId: number; via: number | null } | null> {
  let row = await repo.getCaseRow(db, caseId);
  if (!row) return null;
  for (let hop = 0; row.merged_into !== null && hop < MERGE_HOPS; hop++) {
    const next = await repo.getCaseRow(db, row.merged_into);
    if (!next) break;
    row = next;
  }
  return { caseId: row.id, via: row.id === caseId ? null : caseId };
}
