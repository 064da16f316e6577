import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../storage/db.js';
import type { Database } from '../storage/schema.js';
import { skipLocked } from '../storage/skip-locked.js';

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
