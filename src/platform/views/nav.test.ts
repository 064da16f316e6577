import { describe, expect, it } from 'vitest';
import { currentEntry, NAV_COUNT_MAX, navBox, navCountValues } from './nav.js';

describe('navigation entries', () => {
  it('reads a box from an href ending in "?<field>=", and nothing from a link', () => {
    expect(navBox('/staff/cases/go?number=')).toEqual({ action: '/staff/cases/go', field: 'number' });
    expect(navBox('/staff')).toBeNull();
    expect(navBox('/staff?view=spam')).toBeNull();
    expect(navBox('/staff/cases/go?number=1')).toBeNull();
    expect(navBox('https://elsewhere.example/?q=')).toBeNull();
  });

  it('marks the most specific link the page matches, and none for a page the bar does not name', () => {
    const hrefs = ['/staff', '/staff?view=spam', '/staff/audit', '/staff/cases/go?number='];
    expect(currentEntry(hrefs, '/staff')).toBe('/staff');
    expect(currentEntry(hrefs, '/staff?status=new&cursor=abc')).toBe('/staff');
    expect(currentEntry(hrefs, '/staff?status=new&view=spam')).toBe('/staff?view=spam');
    expect(currentEntry(hrefs, '/staff/audit?person=x')).toBe('/staff/audit');
    expect(currentEntry(hrefs, '/staff/cases/go?number=')).toBeNull();
    expect(currentEntry(hrefs, '/staff/cases/12')).toBeNull();
  });

  it('shows a count as it is up to the most the bar shows, and that number and "more" above it', () => {
    expect(NAV_COUNT_MAX).toBe(999);
    expect(navCountValues(0)).toEqual({ count: 0, more: 'no' });
    expect(navCountValues(12)).toEqual({ count: 12, more: 'no' });
    expect(navCountValues(999)).toEqual({ count: 999, more: 'no' });
    expect(navCountValues(1000)).toEqual({ count: 999, more: 'yes' });
    expect(navCountValues(1_000_000)).toEqual({ count: 999, more: 'yes' });
  });
});
