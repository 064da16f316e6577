import { randomUUID } from 'node:crypto';
import { Cron } from 'croner';
import type { Kysely } from 'kysely';
import type { Database } from '../storage/schema.js';
import { createPace, JobStopped, type Pace } from './pace.js';

// A small job runner whose schedule lives in the database (the `jobs` table), so the
// embedded default needs no extra server and several Haven processes can share one
// PostgreSQL without running a job twice. Jobs are thin: each calls a module's service.
//
// A worker claims a job with one atomic UPDATE … WHERE locked_until < now: on both engines
// only one concurrent UPDATE can match the row, so exactly one worker wins. The lock is a
// lease (`locked_until`): a worker that dies mid-run loses it when the lease runs out.

/** What every job has: a name (its row), what it does, and how long a claim on it holds. */
interface JobBase {
  name: string;
  /** How long a claim holds before another worker may take the job over. */
  leaseMs?: number;
  /**
   * Does the work. Work longer than a few milliseconds calls `pace.breathe()` between its
   * transactions, so the server keeps answering and a stop ends it at a boundary (pace.ts).
   */
  run(pace: Pace): Promise<void>;
}

/** A job that runs every `intervalMs` after its last run ended; due at once when new. */
export interface IntervalJob extends JobBase {
  intervalMs: number;
  cron?: never;
  timeZone?: never;
}

/**
 * A job that runs at the occurrences of `cron`, a five-field cron expression (minute, hour,
 * day of month, month, day of week; `0 2 * * *` is every night at 02:00, `0 6 * * 1` Mondays
 * at 06:00), read in UTC or in `timeZone` (an IANA name such as `America/Bogota`). When new,
 * or after a run, it is due at the next occurrence strictly after that moment (by the
 * runner's clock): a process that was down over several occurrences runs it once, not once
 * per occurrence missed.
 */
export interface CronJob extends JobBase {
  cron: string;
  timeZone?: string;
  intervalMs?: never;
}

/**
 * A job: a name (its row), its schedule, and what it does. The schedule is exactly one of
 * `intervalMs` (every so long after the last run) or `cron` (at the occurrences of a cron
 * expression, see CronJob); a cron expression or time zone that does not parse makes
 * createJobRunner throw, naming the job.
 */
export type JobDefinition = IntervalJob | CronJob;

/** A job's schedule as declared, for operators (e.g. /staff/jobs). */
export type JobSchedule =
  | { kind: 'interval'; everyMs: number }
  | { kind: 'cron'; expression: string; timeZone: string };

/** The schedule a job declares. */
export function scheduleOf(job: JobDefinition): JobSchedule {
  return job.cron === undefined
    ? { kind: 'interval', everyMs: job.intervalMs }
    : { kind: 'cron', expression: job.cron, timeZone: job.timeZone ?? 'UTC' };
}

/**
 * Checks a job's schedule and returns when it is next due after a moment `after` (a run's end,
 * or when a cron job is first seen): the interval later, or the cron expression's next
 * occurrence strictly after it. Throws, naming
 * the job, when it declares both or neither of `intervalMs` and `cron`, or when the expression
 * or time zone does not parse or the expression never occurs.
 */
