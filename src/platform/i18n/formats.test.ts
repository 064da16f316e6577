import { describe, expect, it } from 'vitest';
import { Bounded, collatorFor, dateTimeFormats, INTL_CACHE_MAX, unitListFor, ZONED_CACHE_MAX } from './formats.js';

describe('Intl formatters kept per locale', () => {
  it('gives the same formatter for a locale every time, another for another locale', () => {
    const options: Intl.DateTimeFormatOptions = { dateStyle: 'medium', timeZone: 'UTC' };
    const formats = dateTimeFormats(options);
    const en = formats('en');
    expect(formats('en')).toBe(en);
    expect(formats('ar')).not.toBe(en);
    expect(en.format(Date.UTC(2026, 11, 7))).toBe(
      new Intl.DateTimeFormat('en', options).format(Date.UTC(2026, 11, 7)),
    );
    // The options are copied: changing the caller's object later changes nothing kept.
    options.timeZone = 'Asia/Tokyo';
    expect(formats('fr').resolvedOptions().timeZone).toBe('UTC');
  });

  it('keeps one collator per locale, sorting as that locale does', () => {
    expect(collatorFor('sv')).toBe(collatorFor('sv'));
    expect(['ö', 'z', 'a'].sort(collatorFor('sv').compare)).toEqual(['a', 'z', 'ö']);
    expect(['ö', 'z', 'a'].sort(collatorFor('de').compare)).toEqual(['a', 'ö', 'z']);
  });

  it('keeps one list format per locale, joining as that locale does', () => {
    expect(unitListFor('ar')).toBe(unitListFor('ar'));
    expect(unitListFor('ar').format(['أ', 'ب', 'ج'])).toContain('،');
    expect(unitListFor('en').format(['a', 'b'])).toBe('a, b');
  });

  it('keeps one formatter per locale and time zone, showing the moment in that zone', () => {
    const formats = dateTimeFormats({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'UTC' });
    const kolkata = formats('en', 'Asia/Kolkata');
    expect(formats('en', 'Asia/Kolkata')).toBe(kolkata);
    expect(formats('en', 'America/Bogota')).not.toBe(kolkata);
    expect(formats('fr', 'Asia/Kolkata')).not.toBe(kolkata);
    // Without a zone, the options' own: another formatter than any zone's, UTC among them.
    expect(formats('en')).not.toBe(formats('en', 'UTC'));
    const nine = Date.UTC(2026, 11, 7, 9, 0);
    expect(kolkata.format(nine)).toBe('14:30');
    expect(formats('en', 'America/Bogota').format(nine)).toBe('04:00');
    expect(formats('en').format(nine)).toBe('09:00');
  });

  it('keeps no more than ZONED_CACHE_MAX formatters, forgetting the oldest first', () => {
    expect(ZONED_CACHE_MAX).toBeGreaterThanOrEqual(INTL_CACHE_MAX);
    const formats = dateTimeFormats({ timeZone: 'UTC' });
    const zones = Intl.supportedValuesOf('timeZone');
    expect(zones.length).toBeGreaterThan(ZONED_CACHE_MAX);
    const first = formats('en', zones[0]);
    for (let i = 1; i < ZONED_CACHE_MAX; i++) formats('en', zones[i]);
    expect(formats('en', zones[0])).toBe(first);
    formats('en', zones[ZONED_CACHE_MAX]);
    expect(formats('en', zones[0])).not.toBe(first);
    // Every zone in every staff language: still bounded, one formatter made per miss only.
    let made = 0;
    const counting = dateTimeFormats({ timeZone: 'UTC' });
    const Real = Intl.DateTimeFormat;
    const spy = function (this: unknown, ...args: ConstructorParameters<typeof Intl.DateTimeFormat>) {
      made++;
      return new Real(...args);
    } as unknown as typeof Intl.DateTimeFormat;
    Intl.DateTimeFormat = spy;
    try {
      for (let round = 0; round < 3; round++) for (const z of zones.slice(0, 40)) for (const l of ['en', 'es', 'fr', 'ar', 'ru']) counting(l, z);
    } finally {
      Intl.DateTimeFormat = Real;
    }
    expect(made).toBe(40 * 5);
  });

  it('keeps no more than INTL_CACHE_MAX collators or negotiated answers, forgetting the oldest first', () => {
    const cache = new Bounded<object>();
    const first = cache.get('k-0', () => ({}));
    for (let i = 1; i < INTL_CACHE_MAX; i++) cache.get(`k-${i}`, () => ({}));
    expect(cache.get('k-0', () => ({}))).toBe(first);
    cache.get(`k-${INTL_CACHE_MAX}`, () => ({}));
    expect(cache.get('k-0', () => ({}))).not.toBe(first);
  });

  it('keeps nothing for a locale or a zone Intl refuses', () => {
    const formats = dateTimeFormats({ timeZone: 'UTC' });
    expect(() => formats('not a locale')).toThrow(RangeError);
    expect(() => formats('not a locale')).toThrow(RangeError);
    expect(() => formats('en', 'Mars/Olympus_Mons')).toThrow(RangeError);
    expect(() => formats('en', 'Mars/Olympus_Mons')).toThrow(RangeError);
  });
});
