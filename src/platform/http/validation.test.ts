import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CONTROL_CHARS_MESSAGE, fieldErrors, findNul, freeText, safeString } from './validation.js';

describe('safeString and freeText', () => {
  const schema = z.object({
    name: safeString().trim().min(1, 'x.required').max(5, 'x.too_long'),
    body: freeText().trim().max(3, 'x.too_long'),
  });

  it('refuses control characters first, with their own field message', () => {
    for (const bad of ['a\0', 'a\x07', 'a\x7F', 'a\x85', 'a\uD800', 'a\uFFFF']) {
      const r = schema.safeParse({ name: bad, body: 'ok' });
      expect(r.success, JSON.stringify(bad)).toBe(false);
      expect(fieldErrors(r.error!)).toEqual({ name: CONTROL_CHARS_MESSAGE });
      // Only that message: the person is not also told the answer is too long or missing.
      expect(r.error!.issues).toHaveLength(1);
    }
  });

  it('keeps the other checks, and counts a CRLF as one character', () => {
    expect(schema.safeParse({ name: ' Ana ', body: 'a\r\nb' }).data).toEqual({
      name: 'Ana',
      body: 'a\nb',
    });
    expect(fieldErrors(schema.safeParse({ name: 'toolong', body: 'abcd' }).error!)).toEqual({
      name: 'x.too_long',
      body: 'x.too_long',
    });
  });
});

describe('findNul', () => {
  it('names where a NUL hides in a body, a query or parameters', () => {
    expect(findNul({ a: 'x', b: 'y\0' })).toBe('b');
    expect(findNul({ case: ['1', '2\0'] })).toBe('case.1');
    expect(findNul({ nested: { deeper: { body: '\0' } } })).toBe('nested.deeper.body');
    expect(findNul({ 'k\0': 'v' })).toBe('_body');
    expect(findNul('\0')).toBe('_body');
    expect(findNul({ a: 'x', n: 1, t: true, z: null })).toBeNull();
    expect(findNul(undefined)).toBeNull();
  });

  it('walks a deeply nested body without overflowing', () => {
    let deep: unknown = '\0';
    for (let i = 0; i < 20_000; i++) deep = [deep];
    expect(findNul(deep)).toMatch(/^0(\.0)*$/);
  });
});
