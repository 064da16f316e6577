// Reply templates: what a template is, its placeholders and how a variant is chosen and
// filled (pure rules, no I/O). A template has one plain-text variant per language; a handler
// starts a reply from the variant in the case's language (ADR 25).

/** The placeholders Haven fills, as written in a template: `{handler_name}`. */
export const PLACEHOLDERS = ['handler_name', 'case_number', 'followup_url', 'organisation'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

/** What each placeholder is replaced with when a template is inserted. */
export type PlaceholderValues = Record<Placeholder, string>;

/** Longest template name, in characters. */
export const NAME_MAX = 120;

/**
 * Longest variant text, in characters: half a reply's 20,000, so a text with every
 * placeholder filled still fits in the reply box.
 */
export const BODY_MAX = 10_000;

/** A template's id as it appears in an address: a seeded slug or a generated UUID. */
export const TEMPLATE_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** A language code as the `language` vocabulary writes them (`ar`, `pt`, `zh-Hant`). */
export const LANGUAGE_CODE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/;

/** As long as a code LANGUAGE_CODE takes can be: sizes the body limit of a form whose field is named after one. */
export const LONGEST_LANGUAGE_CODE = 'xxx-xxxxxxxx';

/** The language a template falls back to when it has no text in the case's language. */
export const FALLBACK_LANGUAGE = 'en';

/** Anything between braces (no brace inside, one line): each must be a known placeholder. */
const BRACED = /\{([^{}\n]*)\}/g;

/** The placeholders a text names that Haven does not fill, each once, in order of appearance. */
export function unknownPlaceholders(text: string): string[] {
  const known = new Set<string>(PLACEHOLDERS);
  const out: string[] = [];
  for (const m of text.matchAll(BRACED)) {
    const name = m[1]!;
    if (!known.has(name) && !out.includes(name)) out.push(name);
  }
  return out;
}

/**
 * The text with every placeholder replaced by its value, once, left to right: a value that
 * itself holds `{case_number}` (a handler's name, say) is not filled again. The result is plain
 * text; the page shows it escaped, like any reply.
 */
export function fillText(text: string, values: PlaceholderValues): string {
  return text.replace(BRACED, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(values, name) ? values[name as Placeholder] : whole,
  );
}

/**
 * Which of a template's languages to use for `wanted`: that language itself; else English;
 * else the first language in code order (so the choice is stable). `fellBack` says the text
 * is not in the language asked for, for the page to warn. Null when there is no variant.
 */
export function pickLanguage(
  available: readonly string[],
  wanted: string,
): { language: string; fellBack: boolean } | null {
  if (available.includes(wanted)) return { language: wanted, fellBack: false };
  if (available.includes(FALLBACK_LANGUAGE)) return { language: FALLBACK_LANGUAGE, fellBack: true };
  const first = [...available].sort()[0];
  return first === undefined ? null : { language: first, fellBack: true };
}