export function nextRunOf(job: JobDefinition): (after: number) => number {
  const hasInterval = job.intervalMs !== undefined;
  const hasCron = job.cron !== undefined;
  if (hasInterval === hasCron) {
    throw new Error(`job "${job.name}" must declare exactly one of intervalMs and cron`);
  }
  if (job.cron === undefined) {
    const every = job.intervalMs;
    return (after) => after + every;
  }
  const zone = job.timeZone ?? 'UTC';
  let cron: Cron;
  try {
    cron = new Cron(job.cron, { timezone: zone, mode: '5-part', paused: true });
    // A time zone that is not an IANA name only fails once a date is read in it.
    if (cron.nextRun(new Date(0)) === null) throw new Error('it never occurs');
  } catch (e) {
    throw new Error(
      `job "${job.name}": the schedule "${job.cron}" (${zone}) is not a five-field cron expression in a known time zone: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  return (after) => {
    const next = cron.nextRun(new Date(after));
    if (next === null) throw new Error(`job "${job.name}": the schedule "${job.cron}" has no next occurrence`);
    return next.getTime();
  };
}

export interface JobRunResult {
  name: string;
  /** `stopped`: the process began stopping during the run; the job is due again at once. */
  outcome: 'done' | 'failed' | 'not_due' | 'locked' | 'stopped';
  /** The error's name on failure; never its message, which could carry data. */
  error?: string;
}

const DEFAULT_LEASE_MS = 15 * 60 * 1000;

type Db = Kysely<Database>;

/** Makes sure a job has a row, due at `firstRunAt` (by default at once) when new. */
export async function ensureJob(db: Db, name: string, now: number, firstRunAt = now): Promise<void> {
  await db
    .insertInto('jobs')
    .values({ name, next_run_at: firstRunAt, locked_until: 0, locked_by: null, last_run_at: null, last_error: null })
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
  /** Runs what is due; `pace` as for a job (it may end the work early with JobStopped). */
  runDue(pace?: Pace): Promise<unknown>;
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
  /**
   * Stops the timer, asks every run in progress (the timer's, or one called directly) to stop at
   * its next transaction boundary (the job is then due again at once, for the next start) and
   * waits for them to end. Runs after a stop end at their first boundary too.
   */
  stop(): Promise<void>;
}

/**
 * A runner for `jobs` over the database; `now` is the clock (tests move it), and the only one
 * the schedules are computed from. Throws, naming the job, when a job's schedule is invalid.
 */
export function createJobRunner(
  deps: { db: Db; now: () => number },
  jobs: readonly JobDefinition[],
  opts: {
    worker?: string;
    onError?: (job: string, e: unknown) => void;
    alsoEachTick?: readonly TickWork[];
    /** How long work runs between two turns of the event loop (pace.ts); tests use 0. */
    sliceMs?: number;
  } = {},
): JobRunner {
  const worker = opts.worker ?? randomUUID();
  const stopping = new AbortController();
  const pace = () => createPace({ signal: stopping.signal, ...(opts.sliceMs === undefined ? {} : { sliceMs: opts.sliceMs }) });
  const scheduled = jobs.map((job) => ({ job, next: nextRunOf(job) }));
  let timer: NodeJS.Timeout | undefined;
  let first: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;

  async function runOne(
    job: JobDefinition,
    next: (after: number) => number,
    force: boolean,
  ): Promise<JobRunResult> {
    const now = deps.now();
    // A cron job is first due at its next occurrence; an interval job at once.
    await ensureJob(deps.db, job.name, now, job.cron === undefined ? now : next(now));
    const lease = job.leaseMs ?? DEFAULT_LEASE_MS;
    if (!(await claimJob(deps.db, job.name, worker, now, lease, force))) {
      const row = await deps.db.selectFrom('jobs').select(['locked_until']).where('name', '=', job.name).executeTakeFirst();
      return { name: job.name, outcome: row && row.locked_until >= now ? 'locked' : 'not_due' };
    }
    let error: string | null = null;
    let stopped = false;
    try {
      await job.run(pace());
    } catch (e) {
      if (e instanceof JobStopped) stopped = true;
      else {
        error = e instanceof Error ? e.name : 'Error';
        opts.onError?.(job.name, e);
      }
    }
    const end = deps.now();
    // A stopped run is due again at once: the next start (of any process) finishes it.
    await finishJob(deps.db, job.name, worker, { now: end, nextRunAt: stopped ? end : next(end), error });
    if (stopped) return { name: job.name, outcome: 'stopped' };
    return error ? { name: job.name, outcome: 'failed', error } : { name: job.name, outcome: 'done' };
  }

  // Every run in progress, from the timer or called directly (`haven jobs run-due`, "Run
  // now"): stop() waits for them all, so nothing closes the database under one.
  const inFlight = new Set<Promise<unknown>>();
  function tracked<T>(run: Promise<T>): Promise<T> {
    inFlight.add(run);
    void run.then(
      () => inFlight.delete(run),
      () => inFlight.delete(run),
    );
    return run;
  }

  async function runDue(o: { force?: boolean; only?: string } = {}): Promise<JobRunResult[]> {
    const out: JobRunResult[] = [];
    for (const { job, next } of scheduled) {
      if (o.only !== undefined && job.name !== o.only) continue;
      if (stopping.signal.aborted) break;
      out.push(await runOne(job, next, o.force ?? false));
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
      if (stopping.signal.aborted) break;
      try {
        await work.runDue(pace());
      } catch (e) {
        if (!(e instanceof JobStopped)) opts.onError?.(work.name, e);
      }
    }
    return results;
  }

  return {
    runDue: (o) => tracked(runDue(o)),
    tick: () => tracked(tick()),
    start(tickMs = 60_000) {
      if (timer) return;
      const beat = () => {
        if (running) return;
        running = tracked(tick()).finally(() => {
          running = undefined;
        });
      };
      timer = setInterval(beat, tickMs);
      // The first tick comes at once rather than a whole interval after the start: what a stop
      // left due (events to deliver, tasks, a job whose time came meanwhile) waits no longer.
      first = setTimeout(beat, 0);
      // The schedule must never keep a stopping process alive.
      timer.unref();
      first.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      if (first) clearTimeout(first);
      timer = undefined;
      stopping.abort();
      await Promise.allSettled([...inFlight]);
    },
  };
}
