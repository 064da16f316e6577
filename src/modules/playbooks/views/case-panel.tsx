import { dirOf, type Translate } from '../../../platform/i18n/index.js';
import { CsrfField, type Option } from '../../../platform/views/form.js';
import type { StaffPageContext } from '../../../platform/views/staff-layout.js';
import { formatTime, isoTime } from '../../../platform/views/time.js';
import { isOverdue, type Progress } from '../playbook.js';

// The case page's playbook section (the case extension's `panel`, ADR 35): the case's tasks with
// their progress, each with who holds it, when it is due (in the reader's time zone), its
// guidance, and forms to tick it done or reopen it and to hand it on; and the form to apply a
// playbook. Plain forms, no script. Pure function of data.

/** A task as the section shows it. */
export interface PanelTask {
  id: string;
  title: string;
  /** The language of the title (for `lang` and `dir`). */
  language: string;
  guidance: string | null;
  guidanceLanguage: string | null;
  required: boolean;
  assigneeId: string | null;
  dueAt: number | null;
  doneAt: number | null;
  doneBy: string | null;
}

/** A playbook the case may take, and whether it is for the case's incident type. */
export interface OfferedPlaybook {
  id: string;
  name: string;
  matches: boolean;
}

export interface CasePanelProps {
  ctx: StaffPageContext;
  caseId: number;
  now: number;
  tasks: PanelTask[];
  progress: Progress;
  offered: OfferedPlaybook[];
  /** Those who may hold a task on this case, by name. */
  staff: Option[];
  /** Names of everyone a task names, holders and those who ticked it. */
  names: ReadonlyMap<string, string>;
  canApply: boolean;
  canUpdate: boolean;
  /** The message after a change on this section (from the address), if any. */
  flash: string | undefined;
}

/** The flashes the section's routes redirect with (`?playbook=<key>`). */
export const PANEL_FLASHES = {
  applied: 'playbooks.done.applied',
  done: 'playbooks.done.task_done',
  reopened: 'playbooks.done.task_reopened',
  assigned: 'playbooks.done.task_assigned',
  unchanged: 'playbooks.done.unchanged',
} as const;
export type PanelFlash = keyof typeof PANEL_FLASHES;

/** The address of the case page with a section flash, at the section. */
export function panelHref(caseId: number, flash: PanelFlash): string {
  return `/staff/cases/${caseId}?playbook=${flash}#playbook`;
}

/** The section's message for a case page's address: only a declared key maps to one. */
export function panelFlash(t: Translate, url: string | undefined): string | undefined {
  const query = url?.split('?')[1]?.split('#')[0];
  if (!query) return undefined;
  const key = new URLSearchParams(query).get('playbook');
  return key !== null && Object.prototype.hasOwnProperty.call(PANEL_FLASHES, key) ? t(PANEL_FLASHES[key as PanelFlash]) : undefined;
}

function Who(p: { t: Translate; id: string | null; names: ReadonlyMap<string, string> }) {
  if (p.id === null) return <>{p.t('playbooks.task.nobody')}</>;
  const name = p.names.get(p.id);
  return name === undefined ? <>{p.t('playbooks.task.former_staff')}</> : <bdi>{name}</bdi>;
}

