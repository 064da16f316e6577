import { randomBytes } from './vault.js';

// Receipt codes: 20 symbols of Crockford's base32 (100 bits), shown as five groups of four.
// The alphabet has no I, L, O or U, so a code copied by hand is hard to get wrong, and input
// is forgiving: lower case, spaces, dashes and the look-alikes I/L→1, O→0 are accepted, and so
// is a code pasted with invisible characters or typed in another script's digits (below).

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

/** Decimal digits of other scripts (Arabic-Indic, Persian and Urdu, Devanagari, Bengali) by their zero. */
const DIGIT_ZEROS = [0x0660, 0x06f0, 0x0966, 0x09e6];

/** Cyrillic and Greek capitals that look like the code's letters, as typed on those keyboards. */
// prettier-ignore
const LOOKALIKES: Record<string, string> = {
  А: 'A', В: 'B', С: 'C', Е: 'E', Н: 'H', І: '1', К: 'K', М: 'M', О: '0', Р: 'P', Т: 'T', У: 'Y', Х: 'X',
  Α: 'A', Β: 'B', Ε: 'E', Ζ: 'Z', Η: 'H', Ι: '1', Κ: 'K', Μ: 'M', Ν: 'N', Ο: '0', Ρ: 'P', Τ: 'T', Υ: 'Y', Χ: 'X',
};

/**
 * Separators people and programs put in a code: spaces of every width (a PDF's non-breaking
 * ones too), dashes of every kind, dots, underscores, and invisible format characters such as
 * a zero-width space or a byte-order mark picked up by copying.
 */
const SEPARATORS = /[\s\p{Pd}\p{Cf}\u2212_.·•]/gu;

/**
 * The canonical form of what a person typed, or null when it cannot be a receipt. Forgiving
 * of how a code arrives: pasted from a PDF or a chat, typed on a phone keyboard in full width
 * or in Arabic-Indic digits, or on a Cyrillic or Greek keyboard. Compatibility normalisation
 * (NFKC) turns full-width letters and digits into plain ones first.
 */
export function normalizeReceipt(input: string): string | null {
  if (input.length > 200) return null;
  const s = input
    .normalize('NFKC')
    .replace(/[\u0660-\u0669\u06f0-\u06f9\u0966-\u096f\u09e6-\u09ef]/g, (d) => {
      const cp = d.codePointAt(0)!;
      const zero = DIGIT_ZEROS.find((z) => cp >= z && cp <= z + 9)!;
      return String(cp - zero);
    })
    .toUpperCase()
    .replace(/[\u0370-\u03ff\u0400-\u04ff]/g, (c) => LOOKALIKES[c] ?? c)
    .replace(SEPARATORS, '')
    .replace(/[IL]/g, '1')
    .replace(/O/g, '0');
  if (s.length !== RECEIPT_SYMBOLS) return null;
  for (const ch of s) if (!ALPHABET.includes(ch)) return null;
  return s;
}
