// How the staff workspace shows a moment; every module's staff pages use it.

import { dateTimeFormats } from '../i18n/formats.js';

const STAFF_TIME = dateTimeFormats({
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'UTC',
  timeZoneName: 'short',
});

/**
 * Where a staff page's moments are shown: the reader's language and time zone (an IANA name,
 * the principal's `timeZone`). A staff page's context is one (`StaffPageContext`).
 */
export interface TimeContext {
  locale: string;
  timeZone: string;
}

/**
 * A moment in the reader's time zone with the zone named ("7 Dec 2026, 14:30 GMT+5:30"):
 * handlers work in shifts across time zones, and a named zone avoids "was that my 9 o'clock
 * or yours?" at handover (ADR 28). The formatter is made once per locale and zone
 * (platform/i18n/formats.ts), never per call.
 */
export function formatTime(at: TimeContext, ms: number): string {
  return STAFF_TIME(at.locale, at.timeZone).format(ms);
}

/**
 * The same moment for machines: ISO 8601 in UTC (`2026-11-22T09:00:00.000Z`), as the
 * `datetime` attribute of every `<time>` a staff page shows, whatever the reader's zone.
 */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

const MEDIUM_UTC = dateTimeFormats({ dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

/**
 * A moment in UTC as a medium date and a short time, without the zone's name: for the
 * requester's pages, which say "UTC" in their own words (a requester has no account, so no zone).
 */
export function formatUtcMedium(locale: string, ms: number): string {
  return MEDIUM_UTC(locale).format(ms);
}
