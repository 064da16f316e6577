/**
 * Retries after a failure wait longer each time: `baseMs` after the first failure, doubling
 * after each further one, never more than `maxMs`. No jitter: claims are atomic, so workers
 * that retry at the same moment do not run the same work twice, and a test clock can predict
 * every delay.
 */
export interface Backoff {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { baseMs: 30_000, maxMs: 60 * 60 * 1000 };

/** The wait before the next attempt after `failures` failures (1 = the first). */
export function backoffDelay(failures: number, b: Backoff = DEFAULT_BACKOFF): number {
  const exp = Math.min(Math.max(failures - 1, 0), 30);
  return Math.min(b.maxMs, b.baseMs * 2 ** exp);
}

/**
 * What is stored of a failure: the error's name (TypeError, ZodError…), never its message,
 * which could carry personal data. Names are cut to 100 characters.
 */
export function errorName(e: unknown): string {
  const name = e instanceof Error && typeof e.name === 'string' && e.name ? e.name : 'Error';
  return name.slice(0, 100);
}

/**
 * The error stored for work whose lease ran out after its last allowed attempt began (the
 * process died or hung mid-run): it is dead-lettered rather than run again, so work that
 * kills its worker cannot keep killing workers.
 */
export const LEASE_EXPIRED = 'LeaseExpired';
