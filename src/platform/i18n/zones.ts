// Time zones a person may choose for their staff pages (ADR 28).
//
// The list is what Node's ICU names (`Intl.supportedValuesOf('timeZone')`), with 'UTC' first.
// ICU lists each zone under its CLDR name, which is sometimes an older IANA spelling
// ('Asia/Calcutta' where the IANA database now says 'Asia/Kolkata'); a name is accepted when
// it is listed or when ICU resolves it to a listed zone, so both spellings work and a zone
// stored under one is never refused after Node's ICU moves to the other.

import { Bounded } from './formats.js';

/** The zone every person starts in, and the one used when a stored zone is no longer known. */
export const DEFAULT_TIME_ZONE = 'UTC';

/** Longest zone name accepted (the longest IANA name is 32 characters). */
export const TIME_ZONE_MAX = 64;

const LISTED: readonly string[] = [
  DEFAULT_TIME_ZONE,
  ...Intl.supportedValuesOf('timeZone').filter((z) => z !== DEFAULT_TIME_ZONE).sort(),
];
const LISTED_SET = new Set(LISTED);

/** Every zone offered on the account page, 'UTC' first, then by name. */
export function listTimeZones(): readonly string[] {
  return LISTED;
}

// A name's answer, kept: a principal's zone is checked on every staff request, and an
// unlisted spelling costs a formatter to resolve. Bounded, since a form may send any text.
const resolved = new Bounded<string | null>(1000);

/**
 * The listed zone a name stands for ('Asia/Kolkata' → whichever of 'Asia/Kolkata' and
 * 'Asia/Calcutta' ICU lists; 'Etc/UTC' → 'UTC'), or null when ICU knows no such zone.
 */
export function canonicalTimeZone(name: unknown): string | null {
  if (typeof name !== 'string' || name.length === 0 || name.length > TIME_ZONE_MAX) return null;
  if (LISTED_SET.has(name)) return name;
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(name)) return null;
  return resolved.get(name, () => {
    try {
      const zone = new Intl.DateTimeFormat('en', { timeZone: name }).resolvedOptions().timeZone;
      return LISTED_SET.has(zone) ? zone : null;
    } catch {
      return null;
    }
  });
}

/** True for a time zone name Haven accepts: listed by ICU, or another spelling of a listed one. */
export function isTimeZone(name: unknown): name is string {
  return canonicalTimeZone(name) !== null;
}

/** A stored zone as pages use it: its listed name, else UTC (never an error on a page). */
export function zoneOrDefault(name: string | null | undefined): string {
  return canonicalTimeZone(name) ?? DEFAULT_TIME_ZONE;
}

/** A zone's name as a person reads it in a list: 'America/Port_of_Spain' → 'America/Port of Spain'. */
export function timeZoneLabel(name: string): string {
  return name.replaceAll('_', ' ');
}