export function CasePanel(p: CasePanelProps) {
  const { ctx } = p;
  const t = ctx.t;
  const base = `/staff/cases/${p.caseId}`;
  const matching = p.offered.filter((o) => o.matches);
  const others = p.offered.filter((o) => !o.matches);
  return (
    <section class="panel playbook" id="playbook" aria-labelledby="playbook-title">
      <h2 id="playbook-title">{t('playbooks.panel.title')}</h2>
      {p.flash ? (
        <p class="notice" role="status">
          {p.flash}
        </p>
      ) : null}
      {p.tasks.length === 0 ? (
        <p>{t('playbooks.panel.none')}</p>
      ) : (
        <>
          <p>
            <strong>{t('playbooks.panel.progress', { done: p.progress.done, total: p.progress.total })}</strong>
            {p.progress.requiredOpen > 0 ? <> {t('playbooks.panel.required_open', { count: p.progress.requiredOpen })}</> : null}
          </p>
          <ol class="tasks">
            {p.tasks.map((task, i) => {
              const overdue = isOverdue(task, p.now);
              const selectId = `task-assignee-${i + 1}`;
              return (
                <li id={`task-${task.id}`} class={task.doneAt !== null ? 'task done' : 'task'}>
                  <p>
                    <span>{task.doneAt !== null ? t('playbooks.task.state_done') : t('playbooks.task.state_open')}</span>{' '}
                    <strong lang={task.language} dir={dirOf(task.language)}>
                      {task.title}
                    </strong>{' '}
                    {task.required ? <span class="tag">{t('playbooks.task.required')}</span> : null}
                  </p>
                  <p class="hint">
                    {t('playbooks.task.holder')} <Who t={t} id={task.assigneeId} names={p.names} />
                    {task.dueAt !== null ? (
                      <>
                        {' · '}
                        <span class={overdue ? 'overdue' : undefined}>
                          {overdue ? t('playbooks.task.overdue') : t('playbooks.task.due')}{' '}
                          <time datetime={isoTime(task.dueAt)}>{formatTime(ctx, task.dueAt)}</time>
                        </span>
                      </>
                    ) : null}
                    {task.doneAt !== null ? (
                      <>
                        {' · '}
                        {t('playbooks.task.done_by')} <Who t={t} id={task.doneBy} names={p.names} />{' '}
                        <time datetime={isoTime(task.doneAt)}>{formatTime(ctx, task.doneAt)}</time>
                      </>
                    ) : null}
                  </p>
                  {task.guidance ? (
                    <details>
                      <summary>{t('playbooks.task.guidance')}</summary>
                      <p lang={task.guidanceLanguage ?? undefined} dir={task.guidanceLanguage ? dirOf(task.guidanceLanguage) : 'auto'}>
                        {task.guidance}
                      </p>
                    </details>
                  ) : null}
                  {p.canUpdate ? (
                    <div class="inline-form">
                      <form method="post" action={`${base}/tasks/${task.id}/${task.doneAt !== null ? 'undo' : 'done'}`}>
                        <CsrfField token={ctx.csrfToken} />
                        <button type="submit" class="secondary">
                          {task.doneAt !== null ? t('playbooks.task.reopen') : t('playbooks.task.mark_done')}
                        </button>
                      </form>
                      <form method="post" action={`${base}/tasks/${task.id}/assignee`}>
                        <CsrfField token={ctx.csrfToken} />
                        <label for={selectId}>{t('playbooks.task.hand_to')}</label>{' '}
                        <select id={selectId} name="assignee">
                          <option value="" selected={task.assigneeId === null}>
                            {t('playbooks.task.nobody')}
                          </option>
                          {p.staff.map((s) => (
                            <option value={s.value} selected={task.assigneeId === s.value}>
                              {s.label}
                            </option>
                          ))}
                        </select>{' '}
                        <button type="submit" class="secondary">
                          {t('playbooks.task.hand_on')}
                        </button>
                      </form>
                    </div>
                  ) : null}
                </li>
              );
            })}
          </ol>
        </>
      )}
      {p.canApply && p.offered.length > 0 ? (
        <form method="post" action={`${base}/playbook`} class="inline-form">
          <CsrfField token={ctx.csrfToken} />
          <label for="f-playbook">{t('playbooks.apply.label')}</label>{' '}
          <select id="f-playbook" name="playbook" aria-describedby="h-playbook">
            {matching.length > 0 ? (
              <optgroup label={t('playbooks.apply.matching')}>
                {matching.map((o) => (
                  <option value={o.id}>{o.name}</option>
                ))}
              </optgroup>
            ) : null}
            {others.length > 0 ? (
              <optgroup label={t('playbooks.apply.others')}>
                {others.map((o) => (
                  <option value={o.id}>{o.name}</option>
                ))}
              </optgroup>
            ) : null}
          </select>{' '}
          <button type="submit">{t('playbooks.apply.submit')}</button>
          <p class="hint" id="h-playbook">
            {t('playbooks.apply.hint')}
          </p>
        </form>
      ) : null}
    </section>
  );
}
