import type { Deps } from '../../deps.js';
import type { Principal } from '../../platform/auth/roles.js';
import { actorOf, recordAudit, type AuditEntry } from '../../platform/audit/audit.js';
import { fail, ok, type Result } from '../../platform/errors.js';
import { spendToken, type OneTimeToken } from '../../platform/http/spent-tokens.js';
import { mayKnow } from './access.js';
import { can } from './case.policy.js';
import * as repo from './case.repo.js';
import { findCaseWorker } from './case.service.js';

// Need-to-know's use cases (ADR 32): restricting a case to the people listed for it (and its
// teams' leads), lifting it, and who is on the list. Each change is one transaction: the case
// is read, the actor must know it (else NOT_FOUND, as for an unknown id) and may restrict it
// (`case.restrict`: leads, and the handler who holds it), the list and the flag are written,
// the case's version moves on, and every part is audited (case.restricted, case.unrestricted,
// case.access_added, case.access_removed). A form's one-time token is spent in it too.

/** A listed person as the case page and the API show them. */
export interface AccessEntry {
  userId: string;
  displayName: string;
  addedBy: string;
  addedAt: number;
}

/** Who may know a case, as its page shows it. */
export interface CaseAccessView {
  caseId: number;
  restricted: boolean;
  people: AccessEntry[];
  version: number;
}

/** A change to a case's need-to-know: the flag, people to list, people to take off. */
export interface AccessChange {
  restricted?: boolean | undefined;
  add?: readonly string[] | undefined;
  remove?: readonly string[] | undefined;
  /** The version the change was made against; required to restrict or lift. */
  version?: number | undefined;
}

/**
 * Who may know case `caseId`, for `actor`; NOT_FOUND when they may not know it (or there is
 * none). With `audit`, the read is audited (`case.access_viewed`): the API's; the case page's
 * section is part of the page's own read (`case.viewed`).
 */
export async function caseAccess(
  deps: Deps,
  actor: Principal,
  caseId: number,
  opts: { audit?: boolean } = {},
): Promise<Result<CaseAccessView>> {
  const row = await repo.getCaseRow(deps.db, caseId);
  if (!row || !(await mayKnow(deps.db, actor, row))) return fail('NOT_FOUND');
  if (opts.audit) await recordAudit(deps.db, deps.now(), { ...actorOf(actor), action: 'case.access_viewed', caseId });
  return ok(await accessView(deps.db, caseId, row.restricted, row.version));
}

async function accessView(db: repo.Db, caseId: number, restricted: number, version: number): Promise<CaseAccessView> {
  const people = await repo.listCaseAccess(db, caseId);
  return {
    caseId,
    restricted: restricted === 1,
    people: people.map((p) => ({
      userId: p.user_id,
      displayName: p.display_name,
      addedBy: p.added_by,
      addedAt: Number(p.added_at),
    })),
    version,
  };
}

/** Thrown inside the transaction to roll all of it back (the spent token too). */
class Refuse extends Error {
  constructor(
    readonly code:
      | 'NOT_FOUND'
      | 'FORBIDDEN'
      | 'CONFLICT'
      | 'VALIDATION_FAILED'
      | 'CASE_ACCESS_PERSON'
      | 'CASE_ACCESS_SELF'
      | 'CASE_ACCESS_HOLDER',
    readonly field?: string,
  ) {
    super(code);
  }
}

/**
 * Applies `change` to case `caseId` in one transaction. Restricting lists the actor and the
 * case's assignee as well (nobody locks themselves or the case's holder out); lifting keeps the
 * list (restricting again restores it). A person listed must be an active case worker
 * (CASE_ACCESS_PERSON, field `person`). The assignee of a restricted case stays listed
 * (CASE_ACCESS_HOLDER), and nobody takes themselves off (CASE_ACCESS_SELF). Restricting or lifting needs the
 * version the actor saw (else VALIDATION_FAILED; a different one is CONFLICT). With `once`, the
 * form's token is spent here: the same form sent again changes nothing (`repeated`).
 */
