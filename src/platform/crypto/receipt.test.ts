import { describe, expect, it } from 'vitest';
import { newReceipt, normalizeReceipt } from './receipt.js';

describe('a receipt as people paste or type it', () => {
  const code = newReceipt();
  const canonical = code.replace(/-/g, '');

  it('survives invisible characters and odd spaces picked up by copying', () => {
    expect(normalizeReceipt(`\uFEFF${code}`)).toBe(canonical); // a byte-order mark
    expect(normalizeReceipt(code.replace(/-/g, '\u200B'))).toBe(canonical); // zero-width spaces
    expect(normalizeReceipt(code.replace(/-/g, '\u00A0'))).toBe(canonical); // non-breaking spaces
    expect(normalizeReceipt(code.replace(/-/g, '\u202F'))).toBe(canonical); // narrow no-break spaces
    expect(normalizeReceipt(`\u202A${code}\u202C`)).toBe(canonical); // direction marks
    expect(normalizeReceipt(code.replace(/-/g, '\u2011'))).toBe(canonical); // non-breaking hyphens
    expect(normalizeReceipt(code.replace(/-/g, '\u2013'))).toBe(canonical); // en dashes
    expect(normalizeReceipt(code.replace(/-/g, '\u2212'))).toBe(canonical); // minus signs
  });

  it('reads full-width letters and digits, as a phone keyboard may type them', () => {
    const wide = [...code]
      .map((c) => (c === '-' ? '－' : String.fromCharCode(c.charCodeAt(0) + 0xfee0)))
      .join('');
    expect(normalizeReceipt(wide)).toBe(canonical);
    expect(normalizeReceipt(wide.toLowerCase())).toBe(canonical);
  });

  it('reads Arabic-Indic and Persian digits, and Cyrillic letters that look like Latin ones', () => {
    expect(normalizeReceipt('٠١٢٣-٤٥٦٧-٨٩۰۱-۲۳۴۵-۶۷۸۹')).toBe('01234567890123456789');
    expect(normalizeReceipt('АВСЕ-НКМР-ТХ00-1111-2222')).toBe('ABCEHKMPTX0011112222');
  });

  it('still refuses what cannot be a receipt', () => {
    expect(normalizeReceipt('')).toBeNull();
    expect(normalizeReceipt(`${code}\0`)).toBeNull();
    expect(normalizeReceipt('ЖЖЖЖ-ЖЖЖЖ-ЖЖЖЖ-ЖЖЖЖ-ЖЖЖЖ')).toBeNull();
    expect(normalizeReceipt('x'.repeat(10_000))).toBeNull();
  });
});
