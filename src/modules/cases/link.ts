import { withoutHiddenHandleChars } from '../../platform/text.js';

// Linking and merging cases (ADR 38): the pure rules.

/** Why two cases are linked: a fixed list, so a link holds nothing personal and reads in every language. */
export const LINK_REASONS = ['related', 'same_incident', 'same_requester', 'follow_up'] as const;
export type LinkReason = (typeof LINK_REASONS)[number];

/** A link's row key: the smaller id first, whichever side it was made from (links are symmetric). */
export function linkPair(a: number, b: number): { low_id: number; high_id: number } {
  return a < b ? { low_id: a, high_id: b } : { low_id: b, high_id: a };
}

/** How many open cases from the same handle the case page suggests at most. */
export const DUPLICATES_MAX = 10;

/**
 * A contact handle as it is compared for duplicates: NFKC, invisible characters taken out, case
 * folded; a handle made of digits and phone punctuation only is its digits (with a leading +
 * dropped), so "+52 55 0000-0000" and "+525500000000" meet. Empty: no handle.
 */
export function normalizeHandle(raw: string): string {
  const s = withoutHiddenHandleChars(raw.normalize('NFKC')).trim().toLowerCase();
  if (/^\+?[\d\s().\-/]+$/.test(s)) return s.replace(/\D/g, '');
  return s.replace(/\s+/g, '');
}
