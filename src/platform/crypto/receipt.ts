import { randomBytes } from './vault.js';

// Receipt codes: 20 symbols of Crockford's base32 (100 bits), shown as five groups of four.
// The alphabet has no I, L, O or U, so a code copied by hand is hard to get wrong, and input
// is forgiving: lower case, spaces, dashes and the look-alikes I/L→1, O→0 are accepted.

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const RECEIPT_SYMBOLS = 20;
export const RECEIPT_BITS = RECEIPT_SYMBOLS * 5;

/** A new receipt code, formatted for display: XXXX-XXXX-XXXX-XXXX-XXXX. */
export function newReceipt(): string {
  const bytes = randomBytes(RECEIPT_SYMBOLS);
  let out = '';
  for (let i = 0; i < RECEIPT_SYMBOLS; i++) {
    out += ALPHABET[bytes[i]! & 31];
    if (i % 4 === 3 && i < RECEIPT_SYMBOLS - 1) out += '-';
  }
  return out;
}

/** The canonical form of what a person typed, or null when it cannot be a receipt. */
export function normalizeReceipt(input: string): string | null {
  const s = input
    .toUpperCase()
    .replace(/[\s\-_.]/g, '')
    .replace(/[IL]/g, '1')
    .replace(/O/g, '0');
  if (s.length !== RECEIPT_SYMBOLS) return null;
  for (const ch of s) if (!ALPHABET.includes(ch)) return null;
  return s;
}
