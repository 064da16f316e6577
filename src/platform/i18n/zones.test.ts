import { describe, expect, it } from 'vitest';
import { canonicalTimeZone, DEFAULT_TIME_ZONE, isTimeZone, listTimeZones, timeZoneLabel, zoneOrDefault } from './zones.js';

// The zones a person may choose (ADR 28): ICU's list with UTC first; other spellings of a
// listed zone accepted under the listed name; anything else refused, whatever it is.

describe('time zones', () => {
  it('lists UTC first, then every zone ICU names, once each, sorted', () => {
    const zones = listTimeZones();
    expect(zones[0]).toBe('UTC');
    expect(new Set(zones).size).toBe(zones.length);
    expect(zones.slice(1)).toEqual([...Intl.supportedValuesOf('timeZone')].filter((z) => z !== 'UTC').sort());
    expect(zones.length).toBeGreaterThan(300);
    expect(zones).toContain('America/Bogota');
    expect(zones).toContain('Africa/Nairobi');
  });

  it('accepts each listed zone as itself', () => {
    for (const zone of listTimeZones()) expect(canonicalTimeZone(zone), zone).toBe(zone);
  });

  it('accepts the IANA and the CLDR spelling of a zone, under the listed one', () => {
    const kolkata = canonicalTimeZone('Asia/Kolkata');
    expect(kolkata).not.toBeNull();
    expect(listTimeZones()).toContain(kolkata);
    expect(canonicalTimeZone('Asia/Calcutta')).toBe(kolkata);
    expect(canonicalTimeZone('Etc/UTC')).toBe('UTC');
    expect(isTimeZone('Asia/Kolkata')).toBe(true);
  });

  it('refuses what is not a zone: unknown, malformed, oversized, not text', () => {
    for (const bad of [
      'Mars/Olympus_Mons',
      'Europe/Atlantis',
      '',
      ' UTC',
      'UTC ',
      '+05:30',
      'Asia/Kolkata\u0000',
      '../../etc/passwd',
      '<script>',
      'America/' + 'A'.repeat(100),
      'Europe/Paris\u202e',
    ]) {
      expect(canonicalTimeZone(bad), JSON.stringify(bad)).toBeNull();
      expect(isTimeZone(bad)).toBe(false);
    }
    for (const notText of [undefined, null, 42, ['UTC'], { zone: 'UTC' }]) expect(isTimeZone(notText)).toBe(false);
  });

  it('gives a page UTC for a stored zone it no longer knows, never an error', () => {
    expect(zoneOrDefault('Mars/Olympus_Mons')).toBe(DEFAULT_TIME_ZONE);
    expect(zoneOrDefault(null)).toBe('UTC');
    expect(zoneOrDefault('America/Bogota')).toBe('America/Bogota');
  });

  it('names a zone for people: underscores as spaces', () => {
    expect(timeZoneLabel('America/Port_of_Spain')).toBe('America/Port of Spain');
    expect(timeZoneLabel('UTC')).toBe('UTC');
  });
});
