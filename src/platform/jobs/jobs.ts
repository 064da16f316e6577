import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.js';

// A small job runner whose schedule lives in the database (the `jobs` table), so the
// embedded default needs no extra server and several Haven processes can share one
// PostgreSQL without running a job twice. Jobs are thin: each calls a module's service.
//
// A worker claims a job with one atomic UPDATE … WHERE locked_until < now: on both engines
// only one concurrent UPDATE can match the row, so exactly one worker wins. The lock is a
// lease (`locked_until`): a worker that dies mid-run loses it when the lease runs out.

/** A job: a name (its row), how often it runs, and what it does. */
export interface JobDefinition {
  name: string;
  intervalMs: number;
  /** How long a claim holds before another worker may take the job over. */
  leaseMs?: number;
  run(): Promise<void>;
}

export interface JobRunResult {
  name: string;
  outcome: 'done' | 'failed' | 'not_due' | 'locked';
  /** The error's name on failure; never its message, which could carry data. */
  error?: string;
}

const DEFAULT_LEASE_MS = 15 * 60 * 1000;

type Db = Kysely<Database>;

/** Makes sure a job has a row, due at once when new. */
export async function ensureJob(db: Db, name: string, now: number): Promise<void> {
  await db
    .insertInto('jobs')
    .values({ name, next_run_at: now, locked_until: 0, locked_by: null, last_run_at: null, last_error: null })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
}

/**
 * Claims a job for `worker` until `now + leaseMs` if nobody holds it and (unless `force`) it
 * is due. True when this worker won the claim.
 */
export async function claimJob(
  db: Db,
  name: string,
  worker: string,
  now: number,
  leaseMs: number,
  force = false,
): Promise<boolean> {
  let q = db
    .updateTable('jobs')
    .set({ locked_until: now + leaseMs, locked_by: worker })
    .where('name', '=', name)
    .where('locked_until', '<', now);
  if (!force) q = q.where('next_run_at', '<=', now);
  const res = await q.executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Releases a claim held by `worker` and schedules the next run. */
export async function finishJob(
  db: Db,
  name: string,
  worker: string,
  p: { now: number; nextRunAt: number; error: string | null },
): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ locked_until: 0, locked_by: null, last_run_at: p.now, next_run_at: p.nextRunAt, last_error: p.error })
    .where('name', '=', name)
    .where('locked_by', '=', worker)
    .execute();
}

/** The schedule as stored, for operators. */
export async function listJobs(db: Db) {
  return db.selectFrom('jobs').selectAll().orderBy('name').execute();
}

/** Other work a worker does every tick after the scheduled jobs: the task queue, the outbox. */
export interface TickWork {
  name: string;
  runDue(): Promise<unknown>;
}

export interface JobRunner {
  /** Runs every job that is due (or, with `force`, every job not held by another worker) once. */
  runDue(opts?: { force?: boolean; only?: string }): Promise<JobRunResult[]>;
  /**
   * One tick of the worker: the due jobs, then each of `alsoEachTick` (due tasks, pending
   * deliveries). A failure of one is reported to `onError` and never stops the others.
   */
  tick(): Promise<JobRunResult[]>;
  /** Starts a timer that calls tick every `tickMs`; it does not keep the process alive. */
  start(tickMs?: number): void;
  /** Stops the timer and waits for a run in progress to end. */
  stop(): Promise<void>;
}

/** A runner for `jobs` over the database; `now` is the clock (tests move it). */
export function createJobRunner(
  deps: { db: Db; now: () => number },
  jobs: readonly JobDefinition[],
  opts: { worker?: string; onError?: (job: string, e: unknown) => void; alsoEachTick?: readonly TickWork[] } = {},
): JobRunner {
  const worker = opts.worker ?? randomUUID();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;

  async function runOne(job: JobDefinition, force: boolean): Promise<JobRunResult> {
    const now = deps.now();
    await ensureJob(deps.db, job.name, now);
    const lease = job.leaseMs ?? DEFAULT_LEASE_MS;
    if (!(await claimJob(deps.db, job.name, worker, now, lease, force))) {
      const row = await deps.db.selectFrom('jobs').select(['locked_until']).where('name', '=', job.name).executeTakeFirst();
      return { name: job.name, outcome: row && row.locked_until >= now ? 'locked' : 'not_due' };
    }
    let error: string | null = null;
    try {
      await job.run();
    } catch (e) {
      error = e instanceof Error ? e.name : 'Error';
      opts.onError?.(job.name, e);
    }
    const end = deps.now();
    await finishJob(deps.db, job.name, worker, { now: end, nextRunAt: end + job.intervalMs, error });
    return error ? { name: job.name, outcome: 'failed', error } : { name: job.name, outcome: 'done' };
  }

  async function runDue(o: { force?: boolean; only?: string } = {}): Promise<JobRunResult[]> {
    const out: JobRunResult[] = [];
    for (const job of jobs) {
      if (o.only !== undefined && job.name !== o.only) continue;
      out.push(await runOne(job, o.force ?? false));
    }
    return out;
  }

  async function tick(): Promise<JobRunResult[]> {
    let results: JobRunResult[] = [];
    try {
      results = await runDue();
    } catch (e) {
      opts.onError?.('runner', e);
    }
    for (const work of opts.alsoEachTick ?? []) {
      try {
        await work.runDue();
      } catch (e) {
        opts.onError?.(work.name, e);
      }
    }
    return results;
  }

  return {
    runDue,
    tick,
    start(tickMs = 60_000) {
      if (timer) return;
      timer = setInterval(() => {
        if (running) return;
        running = tick()
          .finally(() => {
            running = undefined;
          });
      }, tickMs);
      // The schedule must never keep a stopping process alive.
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
