import { describe, expect, it } from 'vitest';
import { BODY_MARGIN_BYTES, bodyLimitFor, textBody } from './body-limit.js';

/** `n` UTF-16 code units of `pattern`, repeated, never cutting a character in two. */
function fill(pattern: string, n: number): string {
  let out = '';
  for (;;) {
    for (const ch of pattern) {
      if (out.length + ch.length > n) return out.padEnd(n, 'x');
      out += ch;
    }
  }
}

describe('body limits sized from the fields', () => {
  const fields = { description: 20_000, contact: 200, urgency: 200 };
  const limit = bodyLimitFor(fields);

  it('fits the longest answers in any script, url-encoded or JSON-escaped', () => {
    for (const pattern of [
      'نحن نتعرض لهجوم',
      'Нас взламывают',
      '我们的电脑被没收了',
      '🔒📱🆘👩‍💻',
      '\uFFFD',
    ]) {
      const form = new URLSearchParams({
        _csrf: 'x'.repeat(200),
        description: fill(pattern, 20_000),
        contact: fill(pattern, 200),
        urgency: fill(pattern, 200),
      }).toString();
      expect(Buffer.byteLength(form), pattern).toBeLessThanOrEqual(limit);
      const json = JSON.stringify({ description: fill(pattern, 20_000) }).replace(
        /[^\x20-\x7e]/g,
        (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
      );
      expect(Buffer.byteLength(json), pattern).toBeLessThanOrEqual(limit);
    }
  });

  it('is not much more than the worst case, and never below the margin', () => {
    // 20,000 CJK characters, url-encoded, are 180,000 bytes.
    expect(limit).toBeGreaterThan(180_000);
    expect(limit).toBeLessThan(200_000);
    expect(bodyLimitFor({})).toBeGreaterThanOrEqual(BODY_MARGIN_BYTES);
  });

  it('gives the route its limit and, for the 413 page, its longest text', () => {
    expect(textBody(fields)).toEqual({ bodyLimit: limit, config: { textMax: 20_000 } });
  });
});
