import type { DeadDelivery } from '../../../platform/events/outbox.js';
import type { JobSchedule } from '../../../platform/jobs/jobs.js';
import type { DeadTask } from '../../../platform/jobs/queue.js';
import { CsrfField } from '../../../platform/views/form.js';
import { StaffLayout, type StaffPageContext } from '../../../platform/views/staff-layout.js';
import { TableScroll } from '../../../platform/views/table-scroll.js';
import { formatTime } from '../../../platform/views/time.js';
import type { JobsOverview } from '../jobs.service.js';

export interface JobsPageProps {
  ctx: StaffPageContext;
  overview: JobsOverview;
  /** Whether the reader may try dead-lettered work again (the forms are left out otherwise). */
  canRetry: boolean;
}

/** A code (a job, task, subscriber or error name) as written in the code, kept left to right. */
function Code(p: { children: string }) {
  return (
    <code dir="ltr">
      <bdi>{p.children}</bdi>
    </code>
  );
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * A job's schedule: an interval in words ("Every 6 hours"), or the cron expression as written
 * with the time zone it is read in.
 */
function Schedule(p: { ctx: StaffPageContext; schedule: JobSchedule | null }) {
  const { t } = p.ctx;
  const s = p.schedule;
  if (s === null) return <>{t('jobs.schedule.unknown')}</>;
  if (s.kind === 'cron') {
    return (
      <>
        <Code>{s.expression}</Code> {t('jobs.schedule.cron_zone', { zone: s.timeZone })}
      </>
    );
  }
  const ms = s.everyMs;
  if (ms % DAY === 0) return <>{t('jobs.schedule.every_days', { n: ms / DAY })}</>;
  if (ms % HOUR === 0) return <>{t('jobs.schedule.every_hours', { n: ms / HOUR })}</>;
  if (ms % MINUTE === 0) return <>{t('jobs.schedule.every_minutes', { n: ms / MINUTE })}</>;
  return <>{t('jobs.schedule.every_seconds', { n: Math.round(ms / 1000) })}</>;
}

/** A "try again" form for one dead-lettered task or delivery. */
function RetryForm(p: { ctx: StaffPageContext; action: string; label: string }) {
  return (
    <form method="post" action={p.action} class="inline">
      <CsrfField token={p.ctx.csrfToken} />
      <button type="submit" class="secondary" aria-label={p.label}>
        {p.ctx.t('jobs.retry')}
      </button>
    </form>
  );
}

function DeadTasks(p: { ctx: StaffPageContext; tasks: DeadTask[]; canRetry: boolean }) {
  const { ctx } = p;
  const t = ctx.t;
  if (p.tasks.length === 0) return <p>{t('jobs.dead_tasks_none')}</p>;
  return (
    <TableScroll label={t('jobs.dead_tasks_title')}>
      <table>
        <caption class="visually-hidden">{t('jobs.dead_tasks_title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('jobs.col.task')}</th>
            <th scope="col">{t('jobs.col.attempts')}</th>
            <th scope="col">{t('jobs.col.last_error')}</th>
            <th scope="col">{t('jobs.col.enqueued')}</th>
            <th scope="col">{t('jobs.col.dead_since')}</th>
            {p.canRetry ? (
              <th scope="col">
                <span class="visually-hidden">{t('jobs.col.actions')}</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {p.tasks.map((task) => (
            <tr>
              <td>
                <Code>{task.name}</Code>
              </td>
              <td>{task.attempts}</td>
              <td>{task.lastError ? <Code>{task.lastError}</Code> : null}</td>
              <td>{formatTime(ctx, task.createdAt)}</td>
              <td>{formatTime(ctx, task.deadAt)}</td>
              {p.canRetry ? (
                <td>
                  <RetryForm
                    ctx={ctx}
                    action={`/staff/jobs/tasks/${task.id}/retry`}
                    label={t('jobs.retry_task_named', { name: task.name })}
                  />
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

function DeadDeliveries(p: {
  ctx: StaffPageContext;
  deliveries: DeadDelivery[];
  canRetry: boolean;
}) {
  const { ctx } = p;
  const t = ctx.t;
  if (p.deliveries.length === 0) return <p>{t('jobs.dead_deliveries_none')}</p>;
  return (
    <TableScroll label={t('jobs.dead_deliveries_title')}>
      <table>
        <caption class="visually-hidden">{t('jobs.dead_deliveries_title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('jobs.col.event')}</th>
            <th scope="col">{t('jobs.col.subscriber')}</th>
            <th scope="col">{t('jobs.col.attempts')}</th>
            <th scope="col">{t('jobs.col.last_error')}</th>
            <th scope="col">{t('jobs.col.occurred')}</th>
            <th scope="col">{t('jobs.col.dead_since')}</th>
            {p.canRetry ? (
              <th scope="col">
                <span class="visually-hidden">{t('jobs.col.actions')}</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {p.deliveries.map((d) => (
            <tr>
              <td>
                <Code>{d.eventType}</Code>
              </td>
              <td>
                <Code>{d.subscriber}</Code>
              </td>
              <td>{d.attempts}</td>
              <td>{d.lastError ? <Code>{d.lastError}</Code> : null}</td>
              <td>{formatTime(ctx, d.occurredAt)}</td>
              <td>{formatTime(ctx, d.deadAt)}</td>
              {p.canRetry ? (
                <td>
                  <RetryForm
                    ctx={ctx}
                    action={`/staff/jobs/deliveries/${d.id}/retry`}
                    label={t('jobs.retry_delivery_named', {
                      event: d.eventType,
                      subscriber: d.subscriber,
                    })}
                  />
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

/**
 * Administrators: the job schedule (last run, next run, the last failure's error name), the
 * work waiting, and the dead-lettered tasks and event deliveries, each with "try again".
 */
export function JobsPage(p: JobsPageProps) {
  const { ctx, overview: o } = p;
  const t = ctx.t;
  return (
    <StaffLayout ctx={ctx} title={t('jobs.title')}>
      <h1>{t('jobs.title')}</h1>
      <p>{t('jobs.intro')}</p>

      <h2>{t('jobs.schedule_title')}</h2>
      {o.jobs.length === 0 ? (
        <p>{t('jobs.schedule_none')}</p>
      ) : (
        <TableScroll label={t('jobs.schedule_title')}>
          <table>
            <caption class="visually-hidden">{t('jobs.schedule_title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('jobs.col.job')}</th>
                <th scope="col">{t('jobs.col.schedule')}</th>
                <th scope="col">{t('jobs.col.last_run')}</th>
                <th scope="col">{t('jobs.col.next_run')}</th>
                <th scope="col">{t('jobs.col.last_error')}</th>
              </tr>
            </thead>
            <tbody>
              {o.jobs.map((j) => (
                <tr>
                  <th scope="row">
                    <Code>{j.name}</Code>
                  </th>
                  <td>
                    <Schedule ctx={ctx} schedule={j.schedule} />
                  </td>
                  <td>
                    {j.lastRunAt === null ? t('jobs.never') : formatTime(ctx, j.lastRunAt)}
                  </td>
                  <td>
                    {j.runningUntil !== null
                      ? t('jobs.running', { until: formatTime(ctx, j.runningUntil) })
                      : formatTime(ctx, j.nextRunAt)}
                  </td>
                  <td>{j.lastError ? <Code>{j.lastError}</Code> : t('jobs.no_error')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}

      <h2>{t('jobs.waiting_title')}</h2>
      <p>
        {t('jobs.waiting', {
          tasks: o.pendingTasks,
          deliveries: o.pendingDeliveries,
          events: o.undispatchedEvents,
        })}
      </p>

      <h2>{t('jobs.dead_tasks_title')}</h2>
      <p class="hint">{t('jobs.dead_hint')}</p>
      <DeadTasks ctx={ctx} tasks={o.deadTasks} canRetry={p.canRetry} />

      <h2>{t('jobs.dead_deliveries_title')}</h2>
      <DeadDeliveries ctx={ctx} deliveries={o.deadDeliveries} canRetry={p.canRetry} />
    </StaffLayout>
  );
}
