import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Dialect } from '../storage/db.js';
import type { Database } from '../storage/schema.js';
import { DEFAULT_BACKOFF, type Backoff } from './backoff.js';
import { attemptLeased, claimLeased, NoRetry, purgeLeased, type LeasedSpec } from './leased.js';
import type { Pace } from './pace.js';

// The task queue (ADR 19), in the database like the job schedule, so the embedded default
// needs no extra server. A service enqueues a task on its own transaction; a runner in any
// process claims due tasks (one atomic UPDATE … RETURNING; FOR UPDATE SKIP LOCKED on
// PostgreSQL), each with a lease, checks the payload with the definition's `parse`, and runs
// it. A failure waits with exponential backoff; after `maxAttempts` the task is `dead` and an
// administrator sees it on /staff/jobs. A worker that dies mid-run loses the lease and the
// task runs again: tasks run at least once, so they are idempotent.
//
// A payload `parse` refuses is dead at once: the stored payload never changes, so retrying
// could only fail the same way. Once the code that reads it is fixed, an administrator tries
// it again from the page.

/**
 * Work with a payload: a service enqueues a task; a worker runs it with retries and
 * exponential backoff, and a task that keeps failing is dead-lettered for an administrator.
 */
export interface TaskDefinition<P = unknown> {
  /** `<module>.<task>`, unique. */
  name: string;
  /** Checks a stored payload before the task runs (a zod schema's `parse`). */
  parse(payload: unknown): P;
  /** Attempts before the task is dead-lettered. */
  maxAttempts?: number;
  run(payload: P): Promise<void>;
}

/** A value a task payload may hold: identifiers and codes, never free text about a person. */
export type TaskPayloadValue = string | number | boolean | null | readonly (string | number)[];

/**
 * A task's payload. It is stored in clear until the task is purged: identifiers (a case id)
 * and codes only — never a name, a contact, a message, or anything a person wrote.
 */
export type TaskPayload = Record<string, TaskPayloadValue>;

export const DEFAULT_MAX_ATTEMPTS = 5;

const TASK_NAME = /^[a-z][a-z0-9_]*\.[a-z][a-z0-9_.]*$/;

/**
 * Enqueues a task with `db`: pass the caller's transaction, so the task exists if and only if
 * the change that asked for it committed. It runs at `runAt` (default `now`) or later. With
 * `key`, a task of the same name and key that still exists (pending, dead, or done and not
 * yet purged) is returned instead of a second one (`created: false`).
 */
export async function enqueue(
  db: Kysely<Database>,
  name: string,
  payload: TaskPayload,
  opts: { now: number; runAt?: number; key?: string },
): Promise<{ id: string; created: boolean }> {
  if (!TASK_NAME.test(name)) throw new Error(`task name "${name}" must read <module>.<task>`);
  const id = randomUUID();
  const inserted = await db
    .insertInto('tasks')
    .values({
      id,
      name,
      payload: JSON.stringify(payload),
      idempotency_key: opts.key ?? null,
      state: 'pending',
      run_at: opts.runAt ?? opts.now,
      locked_by: null,
      last_error: null,
      created_at: opts.now,
      updated_at: opts.now,
    })
    .onConflict((oc) => oc.columns(['name', 'idempotency_key']).doNothing())
    .returning('id')
    .execute();
  if (inserted.length === 1) return { id, created: true };
  const existing = await db
    .selectFrom('tasks')
    .select('id')
    .where('name', '=', name)
    .where('idempotency_key', '=', opts.key!)
    .executeTakeFirstOrThrow();
  return { id: existing.id, created: false };
}

/** A task given up on, for the administrators' page. */
export interface DeadTask {
  id: string;
  name: string;
  attempts: number;
  /** The last failure's error name. */
  lastError: string | null;
  createdAt: number;
  /** When it was dead-lettered. */
  deadAt: number;
}

/** Dead-lettered tasks, the most recent first. */
export async function listDeadTasks(db: Kysely<Database>, limit = 200): Promise<DeadTask[]> {
  const rows = await db
    .selectFrom('tasks')
    .select(['id', 'name', 'attempts', 'last_error', 'created_at', 'updated_at'])
    .where('state', '=', 'dead')
    .orderBy('updated_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    attempts: r.attempts,
    lastError: r.last_error,
    createdAt: r.created_at,
    deadAt: r.updated_at,
  }));
}

/**
 * Puts a dead-lettered task back to pending, due at once with its attempts counted from
 * zero. Returns its name, or null when there is no such dead task (unknown, or already tried
 * again).
 */
export async function retryDeadTask(
  db: Kysely<Database>,
  id: string,
  now: number,
): Promise<string | null> {
  const row = await db
    .updateTable('tasks')
    .set({
      state: 'pending',
      attempts: 0,
      run_at: now,
      locked_until: 0,
      locked_by: null,
      updated_at: now,
    })
    .where('id', '=', id)
    .where('state', '=', 'dead')
    .returning('name')
    .executeTakeFirst();
  return row?.name ?? null;
}

