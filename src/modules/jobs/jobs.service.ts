import type { Deps } from '../../deps.js';
import type { Principal } from '../../platform/auth/roles.js';
import { actorOf, recordAudit } from '../../platform/audit/audit.js';
import { fail, ok, type Result } from '../../platform/errors.js';
import {
  countPendingDeliveries,
  listDeadDeliveries,
  retryDeadDelivery,
  type DeadDelivery,
} from '../../platform/events/outbox.js';
import { listJobs, type JobSchedule } from '../../platform/jobs/jobs.js';
import {
  countPendingTasks,
  listDeadTasks,
  retryDeadTask,
  type DeadTask,
} from '../../platform/jobs/queue.js';

// The administrators' view of the worker: the job schedule, the work waiting, and what was
// dead-lettered, with "try again". The tables belong to the platform (jobs, tasks, the
// outbox); this module only reads them and puts dead work back, audited.

export interface ScheduledJob {
  name: string;
  /** Its schedule as this server declares it; null for a job this server does not know. */
  schedule: JobSchedule | null;
  lastRunAt: number | null;
  nextRunAt: number;
  /** The error name of the last run, when it failed. */
  lastError: string | null;
  /** Until when a worker holds it (running now), or null. */
  runningUntil: number | null;
}

export interface JobsOverview {
  jobs: ScheduledJob[];
  pendingTasks: number;
  pendingDeliveries: number;
  /** Events recorded and not yet given their deliveries. */
  undispatchedEvents: number;
  deadTasks: DeadTask[];
  deadDeliveries: DeadDelivery[];
}

/** Everything the page shows. */
export async function jobsOverview(
  deps: Deps,
  schedules: ReadonlyMap<string, JobSchedule> = new Map(),
): Promise<JobsOverview> {
  const now = deps.now();
  const jobs = (await listJobs(deps.db)).map((j) => ({
    name: j.name,
    schedule: schedules.get(j.name) ?? null,
    lastRunAt: j.last_run_at,
    nextRunAt: j.next_run_at,
    lastError: j.last_error,
    runningUntil: j.locked_until > now ? j.locked_until : null,
  }));
  const pending = await countPendingDeliveries(deps.db);
  return {
    jobs,
    pendingTasks: await countPendingTasks(deps.db),
    pendingDeliveries: pending.deliveries,
    undispatchedEvents: pending.events,
    deadTasks: await listDeadTasks(deps.db),
    deadDeliveries: await listDeadDeliveries(deps.db),
  };
}


/**
 * Puts a dead-lettered task back in the queue, due at once with a fresh count of attempts,
 * and audits it (`task.retried`). NOT_FOUND when it is not dead-lettered (unknown, or already
 * tried again by someone else).
 */
export async function retryTask(
  deps: Deps,
  actor: Principal,
  id: string,
): Promise<Result<{ name: string }>> {
  const now = deps.now();
  return deps.db.transaction().execute(async (trx) => {
    const name = await retryDeadTask(trx, id, now);
    if (name === null) return fail<{ name: string }>('NOT_FOUND');
    await recordAudit(trx, now, {
      ...actorOf(actor),
      action: 'task.retried',
      caseId: null,
      detail: { task: id, name },
    });
    return ok({ name });
  });
}

/**
 * Puts a dead-lettered event delivery back, due at once with a fresh count of attempts, and
 * audits it (`event_delivery.retried`). NOT_FOUND when it is not dead-lettered.
 */
export async function retryDelivery(
  deps: Deps,
  actor: Principal,
  id: string,
): Promise<Result<true>> {
  const now = deps.now();
  return deps.db.transaction().execute(async (trx) => {
    const delivery = await retryDeadDelivery(trx, id, now);
    if (!delivery) return fail<true>('NOT_FOUND');
    await recordAudit(trx, now, {
      ...actorOf(actor),
      action: 'event_delivery.retried',
      caseId: null,
      detail: { delivery: id, subscriber: delivery.subscriber, event: delivery.eventId },
    });
    return ok(true);
  });
}
