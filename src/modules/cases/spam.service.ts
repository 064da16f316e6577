import type { Deps } from '../../deps.js';
import type { Principal } from '../../platform/auth/roles.js';
import { actorOf, recordAudit } from '../../platform/audit/audit.js';
import { fail, ok, type Result } from '../../platform/errors.js';
import { canTransition } from './case.js';
import { can } from './case.policy.js';
import * as repo from './case.repo.js';
import { mayKnow } from './access.js';

// Staff decisions about suspected spam (ADR 13). Intake never refuses a request; it saves
// doubtful ones in a separate queue, and a person decides here. Both decisions are audited.

/** Most cases one "mark as spam" may carry: a queue page at its largest. */
export const MARK_SPAM_MAX = 200;


/**
 * Marks the given cases as spam, in one transaction: each that exists and may still become
 * spam (new or in vetting) moves to `spam`, is closed (retention counts from then) and stays
 * in the suspected-spam queue. Unknown ids and cases already being worked on are skipped, so
 * a page that went stale while someone read it cannot mark a case that has moved on. Returns
 * how many were marked.
 */
export async function markSpam(
  deps: Deps,
  actor: Principal,
  caseIds: readonly number[],
): Promise<Result<{ marked: number }>> {
  if (!can(actor, 'case.mark_spam')) return fail('FORBIDDEN');
  const now = deps.now();
  const ids = [...new Set(caseIds)].slice(0, MARK_SPAM_MAX);
  return deps.db.transaction().execute(async (trx) => {
    let marked = 0;
    for (const id of ids) {
      const row = await repo.getCaseRow(trx, id);
      // A case the actor may not know is skipped as an unknown id is (ADR 32).
      if (!row || !(await mayKnow(trx, actor, row)) || !canTransition(row.status, 'spam')) continue;
      const changed = await repo.updateCaseIfVersion(trx, id, row.version, {
        status: 'spam',
        closed_at: now,
        suspected_spam: 1,
        spam_reason: row.spam_reason ?? 'staff',
        updated_at: now,
      });
      if (!changed) continue;
      await recordAudit(trx, now, {
        ...actorOf(actor),
        action: 'case.status_changed',
        caseId: id,
        detail: { from: row.status, to: 'spam' },
      });
      marked++;
    }
    return ok({ marked });
  });
}

/**
 * "Not spam": the case leaves the suspected-spam queue for the main one. A case already
 * marked as spam comes back as new, so it is triaged like any other request.
 */
export async function notSpam(deps: Deps, actor: Principal, caseId: number): Promise<Result<true>> {
  if (!can(actor, 'case.not_spam')) return fail('FORBIDDEN');
  const now = deps.now();
  return deps.db.transaction().execute(async (trx): Promise<Result<true>> => {
    const row = await repo.getCaseRow(trx, caseId);
    if (!row || !(await mayKnow(trx, actor, row))) return fail('NOT_FOUND');
    if (!row.suspected_spam && row.status !== 'spam') return ok(true);
    const back = row.status === 'spam';
    const changed = await repo.updateCaseIfVersion(trx, caseId, row.version, {
      suspected_spam: 0,
      spam_reason: null,
      updated_at: now,
      ...(back ? { status: 'new', closed_at: null } : {}),
    });
    if (!changed) return fail('CONFLICT');
    await recordAudit(trx, now, {
      ...actorOf(actor),
      action: 'case.not_spam',
      caseId,
      detail: { reason: row.spam_reason },
    });
    if (back) {
      await recordAudit(trx, now, {
        ...actorOf(actor),
        action: 'case.status_changed',
        caseId,
        detail: { from: 'spam', to: 'new' },
      });
    }
    return ok(true);
  });
}
