import type { AttemptPolicy } from '../../platform/throttle/attempts.js';

/**
 * Unseal attempts, guarded in the database (platform/throttle/attempts.ts) under one key
 * shared by every process: only one attempt runs at a time (each costs an argon2id
 * derivation of 256 MiB, so parallel attempts would exhaust memory and starve the public
 * pages), and each failure doubles the wait before the next one may start, from one second
 * up to a minute; a successful unseal clears it. An attempt that arrives while another runs
 * or while the wait lasts is answered at once, without deriving anything and without an audit
 * entry; it is told when to try again. Haven never looks at who sends them.
 */
export const UNSEAL_GUARD_KEY = 'unseal';

export function unsealPolicy(opts: { baseMs: number; maxMs: number } = { baseMs: 1_000, maxMs: 60_000 }): AttemptPolicy {
  return {
    lockMs: (failures) => (failures < 1 ? null : Math.min(opts.baseMs * 2 ** (failures - 1), opts.maxMs)),
    // A derivation takes about a second; the lease only matters if a process dies mid-attempt.
    leaseMs: 60_000,
  };
}

export const UNSEAL_POLICY = unsealPolicy();
