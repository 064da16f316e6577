import { lockedUntilAfter } from './user.js';

/**
 * Brute-force slowdown that never looks at client addresses (Haven does not read them).
 *
 * - GlobalThrottle: counts failed sign-in steps across the whole process in a sliding
 *   window. Beyond a free allowance every further attempt waits a little longer (capped),
 *   which slows password spraying over many accounts without locking anyone out.
 * - UnknownEmailLocks: remembers failures against addresses that have no account, so
 *   they lock exactly like real accounts and a lockout reveals nothing about who exists.
 *   Held in memory, bounded, keyed by a hash of the address.
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

export class GlobalThrottle {
  private failures: number[] = [];

  constructor(
    private readonly now: () => number,
    private readonly opts: ThrottleOptions = DEFAULT_THROTTLE,
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((r) => setTimeout(r, ms)),
  ) {}

  private prune(): void {
    const from = this.now() - this.opts.windowMs;
    while (this.failures.length > 0 && this.failures[0]! <= from) this.failures.shift();
  }

  recordFailure(): void {
    this.prune();
    this.failures.push(this.now());
    // The array never needs more entries than it takes to reach the cap.
    const keep = this.opts.freeFailures + Math.ceil(this.opts.maxDelayMs / this.opts.stepMs) + 1;
    if (this.failures.length > keep) this.failures.splice(0, this.failures.length - keep);
  }

  /** How long the next attempt should wait, in milliseconds. */
  delayMs(): number {
    this.prune();
    const excess = this.failures.length - this.opts.freeFailures;
    return excess <= 0 ? 0 : Math.min(excess * this.opts.stepMs, this.opts.maxDelayMs);
  }

  /** Waits before an attempt when the process has seen too many failures lately. */
  async wait(): Promise<void> {
    const ms = this.delayMs();
    if (ms > 0) await this.sleep(ms);
  }
}

const MAX_TRACKED = 10_000;

export class UnknownEmailLocks {
  private readonly entries = new Map<string, { failures: number; lockedUntil: number | null }>();

  isLocked(key: string, now: number): boolean {
    const e = this.entries.get(key);
    return !!e && e.lockedUntil !== null && e.lockedUntil > now;
  }

  recordFailure(key: string, now: number): void {
    const e = this.entries.get(key) ?? { failures: 0, lockedUntil: null };
    e.failures += 1;
    e.lockedUntil = lockedUntilAfter(e.failures, now);
    this.entries.delete(key);
    this.entries.set(key, e);
    // Maps iterate in insertion order: drop the least recently failed address first.
    if (this.entries.size > MAX_TRACKED) this.entries.delete(this.entries.keys().next().value!);
  }
}

/** The per-process state of the sign-in defences. */
export interface SignInGuard {
  global: GlobalThrottle;
  unknown: UnknownEmailLocks;
}

export function createSignInGuard(now: () => number, opts?: ThrottleOptions): SignInGuard {
  return { global: new GlobalThrottle(now, opts), unknown: new UnknownEmailLocks() };
}
