import type { Kysely, Transaction } from 'kysely';
import type { StatusChange, StatusRefusal } from '../../contracts/case-extension.js';
import type { Deps } from '../../deps.js';
import { actorOf, recordAudit } from '../../platform/audit/audit.js';
import type { Principal } from '../../platform/auth/roles.js';
import { fail, ok, type Result } from '../../platform/errors.js';
import type { Database } from '../../platform/storage/schema.js';
import { listAssignableStaff } from '../accounts/index.js';
import { can as canOnCase, caseNoticeFacts, visibleCaseIds, whoMayKnow } from '../cases/index.js';
import './playbook.errors.js';
import { dueAt, GUARDED_STATUSES, pickText, TASKS_PER_CASE_MAX } from './playbook.js';
import { playbookPolicy, type PlaybookAction } from './playbook.policy.js';
import * as repo from './playbook.repo.js';

// A case's side of playbooks: applying one (its steps become the case's tasks), ticking a task
// done or reopening it, handing it to someone, and the status guard. Each act is one
// transaction with its audit entry (`case.playbook_applied`, `case.task_done`,
// `case.task_reopened`, `case.task_assigned`), after asking whether the person may act on the
// case at all: a case they may not know answers NOT_FOUND, exactly as an unknown one.

type Trx = Transaction<Database>;
type Db = Kysely<Database> | Trx;

export type { TaskRow } from './playbook.repo.js';

/**
 * Whether `actor` may know case `caseId` exists (need-to-know): a form refused on a case the
 * person may not know answers 404, as for an unknown case, not 422.
 */
export async function mayKnowCase(deps: Pick<Deps, 'db'>, actor: Principal, caseId: number): Promise<boolean> {
  return (await visibleCaseIds(deps.db, actor, [caseId])).has(caseId);
}

/**
 * Whether `actor` may do `action` on case `caseId`, in `trx`: the module's policy (FORBIDDEN),
 * then need-to-know (NOT_FOUND for a case they may not know, as for an unknown one), then the
 * case policy with the case's facts (FORBIDDEN). The case's facts when allowed.
 */
async function mayActOn(
  deps: Deps,
  trx: Trx,
  actor: Principal,
  caseId: number,
  action: PlaybookAction,
): Promise<Result<{ assigneeId: string | null }>> {
  const allowed = playbookPolicy.authorize(actor, action);
  if (!allowed.ok) return allowed;
  if (!(await visibleCaseIds(trx, actor, [caseId])).has(caseId)) return fail('NOT_FOUND');
  const facts = await caseNoticeFacts({ ...deps, db: trx }, caseId);
  if (!facts) return fail('NOT_FOUND');
  // Applying a playbook and working its tasks is working the case: the case policy's triage.
  if (!canOnCase(actor, 'case.triage', { assignee_id: facts.assignee_id })) return fail('FORBIDDEN');
  return ok({ assigneeId: facts.assignee_id });
}

/**
 * Applies playbook `playbookId` to case `caseId`: one task per step, in order, titled in the
 * actor's language (or the fallback's), due `due_minutes` after now, held by the case's
 * assignee (or, on an unassigned case, the person applying it). One transaction, audited as
 * `case.playbook_applied`. PLAYBOOK_ALREADY_APPLIED when it was applied before (also when two
 * people apply it at the same moment: one of them gets it); PLAYBOOK_NOT_APPLICABLE for a
 * retired playbook or one without steps; NOT_FOUND for an unknown playbook.
 */
export async function applyPlaybook(
  deps: Deps,
  actor: Principal,
  caseId: number,
  playbookId: string,
): Promise<Result<{ tasks: number }>> {
  const now = deps.now();
  return deps.db.transaction().execute(async (trx): Promise<Result<{ tasks: number }>> => {
    const may = await mayActOn(deps, trx, actor, caseId, 'playbook.apply');
    if (!may.ok) return may;
    const playbook = await repo.findPlaybook(trx, playbookId);
    if (!playbook) return fail('NOT_FOUND');
    if (!playbook.active) return fail('PLAYBOOK_NOT_APPLICABLE');
    const steps = await repo.listSteps(trx, playbookId);
    if (steps.length === 0) return fail('PLAYBOOK_NOT_APPLICABLE');
    if ((await repo.countTasks(trx, caseId)) + steps.length > TASKS_PER_CASE_MAX) return fail('PLAYBOOK_TOO_MANY_TASKS');
    if (!(await repo.insertCasePlaybook(trx, { caseId, playbookId, at: now, by: actor.userId })))
      return fail('PLAYBOOK_ALREADY_APPLIED');
    const holder = may.value.assigneeId ?? actor.userId;
    await repo.insertTasks(
      trx,
      steps.map((s, i) => {
        const text = pickText(s.texts, actor.locale);
        return {
          id: crypto.randomUUID(),
          caseId,
          playbookId,
          stepId: s.id,
          position: i + 1,
          title: text?.text.title ?? s.id,
          titleLanguage: text?.language ?? 'en',
          required: s.required,
          assigneeId: holder,
          dueAt: dueAt(now, s.dueMinutes),
          createdAt: now,
        };
      }),
    );
    await recordAudit(trx, now, {
      ...actorOf(actor),
      action: 'case.playbook_applied',
      caseId,
      detail: { playbook: playbookId, tasks: steps.length, required: steps.filter((s) => s.required).length },
    });
    return ok({ tasks: steps.length });
  });
}

