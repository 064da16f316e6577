import type { SpamReason } from '../../contracts/case.js';
import { minuteOf, MINUTE_MS } from '../../platform/throttle/counts.js';

// Pure rules of intake's abuse resistance (ADR 13). Nothing here refuses a request: a
// suspicious one is saved all the same and waits in the suspected-spam queue, because Haven
// cannot tell a robot from a frightened person with certainty, and turning away the person
// is the worse mistake. Client addresses are never part of it (all of Tor arrives from one).

/** The honeypot field's name: people never see it, form-filling robots often fill it. */
export const HONEYPOT_FIELD = 'website';

/** The budget counts accepted requests per minute (platform/throttle/counts.ts) over a sliding hour. */
export const BUDGET_WINDOW_MS = 60 * MINUTE_MS;

/** The first minute still inside the sliding hour that ends at `now`. */
export function budgetWindowStart(now: number): number {
  return minuteOf(now) - BUDGET_WINDOW_MS + MINUTE_MS;
}

/**
 * Why a sent form looks automated, before the budget is asked: a filled honeypot field, or a
 * form sent sooner than `minFillMs` after it was shown. Null when it looks like a person.
 */
export function suspicion(p: {
  honeypot: string;
  issuedAt: number;
  now: number;
  minFillMs: number;
}): SpamReason | null {
  if (p.honeypot.trim() !== '') return 'honeypot';
  if (p.minFillMs > 0 && p.now - p.issuedAt < p.minFillMs) return 'too_fast';
  return null;
}

/**
 * When a form comes back to be corrected (422) or sent again (503), the time the person
 * already spent counts: the new token is dated at most `minFillMs` ago, so ticking one
 * forgotten box and sending again is not "too fast", while a robot that sent the first copy
 * instantly still has to wait out the rest.
 */
export function reissueTime(firstIssuedAt: number, now: number, minFillMs: number): number {
  return Math.min(now, Math.max(firstIssuedAt, now - minFillMs));
}
