import type { Deps } from '../../deps.js';
import type { AttemptPolicy } from '../../platform/throttle/attempts.js';
import { addCount, countSince, purgeCounts } from '../../platform/throttle/counts.js';
import { lockedUntilAfter } from './user.js';

/**
 * Brute-force defences of the sign-in, which never look at client addresses (Haven does not
 * read them), and which live in the database so that every Haven process shares them:
 *
 * - A lock per address (platform/throttle/attempts.ts): each password or code attempt is
 *   counted before it is checked, for addresses with and without an account alike, by the
 *   same rows and the same statement, so a lockout reveals nothing about who exists and
 *   parallel guesses cannot slip past it.
 * - A global slowdown: failed steps across all addresses are counted per minute; beyond a
 *   free allowance every further attempt waits a little longer (capped), which slows
 *   password spraying over many accounts without locking anyone out.
 */
export interface ThrottleOptions {
  windowMs: number;
  freeFailures: number;
  stepMs: number;
  maxDelayMs: number;
}

export const DEFAULT_THROTTLE: ThrottleOptions = {
  windowMs: 60_000,
  freeFailures: 30,
  stepMs: 250,
  maxDelayMs: 5_000,
};

/** Consecutive password and code failures lock an address on the schedule of `lockedUntilAfter`. */
export const SIGN_IN_POLICY: AttemptPolicy = { lockMs: (failures) => lockedUntilAfter(failures, 0) };

/** The counter of failed sign-in steps across every address. */
const FAILED_COUNTER = 'sign-in.failed';

/** The slowdown's settings and how it waits (tests wait without sleeping). */
export interface SignInGuard {
  options: ThrottleOptions;
  sleep(ms: number): Promise<void>;
}

export function createSignInGuard(
  options: ThrottleOptions = DEFAULT_THROTTLE,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): SignInGuard {
  return { options, sleep };
}

/** The attempt-guard key of an address (already normalised): a keyed hash, never the address. */
export function signInKey(deps: Deps, address: string): string {
  return `sign-in:${deps.vault.keyedHash('sign-in', address)}`;
}

/** How long the next attempt should wait, given `failures` failed steps in the window. */
export function slowdownMs(options: ThrottleOptions, failures: number): number {
  const excess = failures - options.freeFailures;
  return excess <= 0 ? 0 : Math.min(excess * options.stepMs, options.maxDelayMs);
}

/** Waits before an attempt when all processes together have seen too many failures lately. */
export async function waitForTurn(deps: Deps, guard: SignInGuard): Promise<void> {
  const since = deps.now() - guard.options.windowMs;
  const ms = slowdownMs(guard.options, await countSince(deps.db, FAILED_COUNTER, since));
  if (ms > 0) await guard.sleep(ms);
}

/** Counts one failed sign-in step towards the global slowdown, and forgets old minutes. */
export async function countFailedStep(deps: Deps, guard: SignInGuard): Promise<void> {
  const now = deps.now();
  await purgeCounts(deps.db, FAILED_COUNTER, now - guard.options.windowMs - 60_000);
  await addCount(deps.db, FAILED_COUNTER, now, 1);
}
