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
 * A moment in UTC with its zone named: handlers work in shifts across time zones, and one
 * shared clock avoids "was that my 9 o'clock or yours?" at handover. The formatter is made
 * once per locale (platform/i18n/formats.ts), never per call.
 */
export function formatTime(locale: string, ms: number): string {
  return STAFF_TIME(locale).format(ms);
}

/**
 * The same moment for machines: ISO 8601 in UTC (`2026-11-22T09:00:00.000Z`), as the
 * `datetime` attribute of every `<time>` a staff page shows.
 */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

const MEDIUM_UTC = dateTimeFormats({ dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

/**
 * A moment in UTC as a medium date and a short time, without the zone's name: for pages that
 * say "UTC" in their own words (a requester's conversation, the token list).
 */
export function formatUtcMedium(locale: string, ms: number): string {
  return MEDIUM_UTC(locale).format(ms);
}