export async function changeAccess(
  deps: Deps,
  actor: Principal,
  caseId: number,
  change: AccessChange,
  opts: { once?: OneTimeToken | undefined } = {},
): Promise<Result<{ repeated: boolean; access: CaseAccessView }>> {
  if (change.restricted !== undefined && change.version === undefined) return fail('VALIDATION_FAILED', 'version');
  const now = deps.now();
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const row = await repo.getCaseRow(trx, caseId);
      if (!row || !(await mayKnow(trx, actor, row))) throw new Refuse('NOT_FOUND');
      if (opts.once && !(await spendToken(trx, opts.once)))
        return ok({ repeated: true, access: await accessView(trx, caseId, row.restricted, row.version) });
      if (!can(actor, 'case.restrict', row)) throw new Refuse('FORBIDDEN');
      if (change.version !== undefined && change.version !== row.version) throw new Refuse('CONFLICT');

      const listed = new Set((await repo.listCaseAccess(trx, caseId)).map((p) => p.user_id));
      const restricted = change.restricted ?? row.restricted === 1;
      const add = new Set(change.add ?? []);
      const remove = new Set(change.remove ?? []);
      for (const id of add) if (remove.has(id)) throw new Refuse('VALIDATION_FAILED', 'person');
      for (const id of add) {
        if (!listed.has(id) && !(await findCaseWorker(trx, id))) throw new Refuse('CASE_ACCESS_PERSON', 'person');
      }
      if (restricted && row.restricted === 0) {
        add.add(actor.userId);
        if (row.assignee_id !== null) add.add(row.assignee_id);
      }
      for (const id of remove) {
        if (!listed.has(id)) continue;
        if (id === actor.userId) throw new Refuse('CASE_ACCESS_SELF', 'person');
        if (restricted && id === row.assignee_id) throw new Refuse('CASE_ACCESS_HOLDER', 'person');
      }
      // An assignee is always listed while the case is restricted (they hold it).
      if (restricted && row.assignee_id !== null && !listed.has(row.assignee_id)) add.add(row.assignee_id);

      const toAdd = [...add].filter((id) => !listed.has(id));
      const toRemove = [...remove].filter((id) => listed.has(id));
      const flips = restricted !== (row.restricted === 1);
      if (!flips && toAdd.length === 0 && toRemove.length === 0)
        return ok({ repeated: false, access: await accessView(trx, caseId, row.restricted, row.version) });
      // The case's row first, at the version read: every change moves it on, so two changes at
      // once are one after the other (the second is CONFLICT), never two lists merged.
      if (
        !(await repo.updateCaseIfVersion(trx, caseId, row.version, {
          ...(flips ? { restricted: restricted ? 1 : 0 } : {}),
          updated_at: now,
        }))
      )
        throw new Refuse('CONFLICT');
      const audits: AuditEntry[] = [];
      if (flips) audits.push({ ...actorOf(actor), action: restricted ? 'case.restricted' : 'case.unrestricted', caseId });
      for (const id of await repo.addCaseAccess(trx, caseId, toAdd, actor.userId, now))
        audits.push({ ...actorOf(actor), action: 'case.access_added', caseId, detail: { user: id } });
      for (const id of toRemove) {
        if (await repo.removeCaseAccess(trx, caseId, id))
          audits.push({ ...actorOf(actor), action: 'case.access_removed', caseId, detail: { user: id } });
      }
      for (const a of audits) await recordAudit(trx, now, a);
      return ok({ repeated: false, access: await accessView(trx, caseId, restricted ? 1 : 0, row.version + 1) });
    });
  } catch (e) {
    if (e instanceof Refuse) return fail(e.code, e.field);
    throw e;
  }
}

/**
 * `PUT /api/v1/cases/{id}/access`: sets whether the case is restricted and exactly who is listed,
 * in one transaction (`changeAccess`, with the people to add and to take off worked out inside
 * it from the list as it is). The actor stays listed (nobody takes themselves off); the list's
 * version is the case's, so a list changed since it was read is CONFLICT.
 */
export async function putAccess(
  deps: Deps,
  actor: Principal,
  caseId: number,
  input: { restricted: boolean; people: readonly string[]; version: number },
): Promise<Result<CaseAccessView>> {
  const current = await caseAccess(deps, actor, caseId);
  if (!current.ok) return current;
  const want = new Set(input.people);
  const have = new Set(current.value.people.map((p) => p.userId));
  const r = await changeAccess(deps, actor, caseId, {
    restricted: input.restricted,
    add: [...want].filter((id) => !have.has(id)),
    remove: [...have].filter((id) => !want.has(id) && id !== actor.userId),
    version: input.version,
  });
  return r.ok ? ok(r.value.access) : r;
}
