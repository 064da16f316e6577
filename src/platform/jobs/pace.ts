import { setImmediate as nextTurn } from 'node:timers/promises';

// Long background work (retention over a million cases, the deletion lists, a key rotation)
// shares the server's one event loop with the requests. On SQLite every query is synchronous
// (better-sqlite3) and an awaited query resolves as a microtask, so a loop of transactions
// never lets the event loop turn: the server would answer nothing until the work ends, and
// could not even hear SIGTERM. Such work calls `pace.breathe()` between two transactions:
// after a slice of `sliceMs` it yields one turn of the event loop (requests, timers and
// signals waiting meanwhile are served), and once the process is stopping it ends the work
// there, at a transaction boundary, by throwing JobStopped. ADR 23.

/** The work was asked to stop (the process is stopping); everything committed so far stays. */
export class JobStopped extends Error {
  constructor() {
    super('stopped at a transaction boundary because the process is stopping');
    this.name = 'JobStopped';
  }
}

/** How long work runs between two turns of the event loop, by default. */
export const DEFAULT_SLICE_MS = 10;

export interface Pace {
  /** Aborted when the process is stopping. */
  readonly signal: AbortSignal;
  /**
   * Called between two transactions, never inside one: yields a turn of the event loop when
   * this slice has run `sliceMs`, and throws JobStopped once `signal` is aborted.
   */
  breathe(): Promise<void>;
}

/**
 * A pace for one run of background work. `sliceMs` 0 yields at every call (tests use it to
 * make yielding observable); `clock` is a monotonic clock in ms.
 */
export function createPace(
  opts: { signal?: AbortSignal; sliceMs?: number; clock?: () => number } = {},
): Pace {
  const signal = opts.signal ?? new AbortController().signal;
  const sliceMs = opts.sliceMs ?? DEFAULT_SLICE_MS;
  const clock = opts.clock ?? (() => performance.now());
  let sliceStart = clock();
  return {
    signal,
    async breathe() {
      if (signal.aborted) throw new JobStopped();
      if (clock() - sliceStart < sliceMs) return;
      await nextTurn();
      sliceStart = clock();
      if (signal.aborted) throw new JobStopped();
    },
  };
}
