import type { Deps } from '../../deps.js';
import type { Principal } from '../../platform/auth/roles.js';
import { fail, ok, type Result } from '../../platform/errors.js';
import { spendToken, type OneTimeToken } from '../../platform/http/spent-tokens.js';
import type { CaseStatus } from '../../contracts/case.js';
import { can } from './case.policy.js';
import * as repo from './case.repo.js';
import { changeCase, findCaseWorker, QUEUE_PAGE, type CaseChanges } from './case.service.js';

// A change to the cases selected on the queue: one assignee, or one status, for all of them.

/** Most cases one bulk change may carry: a queue page at its largest. */
export const BULK_MAX = QUEUE_PAGE.max;

/** What a bulk change sets on every selected case. */
export type BulkChange = { assignee_id: string | null } | { status: CaseStatus };

export interface BulkOutcome {
  /** How many cases changed (a case already as asked counts as changed: it is as asked). */
  changed: number;
  /** How many were left as they were: the change is not allowed for them (their status, the actor's role), or they are unknown. */
  skipped: number;
  /** True when this form had already been sent and done: nothing was changed again. */
  repeated: boolean;
}

/**
 * Applies `change` to each of `caseIds` in one transaction, case by case as `updateCase` does
 * for one (the same checks with the case's facts, the same audit entries and events): the status
 * against the actor's policy (`case.status` with the case) and the lifecycle; the assignee with
 * `canSetAssignee` (a handler may claim unassigned cases or hand on their own, a lead anyone's).
 * A case the change is not allowed for, or an unknown id, is skipped and counted: the others
 * still change, and the answer says how many were not. An assignee who cannot hold cases
 * refuses the whole change (CASE_ASSIGNEE_INVALID): the choice itself is wrong. The form's
 * one-time token is spent in the same transaction, so the same form sent twice changes once.
 */
export async function bulkUpdate(
  deps: Deps,
  actor: Principal,
  caseIds: readonly number[],
  change: BulkChange,
  once: OneTimeToken | undefined,
): Promise<Result<BulkOutcome>> {
  // In id order: two changes over the same cases lock them in the same order, never each other's first.
  const ids = [...new Set(caseIds)].sort((a, b) => a - b);
  if (ids.length === 0) return fail('VALIDATION_FAILED', 'case');
  if (ids.length > BULK_MAX) return fail('VALIDATION_FAILED', 'case');
  const now = deps.now();
  return deps.db.transaction().execute(async (trx): Promise<Result<BulkOutcome>> => {
    if (once && !(await spendToken(trx, once))) return ok({ changed: 0, skipped: 0, repeated: true });
    if ('assignee_id' in change && change.assignee_id !== null && !(await findCaseWorker(trx, change.assignee_id)))
      return fail('CASE_ASSIGNEE_INVALID', 'bulk_assignee');
    let changed = 0;
    for (const id of ids) {
      if ('status' in change) {
        const row = await repo.getCaseRow(trx, id);
        if (!row || !can(actor, 'case.status', row)) continue;
      }
      const changes: CaseChanges = 'status' in change ? { status: change.status } : { assignee_id: change.assignee_id };
      // Another module's check refusing one case skips it, as a case the person may not change is.
      const r = await changeCase(trx, actor, id, changes, undefined, now, { extensions: deps.caseExtensions });
      if (r.ok) changed++;
    }
    return ok({ changed, skipped: ids.length - changed, repeated: false });
  });
}
