// Pure rules of the staff queue: its orders, its cursors, the received-date filter's days, the
// first line of a request as a row shows it, and how far its total is counted. No I/O.

import { dateTimeFormats } from '../../platform/i18n/formats.js';

/**
 * The queue's orders. `deadline`: cases awaiting a reply first, then by first-response
 * deadline (oldest first), then id; `activity`: latest activity first; `received`: newest
 * first. Each is read from an index in that order (case.repo.ts, ADR 29).
 */
export const QUEUE_SORTS = ['deadline', 'activity', 'received'] as const;
export type QueueSort = (typeof QUEUE_SORTS)[number];

/**
 * How far the total is counted: a page reads at most this many index entries to count its
 * cases, however many there are; above it, the page says "1,000+" (ADR 29). Measured on
 * 300,000 cases, counting to 10,000 took PostgreSQL about 10 ms, more than the page itself;
 * to 1,000, under 2 ms.
 */
export const QUEUE_COUNT_MAX = 1_000;

/** How many characters of a request's first line a row shows. */
export const FIRST_LINE_MAX = 120;

/** Where a queue page starts, in its order: the sort key of the last row of the previous page. */
export type PageCursor =
  | { sort: 'deadline'; awaiting: number; due: number; id: number }
  | { sort: 'activity' | 'received'; at: number; id: number };

/** A queue row's sort keys. */
export interface QueueKeys {
  id: number;
  awaiting_reply: number;
  first_response_due_at: number;
  last_activity_at: number;
  created_at: number;
}

/** The cursor after `row` in `sort`: `a.due.id` for the deadline order (as before), `k.at.id` for the others. */
export function encodeCursor(sort: QueueSort, row: QueueKeys): string {
  if (sort === 'deadline') return `${row.awaiting_reply ? 1 : 0}.${row.first_response_due_at}.${row.id}`;
  return `k.${sort === 'activity' ? row.last_activity_at : row.created_at}.${row.id}`;
}

/** A cursor read back for `sort`, or null when it was made for another order (the schema checked its shape). */
export function decodeCursor(sort: QueueSort, cursor: string): PageCursor | null {
  const [head, key, id] = cursor.split('.');
  if ((head === 'k') !== (sort !== 'deadline')) return null;
  if (sort === 'deadline') return { sort, awaiting: Number(head), due: Number(key), id: Number(id) };
  return { sort, at: Number(key), id: Number(id) };
}

/** True for a YYYY-MM-DD string that names a real day between the years 2000 and 9999. */
export function isCalendarDay(day: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 2000) return false;
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

// The parts of a moment in a zone; one formatter per zone, kept (formats.ts: never one per call).
const WALL_CLOCK = dateTimeFormats({
  timeZone: 'UTC',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** How far `zone` is ahead of UTC at the instant `ms`, in milliseconds. */
function zoneOffset(zone: string, ms: number): number {
  const parts = WALL_CLOCK('en-US', zone).formatToParts(new Date(ms));
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const local = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return local - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant a day (YYYY-MM-DD, checked by `isCalendarDay`) starts in `zone`: midnight there,
 * or the first moment of the day when a change of clocks skips midnight.
 */
export function dayStart(day: string, zone: string): number {
  const [y, m, d] = day.split('-').map(Number);
  const utc = Date.UTC(y!, m! - 1, d!);
  // The offset at the guess, then at the instant it gives: right on both sides of a change of clocks.
  let at = utc - zoneOffset(zone, utc);
  at = utc - zoneOffset(zone, at);
  return at;
}

/** The day after `day` (YYYY-MM-DD), for a range that includes `day` whole. */
export function nextDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y!, m! - 1, d! + 1)).toISOString().slice(0, 10);
}

/**
 * The first line of a request as a queue row shows it: its first line that is not blank, cut to
 * `max` characters (whole code points, never half a pair) with an ellipsis when cut.
 */
export function firstLine(text: string, max = FIRST_LINE_MAX): string {
  const line = text.split(/\r\n|\r|\n|\u2028|\u2029/).find((l) => l.trim() !== '')?.trim() ?? '';
  const chars = Array.from(line);
  return chars.length > max ? `${chars.slice(0, max - 1).join('').trimEnd()}…` : line;
}
