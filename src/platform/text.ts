// What Haven accepts as text, and how it shows text it did not write. Pure functions, used
// by the input schemas (platform/http/validation.ts), the last-line NUL guard of each surface,
// and the views.

/**
 * Characters that no text a person types contains: C0 controls except TAB, LF and CR; DEL;
 * C1 controls; lone surrogates (half of an emoji, from a broken client); noncharacters such
 * as U+FFFE and U+FFFF. PostgreSQL cannot store U+0000 at all, and the rest only ever come
 * from a broken program or someone probing.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN = /[\0-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]|\p{Cs}|\p{Noncharacter_Code_Point}/u;
const FORBIDDEN_ALL = new RegExp(FORBIDDEN.source, 'gu');

/** True when `s` holds a character no typed text contains (see FORBIDDEN). */
export function hasForbiddenChars(s: string): boolean {
  return FORBIDDEN.test(s);
}

/** `s` without those characters: for showing a refused answer again, never for saving it. */
export function withoutForbiddenChars(s: string): string {
  return s.replace(FORBIDDEN_ALL, '');
}

/**
 * Invisible format characters that no email address, phone number or Signal username
 * contains: direction controls (U+202A–U+202E, U+2066–U+2069, marks U+200E, U+200F, U+061C),
 * zero-width space, word joiner, byte-order mark, soft hyphen… (Unicode category Cf). Zero-width
 * non-joiner and joiner (U+200C, U+200D) are spared: some scripts need them inside a word, so
 * an internationalised address may hold them (the staff view shows them as markers).
 */
const HIDDEN_IN_HANDLE = /(?![\u200C\u200D])\p{Cf}/u;
const HIDDEN_IN_HANDLE_ALL = new RegExp(HIDDEN_IN_HANDLE.source, 'gu');

/** True when a contact handle holds an invisible format character (see HIDDEN_IN_HANDLE). */
export function hasHiddenHandleChars(s: string): boolean {
  return HIDDEN_IN_HANDLE.test(s);
}

/** A handle without those characters: for showing a refused answer again, never for saving it. */
export function withoutHiddenHandleChars(s: string): string {
  return s.replace(HIDDEN_IN_HANDLE_ALL, '');
}

/**
 * Characters a reader cannot see or that change how the text around them is shown: controls,
 * format characters (direction controls, zero-width characters, BOM), line and paragraph
 * separators, lone surrogates, and the blank fillers that render as nothing.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\u034F\u115F\u1160\u3164\uFFA0]/gu;

/** A piece of text to show: plain text, or an invisible character named by its code point. */
export type Revealed = string | { hidden: string };

/** `U+202E` for a character (the first code point of `ch`). */
export function codePointName(ch: string): string {
  return `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Splits `s` so that every invisible character can be shown as a visible marker instead of
 * taking effect: `safe@example.org\u202Egro.live` becomes text, the U+202E marker, text.
 */
export function revealInvisible(s: string): Revealed[] {
  const out: Revealed[] = [];
  let last = 0;
  for (const m of s.matchAll(INVISIBLE)) {
    if (m.index > last) out.push(s.slice(last, m.index));
    out.push({ hidden: codePointName(m[0]) });
    last = m.index + m[0].length;
  }
  if (last < s.length) out.push(s.slice(last));
  return out;
}

/**
 * Wraps a value put into a translated sentence in Unicode isolates (FSI … PDI), the plain-text
 * equivalent of `<bdi>`: a name in another script, or one holding direction controls, cannot
 * reorder or reverse the sentence around it.
 */
export function isolate(s: string): string {
  return `\u2068${s}\u2069`;
}

/** Line breaks as one LF: browsers send CRLF, so a limit counts what the person sees. */
export function normalizeNewlines(s: string): string {
  return s.replace(/\r\n?/g, '\n');
}
