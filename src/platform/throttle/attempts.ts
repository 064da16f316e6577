import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../storage/schema.js';

// Attempt guards: how many consecutive failures a key (a sign-in address's keyed hash, the
// unseal form) has had, the lock they earned, and, for attempts that must run one at a time,
// the lease of the attempt now running. All of it lives in the database (`attempt_guards`), so
// several processes share one count, and every attempt is *reserved* before it is checked:
//
//   reserve  one atomic UPDATE counts the attempt as a failure in advance (and takes the
//            lease) unless the key is locked or busy; parallel attempts therefore queue on
//            the row and each sees the count the others left, so the lock holds for 200
//            parallel guesses exactly as for 200 sequential ones.
//   settle   `succeeded` gives the reserved failure back, `reset` clears the count (the whole
//            sign-in or unseal is done), `failed` keeps it and, for a leased attempt, starts
//            the wait when the check ended rather than when it began.
//
// A crash between reserve and settle leaves the attempt counted as a failure and the lease to
// run out: the safe side.

type Db = Kysely<Database>;

export interface AttemptPolicy {
  /**
   * How long a key is locked after reaching `failures` consecutive failures (null: not
   * locked). Must not decrease as failures grow, and must stop growing by LOCK_SCHEDULE_MAX.
   */
  lockMs(failures: number): number | null;
  /** Attempts run one at a time; the lease lets another try if this one's process died. */
  leaseMs?: number;
}

/** Beyond this many failures every policy's lock must have reached its cap. */
export const LOCK_SCHEDULE_MAX = 64;

/** A key's state is forgotten after a day without an attempt (and without a lock or lease). */
export const FORGET_AFTER_MS = 24 * 60 * 60 * 1000;

export type Reservation =
  | { ok: true; failures: number }
  | { ok: false; reason: 'locked' | 'busy'; retryAt: number };

/**
 * `now + lockMs(n)` as SQL, for `n` given as an SQL expression over the row: a CASE built from
 * the policy's schedule, so the lock is computed in the same statement that counts.
 */
function lockExpression(policy: AttemptPolicy, n: RawBuilder<number>, now: number): RawBuilder<number | null> {
  const steps: { from: number; ms: number }[] = [];
  for (let f = 1; f <= LOCK_SCHEDULE_MAX; f++) {
    const ms = policy.lockMs(f);
    if (ms === null) continue;
    if (steps.length === 0 || steps[steps.length - 1]!.ms !== ms) steps.push({ from: f, ms });
  }
  if (steps.length === 0) return sql<null>`null`;
  // Highest threshold first: the first matching WHEN wins.
  const whens = steps
    .reverse()
    .map((s) => sql`when ${n} >= ${sql.lit(s.from)} then ${sql.lit(now + s.ms)}`);
  return sql<number | null>`(case ${sql.join(whens, sql` `)} else null end)`;
}

const col = (name: string) => sql.ref<number>(`attempt_guards.${name}`);

/**
 * Counts an attempt for `key` before it is checked. Refused, without counting, while the key
 * is locked or (with a lease) while another attempt runs; `retryAt` says when to try again.
 */
export async function reserveAttempt(db: Db, key: string, now: number, policy: AttemptPolicy): Promise<Reservation> {
  await db
    .deleteFrom('attempt_guards')
    .where('updated_at', '<', now - FORGET_AFTER_MS)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
    .where((eb) => eb.or([eb('busy_until', 'is', null), eb('busy_until', '<=', now)]))
    .execute();
  await db
    .insertInto('attempt_guards')
    .values({ key, failures: 0, locked_until: null, busy_until: null, updated_at: now })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const counted = await db
    .updateTable('attempt_guards')
    .set({
      failures: sql`${col('failures')} + 1`,
      locked_until: lockExpression(policy, sql<number>`${col('failures')} + 1`, now),
      busy_until: policy.leaseMs ? now + policy.leaseMs : null,
      updated_at: now,
    })
    .where('key', '=', key)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
    .where((eb) => eb.or([eb('busy_until', 'is', null), eb('busy_until', '<=', now)]))
    .returning('failures')
    .executeTakeFirst();
  if (counted) return { ok: true, failures: Number(counted.failures) };
  const row = await db
    .selectFrom('attempt_guards')
    .select(['locked_until', 'busy_until'])
    .where('key', '=', key)
    .executeTakeFirst();
  const lockedUntil = Number(row?.locked_until ?? 0);
  const busyUntil = Number(row?.busy_until ?? 0);
  if (lockedUntil > now) return { ok: false, reason: 'locked', retryAt: Math.max(lockedUntil, busyUntil) };
  return { ok: false, reason: 'busy', retryAt: busyUntil };
}

/**
 * The attempt succeeded, but the whole act is not done yet (a right password before the
 * second factor): the failure reserved for it is given back, and a lock it alone caused lifts.
 */
export async function attemptSucceeded(db: Db, key: string, now: number, policy: AttemptPolicy): Promise<void> {
  const below = sql<number>`${col('failures')} - 1`;
  await db
    .updateTable('attempt_guards')
    .set({
      failures: sql`case when ${col('failures')} > 0 then ${below} else 0 end`,
      locked_until: sql`case when ${lockExpression(policy, below, now)} is null then null else ${col('locked_until')} end`,
      busy_until: null,
      updated_at: now,
    })
    .where('key', '=', key)
    .execute();
}

/** The attempt failed: its reserved failure stays; a leased attempt's wait starts now. */
export async function attemptFailed(db: Db, key: string, now: number, policy: AttemptPolicy): Promise<void> {
  if (!policy.leaseMs) return;
  await db
    .updateTable('attempt_guards')
    .set({ locked_until: lockExpression(policy, col('failures'), now), busy_until: null, updated_at: now })
    .where('key', '=', key)
    .execute();
}

/** The whole act succeeded (signed in with the second factor, unsealed): the key starts afresh. */
export async function resetAttempts(db: Db, key: string): Promise<void> {
  await db.deleteFrom('attempt_guards').where('key', '=', key).execute();
}

/** The current count and lock of a key (for tests and the audit trail). */
export async function attemptState(db: Db, key: string): Promise<{ failures: number; lockedUntil: number | null }> {
  const row = await db.selectFrom('attempt_guards').select(['failures', 'locked_until']).where('key', '=', key).executeTakeFirst();
  return { failures: Number(row?.failures ?? 0), lockedUntil: row?.locked_until == null ? null : Number(row.locked_until) };
}
