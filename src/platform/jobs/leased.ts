import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../storage/db.js';
import type { Database } from '../storage/schema.js';
import { skipLocked } from '../storage/skip-locked.js';
import { backoffDelay, errorName, LEASE_EXPIRED, type Backoff } from './backoff.js';

// Claiming and settling rows of work under a lease, shared by the task queue (`tasks`) and the
// outbox's deliveries (`event_deliveries`): both are a pending row due at a time, for one of a
// set of handlers, claimed by one worker at a time with an attempt counted at the claim.

/** Where a kind of leased work lives: its table, the column saying when it is due, and the handler column. */
export type LeasedSpec =
  | { table: 'tasks'; due: 'run_at'; handler: 'name' }
  | { table: 'event_deliveries'; due: 'next_attempt_at'; handler: 'subscriber' };

export interface LeaseDeps {
  db: Kysely<Database>;
  dialect: Dialect;
  now: () => number;
}

/** How a claim ends: done, pending again from `retryAt`, or dead (dead-lettered), with the error's name. */
export type Settlement = { state: 'done' } | { state: 'pending' | 'dead'; error: string; retryAt?: number };

// The two tables share these columns; a schema of just them lets one query serve both.
interface LeasedColumns {
  id: string;
  state: string;
  locked_until: number;
  locked_by: string | null;
  attempts: number;
  updated_at: number;
  last_error: string | null;
  run_at: number;
  next_attempt_at: number;
  name: string;
  subscriber: string;
}
type LeasedDb = Kysely<Record<LeasedSpec['table'], LeasedColumns>>;

/**
 * Claims up to `batchSize` due pending rows for `handlers` for `worker` until `now + leaseMs`,
 * counting an attempt on each, in one UPDATE whose inner select skips rows other claimers hold
 * (skip-locked.ts). Returns the claimed rows' `columns`.
 */
export async function claimLeased<R>(
  deps: LeaseDeps,
  spec: LeasedSpec,
  handlers: readonly string[],
  p: { batchSize: number; leaseMs: number; worker: string; columns: readonly string[] },
): Promise<R[]> {
  if (handlers.length === 0) return [];
  const db = deps.db as unknown as LeasedDb;
  const now = deps.now();
  const inner = skipLocked(
    db
      .selectFrom(spec.table)
      .select('id')
      .where('state', '=', 'pending')
      .where(spec.due, '<=', now)
      .where('locked_until', '<', now)
      .where(spec.handler, 'in', handlers)
      .orderBy(spec.due)
      .limit(p.batchSize),
    deps.dialect,
  );
  const rows = await db
    .updateTable(spec.table)
    .set({ locked_until: now + p.leaseMs, locked_by: p.worker, attempts: sql<number>`attempts + 1`, updated_at: now })
    .where('id', 'in', inner)
    .where('state', '=', 'pending')
    .where('locked_until', '<', now)
    .returning(p.columns as (keyof LeasedColumns)[])
    .execute();
  return rows as R[];
}

/** Ends a claim `worker` still holds (a claim taken over after its lease ran out is left alone). */
export async function settleLeased(deps: LeaseDeps, spec: LeasedSpec, worker: string, id: string, outcome: Settlement): Promise<void> {
  const db = deps.db as unknown as LeasedDb;
  const now = deps.now();
  await db
    .updateTable(spec.table)
    .set({
      state: outcome.state,
      locked_until: 0,
      locked_by: null,
      updated_at: now,
      ...(outcome.state === 'done' ? {} : { last_error: outcome.error }),
      ...(outcome.state === 'pending' ? { [spec.due]: outcome.retryAt ?? now } : {}),
    })
    .where('id', '=', id)
    .where('locked_by', '=', worker)
    .execute();
}

/** A failure no retry can mend (a stored payload its definition refuses): dead at once. */
export class NoRetry extends Error {
  constructor(readonly reason: unknown) {
    super('no retry can pass');
    this.name = 'NoRetry';
  }
}

/**
 * Runs `work` for a claimed row and settles the claim: done; pending again after the backoff;
 * or dead — after `maxAttempts`, at once for a NoRetry, and without running when the row's
 * last allowed attempt began and never ended (its lease ran out: LEASE_EXPIRED). Only the
 * error's name is stored; `onError` gets the error itself.
 */
export async function attemptLeased(
  deps: LeaseDeps,
  spec: LeasedSpec,
  worker: string,
  row: { id: string; attempts: number },
  p: { maxAttempts: number; backoff: Backoff; onError?: ((e: unknown) => void) | undefined },
  work: () => Promise<void>,
): Promise<'done' | 'failed' | 'dead'> {
  if (row.attempts > p.maxAttempts) {
    await settleLeased(deps, spec, worker, row.id, { state: 'dead', error: LEASE_EXPIRED });
    return 'dead';
  }
  try {
    await work();
  } catch (e) {
    const cause = e instanceof NoRetry ? e.reason : e;
    p.onError?.(cause);
    const error = errorName(cause);
    if (e instanceof NoRetry || row.attempts >= p.maxAttempts) {
      await settleLeased(deps, spec, worker, row.id, { state: 'dead', error });
      return 'dead';
    }
    await settleLeased(deps, spec, worker, row.id, { state: 'pending', error, retryAt: deps.now() + backoffDelay(row.attempts, p.backoff) });
    return 'failed';
  }
  await settleLeased(deps, spec, worker, row.id, { state: 'done' });
  return 'done';
}

/** Deletes finished rows older than `keepDoneMs` and dead ones older than `keepDeadMs`; returns how many. */
export async function purgeLeased(deps: LeaseDeps, spec: LeasedSpec, keep: { keepDoneMs: number; keepDeadMs: number }): Promise<number> {
  const db = deps.db as unknown as LeasedDb;
  const now = deps.now();
  let n = 0;
  for (const [state, ms] of [
    ['done', keep.keepDoneMs],
    ['dead', keep.keepDeadMs],
  ] as const) {
    const res = await db.deleteFrom(spec.table).where('state', '=', state).where('updated_at', '<', now - ms).executeTakeFirst();
    n += Number(res.numDeletedRows);
  }
  return n;
}