/** How many tasks wait to run (due or not yet), for the administrators' page. */
export async function countPendingTasks(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('tasks')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('state', '=', 'pending')
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** How a run went: tasks done, failed and waiting, dead-lettered. */
export interface TaskRunReport {
  done: number;
  failed: number;
  dead: number;
}

export interface TaskRunnerOptions {
  /** This process's name in `locked_by` (random by default). */
  worker?: string;
  /** How long a claimed task is held; a task must finish well within it. Default 15 minutes. */
  leaseMs?: number;
  /** Tasks claimed per round. Default 10. */
  batchSize?: number;
  /** Rounds per `runDue` at most, so one tick cannot run for ever. Default 25. */
  maxRounds?: number;
  backoff?: Backoff;
  /** How long finished tasks are kept (and their idempotency keys hold). Default 7 days. */
  keepDoneMs?: number;
  /** How long dead-lettered tasks stay on the page. Default 90 days. */
  keepDeadMs?: number;
  /** How often `runDue` purges old rows. Default hourly. */
  purgeEveryMs?: number;
  onError?: (task: string, e: unknown) => void;
}

export interface TaskRunner {
  /** How a worker's error reports name it. */
  readonly name: 'tasks';
  /** One round: claims a batch of due tasks and runs them. */
  runOnce(): Promise<TaskRunReport>;
  /**
   * Rounds until no task is due (or `maxRounds`), and the purge when it is time; with `pace`,
   * it breathes between rounds (pace.ts).
   */
  runDue(pace?: Pace): Promise<TaskRunReport>;
  /** Deletes finished and dead tasks past their retention window; returns how many. */
  purge(): Promise<number>;
}

const DAY = 24 * 60 * 60 * 1000;

/** Where deliveries/tasks wait, for the shared claim (leased.ts). */
const TASKS: LeasedSpec = { table: 'tasks', due: 'run_at', handler: 'name' };

/**
 * A runner of `tasks` over the queue in the database; `now` is the clock (tests move it). It
 * claims only the tasks it has a definition for, so a process without a module leaves that
 * module's tasks to others.
 */
export function createTaskRunner(
  deps: { db: Kysely<Database>; dialect: Dialect; now: () => number },
  tasks: readonly TaskDefinition[],
  opts: TaskRunnerOptions = {},
): TaskRunner {
  const worker = opts.worker ?? randomUUID();
  const leaseMs = opts.leaseMs ?? 15 * 60 * 1000;
  const batchSize = opts.batchSize ?? 10;
  const maxRounds = opts.maxRounds ?? 25;
  const backoff = opts.backoff ?? DEFAULT_BACKOFF;
  const keepDoneMs = opts.keepDoneMs ?? 7 * DAY;
  const keepDeadMs = opts.keepDeadMs ?? 90 * DAY;
  const purgeEveryMs = opts.purgeEveryMs ?? 60 * 60 * 1000;
  const byName = new Map<string, TaskDefinition>();
  for (const t of tasks) {
    if (byName.has(t.name)) throw new Error(`two tasks are named "${t.name}"`);
    byName.set(t.name, t);
  }
  const names = [...byName.keys()];
  let lastPurge = -Infinity;

  const claim = () =>
    claimLeased<{ id: string; name: string; payload: string; attempts: number }>(deps, TASKS, names, { batchSize, leaseMs, worker, columns: ['id', 'name', 'payload', 'attempts'] });

  async function round(report: TaskRunReport): Promise<number> {
    const claimed = await claim();
    for (const t of claimed) {
      const def = byName.get(t.name)!;
      const outcome = await attemptLeased(
        deps,
        TASKS,
        worker,
        t,
        { maxAttempts: def.maxAttempts ?? DEFAULT_MAX_ATTEMPTS, backoff, onError: (e) => opts.onError?.(t.name, e) },
        async () => {
          let payload: unknown;
          try {
            payload = def.parse(JSON.parse(t.payload));
          } catch (e) {
            // The stored payload cannot change, so no retry could pass: dead at once.
            throw new NoRetry(e);
          }
          await def.run(payload);
        },
      );
      report[outcome]++;
    }
    return claimed.length;
  }

  const purge = () => purgeLeased(deps, TASKS, { keepDoneMs, keepDeadMs });

  return {
    name: 'tasks',
    async runOnce() {
      const report: TaskRunReport = { done: 0, failed: 0, dead: 0 };
      await round(report);
      return report;
    },
    purge,
    async runDue(pace) {
      const total: TaskRunReport = { done: 0, failed: 0, dead: 0 };
      for (let i = 0; i < maxRounds; i++) {
        if ((await round(total)) === 0) break;
        // Between rounds every claimed task is settled: the place to yield or stop.
        await pace?.breathe();
      }
      if (deps.now() - lastPurge >= purgeEveryMs) {
        lastPurge = deps.now();
        await purge();
      }
      return total;
    },
  };
}
