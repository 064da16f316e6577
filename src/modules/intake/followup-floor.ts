import type { Deps } from '../../deps.js';
import type { Timer } from '../../platform/deps.js';

/**
 * Every answer to a receipt entered on /followup takes at least this long, right or wrong,
 * so the time it takes says nothing about why a code was refused. Measured (20 runs each,
 * development laptop): a right code, which also stores a session, takes a median of 3 ms and
 * at most 8 ms on SQLite and 11 ms on PostgreSQL; an unknown or malformed code 0.2–1.6 ms,
 * at most 18 ms. 300 ms is far above all of these and their jitter, and small next to a Tor
 * round trip.
 */
export const FOLLOWUP_FLOOR_MS = 300;

/** How the floor reads the time and waits: the deps' timer (platform/deps.ts). */
export type FloorTimer = Timer;

/** The real clock: what a running Haven always uses. */
export const REAL_TIMER: FloorTimer = {
  now: () => performance.now(),
  sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
};

/**
 * Makes the follow-up answers of an app built on `deps` read the time and wait with `timer`
 * instead of the real clock, so a test can check the floor without paying it. Only tests call
 * this (test/harness.ts); nothing in `haven serve` does, so a running Haven always waits.
 */
export function useFloorTimer(deps: Deps, timer: FloorTimer): void {
  deps.timer = timer;
}

/** The timer the follow-up answers of an app built on `deps` use. */
export function floorTimer(deps: Deps): FloorTimer {
  return deps.timer ?? REAL_TIMER;
}

/**
 * Runs `work`, which decides the answer without sending it, then waits until at least
 * `floorMs` have passed since the start before the answer goes out (also when it throws).
 * Sending is deferred because a sent reply would leave before the wait.
 */
export async function answerAfter<T>(
  floorMs: number,
  timer: FloorTimer,
  work: () => Promise<() => T>,
): Promise<T> {
  const start = timer.now();
  let send: () => T;
  try {
    send = await work();
  } finally {
    const left = floorMs - (timer.now() - start);
    if (left > 0) await timer.sleep(left);
  }
  return send();
}
