import type { CaseExtension } from '../../contracts/case-extension.js';
import type { Deps } from '../../deps.js';
import { isolate } from '../../platform/text.js';
import { listAssignableStaff } from '../accounts/index.js';
import { whoMayKnow } from '../cases/index.js';
import { pickText, progressOf } from './playbook.js';
import { playbookPolicy } from './playbook.policy.js';
import * as repo from './playbook.repo.js';
import { checkStatusChange, taskCounts } from './task.service.js';
import { CasePanel, panelFlash, type OfferedPlaybook, type PanelTask } from './views/case-panel.js';

// What playbooks add to a case (contracts/case-extension.ts, ADR 31 and 35): the section on the
// case page, the "2/5" note on the queue row and the guard on resolving or closing a case. The
// cases module calls these only for a case the person may know.

/** The case page's playbook section: its tasks and the form to apply a playbook. */
const panel: NonNullable<CaseExtension['panel']> = async (platform, { ctx, actor, case: c, now }) => {
  if (!playbookPolicy.can(actor, 'playbook.view')) return null;
  const deps = platform as Deps;
  const locale = ctx.locale;
  const [tasks, applied, playbooks, staff] = await Promise.all([
    repo.listTasks(deps.db, c.id),
    repo.appliedPlaybooks(deps.db, c.id),
    repo.listPlaybooks(deps.db, { includeRetired: false }),
    listAssignableStaff(deps),
  ]);
  const stepIds = [...new Set(tasks.flatMap((t) => (t.stepId === null ? [] : [t.stepId])))];
  const open = playbooks.filter((p) => !applied.includes(p.id));
  const [texts, names, counts, mayKnow] = await Promise.all([
    repo.stepTexts(deps.db, stepIds),
    repo.playbookNames(
      deps.db,
      open.map((p) => p.id),
    ),
    repo.stepCounts(
      deps.db,
      open.map((p) => p.id),
    ),
    whoMayKnow(
      deps.db,
      c.id,
      staff.map((s) => s.id),
    ),
  ]);
  // A task reads in the reader's language while its step is there; else as it was applied.
  const panelTasks: PanelTask[] = tasks.map((t) => {
    const live = t.stepId === null ? undefined : pickText(texts.get(t.stepId) ?? {}, locale);
    return {
      id: t.id,
      title: live?.text.title ?? t.title,
      language: live?.language ?? t.titleLanguage,
      guidance: live?.text.guidance || null,
      guidanceLanguage: live?.text.guidance ? live.language : null,
      required: t.required,
      assigneeId: t.assigneeId,
      dueAt: t.dueAt,
      doneAt: t.doneAt,
      doneBy: t.doneBy,
    };
  });
  const offered: OfferedPlaybook[] = open
    .filter((p) => (counts.get(p.id) ?? 0) > 0)
    .map((p) => ({
      id: p.id,
      name: pickText(names.get(p.id) ?? {}, locale)?.text ?? p.id,
      matches: p.incidentType !== null && p.incidentType === c.incident_type,
    }));
  return (
    <CasePanel
      ctx={ctx}
      caseId={c.id}
      now={now}
      tasks={panelTasks}
      progress={progressOf(tasks)}
      offered={offered}
      staff={staff.filter((s) => mayKnow.has(s.id)).map((s) => ({ value: s.id, label: isolate(s.displayName) }))}
      names={new Map(staff.map((s) => [s.id, s.displayName]))}
      canApply={playbookPolicy.can(actor, 'playbook.apply')}
      canUpdate={playbookPolicy.can(actor, 'playbook.update_task')}
      flash={panelFlash(ctx.t, ctx.url)}
    />
  );
};

/** "Steps 2/5" for each of a queue page's cases that has tasks: one statement for the page. */
const queueNotes: NonNullable<CaseExtension['queueNotes']> = async (deps, caseIds, locale) => {
  const counts = await taskCounts(deps, caseIds);
  const t = deps.i18n.translator(locale);
  const out = new Map<number, string>();
  for (const [caseId, c] of counts) out.set(caseId, t('playbooks.queue.progress', { done: c.done, total: c.total }));
  return out;
};

/** The playbooks module's case extension. */
export const playbookCaseExtension: CaseExtension = {
  name: 'playbooks',
  panel,
  queueNotes,
  checkStatusChange,
};
