import { describe, expect, it } from 'vitest';
import { collatorFor, dateTimeFormats, INTL_CACHE_MAX } from './formats.js';

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

  it('keeps no more than INTL_CACHE_MAX, forgetting the oldest first', () => {
    const formats = dateTimeFormats({ timeZone: 'UTC' });
    const first = formats('en-x-0');
    for (let i = 1; i < INTL_CACHE_MAX; i++) formats(`en-x-${i}`);
    expect(formats('en-x-0')).toBe(first);
    formats(`en-x-${INTL_CACHE_MAX}`);
    expect(formats('en-x-0')).not.toBe(first);
  });

  it('keeps nothing for a locale Intl refuses', () => {
    const formats = dateTimeFormats({ timeZone: 'UTC' });
    expect(() => formats('not a locale')).toThrow(RangeError);
    expect(() => formats('not a locale')).toThrow(RangeError);
  });
});
