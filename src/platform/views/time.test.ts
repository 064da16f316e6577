import { describe, expect, it } from 'vitest';
import { formatTime, formatUtcMedium, isoTime } from './time.js';

// How staff pages show a moment (ADR 28): in the reader's zone with the zone named, the same
// formatter for every call in one locale and zone; ISO in UTC for machines.

const NINE_UTC = Date.UTC(2026, 11, 7, 9, 0);

describe('staff times', () => {
  it("shows a moment in the reader's zone, with the zone named", () => {
    expect(formatTime({ locale: 'en', timeZone: 'UTC' }, NINE_UTC)).toBe('Dec 7, 2026, 09:00 AM UTC');
    expect(formatTime({ locale: 'en', timeZone: 'Asia/Kolkata' }, NINE_UTC)).toMatch(/02:30\sPM GMT\+5:30$/);
    expect(formatTime({ locale: 'fr', timeZone: 'America/Bogota' }, NINE_UTC)).toBe('7 déc. 2026, 04:00 UTC−5');
    expect(formatTime({ locale: 'ru', timeZone: 'Europe/Moscow' }, NINE_UTC)).toContain('12:00 GMT+3');
    expect(formatTime({ locale: 'ar', timeZone: 'Africa/Cairo' }, NINE_UTC)).toContain('غرينتش+2');
  });

  it('makes no formatter after the first for a locale and zone, however many moments a page shows', () => {
    const at = { locale: 'es', timeZone: 'America/Mexico_City' };
    formatTime(at, NINE_UTC);
    const Real = Intl.DateTimeFormat;
    let made = 0;
    Intl.DateTimeFormat = function (...args: ConstructorParameters<typeof Intl.DateTimeFormat>) {
      made++;
      return new Real(...args);
    } as unknown as typeof Intl.DateTimeFormat;
    try {
      for (let i = 0; i < 1000; i++) formatTime(at, NINE_UTC + i * 60_000);
    } finally {
      Intl.DateTimeFormat = Real;
    }
    expect(made).toBe(0);
  });

  it('refuses a zone Intl does not know rather than showing the wrong clock', () => {
    expect(() => formatTime({ locale: 'en', timeZone: 'Mars/Olympus_Mons' }, NINE_UTC)).toThrow(RangeError);
  });

  it('gives machines ISO 8601 in UTC, and requesters UTC in their own words', () => {
    expect(isoTime(NINE_UTC)).toBe('2026-12-07T09:00:00.000Z');
    expect(formatUtcMedium('en', NINE_UTC)).toBe('Dec 7, 2026, 9:00 AM');
  });
});
