import { describe, expect, it } from 'vitest';
import { dayStart, decodeCursor, encodeCursor, firstLine, isCalendarDay, nextDay } from './queue.js';
import { normaliseQuery, readViewQuery } from './saved-view.js';
import { sharedI18n } from '../../runtime.js';

// The queue's pure rules: a request's first line, the received-date filter's days in a zone,
// the cursors of each order, and a saved view's query written one way and read back checked.

describe('the first line of a request', () => {
  it('is the first line that is not blank, trimmed', () => {
    expect(firstLine('\n  \r\n  My phone was taken at the border.\nThey asked for my password.')).toBe(
      'My phone was taken at the border.',
    );
    expect(firstLine('')).toBe('');
  });

  it('is cut to its limit in whole code points, with an ellipsis', () => {
    const long = '🔒'.repeat(200);
    const cut = firstLine(long, 120);
    expect(Array.from(cut)).toHaveLength(120);
    expect(cut.endsWith('…')).toBe(true);
    // No half of a surrogate pair is left behind.
    expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect(firstLine('a'.repeat(120), 120)).toBe('a'.repeat(120));
  });

  it('ends at any line separator, Unicode ones too', () => {
    expect(firstLine('سطر أول\u2028سطر ثان')).toBe('سطر أول');
  });
});

describe('received-date days', () => {
  it('accepts real days only', () => {
    expect(isCalendarDay('2026-12-07')).toBe(true);
    expect(isCalendarDay('2028-02-29')).toBe(true);
    expect(isCalendarDay('2026-02-29')).toBe(false);
    expect(isCalendarDay('2026-13-01')).toBe(false);
    expect(isCalendarDay('1999-12-31')).toBe(false);
    expect(isCalendarDay('2026-1-1')).toBe(false);
  });

  it('start at midnight in the reader’s zone', () => {
    expect(dayStart('2026-12-07', 'UTC')).toBe(Date.UTC(2026, 11, 7));
    // Mexico City is UTC−6 in December; Kolkata UTC+5:30.
    expect(dayStart('2026-12-07', 'America/Mexico_City')).toBe(Date.UTC(2026, 11, 7, 6));
    expect(dayStart('2026-12-07', 'Asia/Kolkata')).toBe(Date.UTC(2026, 11, 6, 18, 30));
    // The day clocks go forward in Paris (2026-03-29) starts at midnight, before the change.
    expect(dayStart('2026-03-29', 'Europe/Paris')).toBe(Date.UTC(2026, 2, 28, 23));
    expect(dayStart('2026-03-30', 'Europe/Paris')).toBe(Date.UTC(2026, 2, 29, 22));
    expect(nextDay('2026-12-31')).toBe('2027-01-01');
  });
});

describe('queue cursors', () => {
  const row = { id: 42, awaiting_reply: 1, first_response_due_at: 1000, last_activity_at: 2000, created_at: 500 };
  it('are read back in their own order only', () => {
    expect(decodeCursor('deadline', encodeCursor('deadline', row))).toEqual({ sort: 'deadline', awaiting: 1, due: 1000, id: 42 });
    expect(decodeCursor('activity', encodeCursor('activity', row))).toEqual({ sort: 'activity', at: 2000, id: 42 });
    expect(decodeCursor('received', encodeCursor('received', row))).toEqual({ sort: 'received', at: 500, id: 42 });
    expect(decodeCursor('activity', encodeCursor('deadline', row))).toBeNull();
    expect(decodeCursor('deadline', encodeCursor('received', row))).toBeNull();
  });
});

describe('a saved view’s query', () => {
  it('is written one way: known keys in order, defaults left out, never a page', () => {
    const q = readViewQuery('sort=activity&region=africa&status=all&view=main');
    expect(q).not.toBeNull();
    expect(normaliseQuery(q!)).toBe('status=all&region=africa&sort=activity');
    expect(normaliseQuery(readViewQuery('sort=deadline')!)).toBe('');
  });

  it('is refused when it does not pass the queue’s checks', () => {
    expect(readViewQuery('status=bogus')).toBeNull();
    expect(readViewQuery('cursor=1.5.5')).toBeNull();
    expect(readViewQuery('limit=5')).toBeNull();
    expect(readViewQuery('region=a&region=b')).toBeNull();
    expect(readViewQuery('received_from=2026-02-30')).toBeNull();
    expect(readViewQuery(`region=${'x'.repeat(1_001)}`)).toBeNull();
    expect(readViewQuery('region=%00')).toBeNull();
  });
});

describe('the total', () => {
  it('says when there are more than it counted', () => {
    const i18n = sharedI18n();
    expect(i18n.translator('en')('cases.queue.total', { count: 1000, more: 'yes' })).toBe('1,000+ cases');
    expect(i18n.translator('en')('cases.queue.total', { count: 1, more: 'no' })).toBe('1 case');
    expect(i18n.translator('es')('cases.queue.total', { count: 1000, more: 'yes' })).toBe('1000+ casos');
  });
});