/**
 * Ticks a task done (`done`) or reopens it; audited as `case.task_done` or `case.task_reopened`.
 * False when it already was so. NOT_FOUND for a task not on the case.
 */
export async function setTaskDone(
  deps: Deps,
  actor: Principal,
  caseId: number,
  taskId: string,
  done: boolean,
): Promise<Result<boolean>> {
  const now = deps.now();
  return deps.db.transaction().execute(async (trx): Promise<Result<boolean>> => {
    const may = await mayActOn(deps, trx, actor, caseId, 'playbook.update_task');
    if (!may.ok) return may;
    const task = await repo.findTask(trx, caseId, taskId, deps.dialect);
    if (!task) return fail('NOT_FOUND');
    if ((task.doneAt !== null) === done) return ok(false);
    await repo.setTaskDone(trx, taskId, done ? { at: now, by: actor.userId } : null);
    await recordAudit(trx, now, {
      ...actorOf(actor),
      action: done ? 'case.task_done' : 'case.task_reopened',
      caseId,
      detail: { task: taskId, playbook: task.playbookId, step: task.stepId, required: task.required },
    });
    return ok(true);
  });
}

/**
 * Hands a task to `assigneeId`, or to nobody (null); audited as `case.task_assigned`. False when
 * it already was so. PLAYBOOK_ASSIGNEE_INVALID (field `assignee`) for someone who is not active
 * staff who can hold cases, or who may not know this case (need-to-know).
 */
export async function setTaskAssignee(
  deps: Deps,
  actor: Principal,
  caseId: number,
  taskId: string,
  assigneeId: string | null,
): Promise<Result<boolean>> {
  const now = deps.now();
  return deps.db.transaction().execute(async (trx): Promise<Result<boolean>> => {
    const may = await mayActOn(deps, trx, actor, caseId, 'playbook.update_task');
    if (!may.ok) return may;
    const task = await repo.findTask(trx, caseId, taskId, deps.dialect);
    if (!task) return fail('NOT_FOUND');
    if (assigneeId !== null) {
      const staff = await listAssignableStaff({ ...deps, db: trx });
      const known = staff.some((s) => s.id === assigneeId) && (await whoMayKnow(trx, caseId, [assigneeId])).has(assigneeId);
      if (!known) return fail('PLAYBOOK_ASSIGNEE_INVALID', 'assignee');
    }
    if (task.assigneeId === assigneeId) return ok(false);
    await repo.setTaskAssignee(trx, taskId, assigneeId);
    await recordAudit(trx, now, {
      ...actorOf(actor),
      action: 'case.task_assigned',
      caseId,
      detail: { task: taskId, assignee: assigneeId },
    });
    return ok(true);
  });
}

/**
 * The case extension's say on a status change (contracts/case-extension.ts), in its
 * transaction: moving to resolved or closed is refused while the case has required tasks open;
 * a coordinator or administrator may override it (the cases module audits the override).
 */
export async function checkStatusChange(db: Db, change: StatusChange): Promise<StatusRefusal | null> {
  if (!GUARDED_STATUSES.includes(change.to)) return null;
  const open = await repo.requiredOpenCount(db as Kysely<Database>, change.caseId);
  return open === 0 ? null : { messageKey: 'playbooks.guard.required_open', overridable: true };
}

/** Each of `caseIds`' task counts, in one statement (the queue's notes). */
export function taskCounts(deps: Pick<Deps, 'db'>, caseIds: readonly number[]) {
  return repo.taskCounts(deps.db, caseIds);
}
