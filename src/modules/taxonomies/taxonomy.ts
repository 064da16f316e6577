import {
  DEFAULT_LOCALE,
  displayName,
  PUBLIC_LOCALES,
  STAFF_LOCALES,
} from '../../platform/i18n/index.js';

// The shapes and pure rules of the taxonomies: what a vocabulary and a term are, how a term is
// named in a language, which codes and labels are accepted, and how a term moves in its list.

/**
 * The vocabularies Haven seeds (migrations 2026-11-22-001 and 2026-12-02-002). A module that
 * adds a vocabulary adds its code here with the migration that seeds it.
 */
export const TAXONOMY_KINDS = [
  'incident_type',
  'urgency',
  'severity',
  'region',
  'country',
  'beneficiary',
  'language',
  'mandate',
  'tlp',
  'pap',
] as const;
export type TaxonomyKind = (typeof TAXONOMY_KINDS)[number];

/** How a vocabulary's terms are listed: in their stored order, or by name in the reader's language. */
export const ORDERINGS = ['manual', 'label'] as const;
export type Ordering = (typeof ORDERINGS)[number];

export interface Vocabulary {
  code: string;
  /** What the vocabulary belongs to: cases, common, sharing (later fund, monitor, intel). */
  namespace: string;
  /** The vocabulary whose terms are this one's parents (a country's region), or null. */
  parent: string | null;
  ordering: Ordering;
  /** Haven's own code or a published standard relies on its terms: renamed and reordered only. */
  fixed: boolean;
  sort: number;
  labels: Record<string, string>;
}

export interface Term {
  /** The vocabulary's code (the name callers have always used). */
  kind: string;
  code: string;
  parent: string | null;
  sort: number;
  /** False once retired: offered in no form, still named wherever a record holds it. */
  active: boolean;
  /** Label per locale; a missing language falls back (see termLabel). */
  labels: Record<string, string>;
  /** Counterparts in outside schemes, e.g. `rsit` → `fraud/phishing`. */
  mappings: Record<string, string>;
  /** The RSIT class/type (`mappings.rsit`), for incident types; null when unmapped. */
  rsit: string | null;
}

/** Vocabularies whose names come from the Unicode CLDR data built into Node, in every language. */
const CLDR_NAMES: Readonly<Record<string, 'region' | 'language'>> = {
  country: 'region',
  language: 'language',
};

/** Where a vocabulary's unlabelled terms take their names from: CLDR regions, languages, or nowhere. */
export function cldrNamesOf(kind: string): 'region' | 'language' | null {
  return Object.hasOwn(CLDR_NAMES, kind) ? CLDR_NAMES[kind]! : null;
}

/**
 * A term's label in `locale`: its own label in that language; else, for countries and
 * languages, the CLDR name in that language; else the English label; else the code.
 */
export function termLabel(term: Pick<Term, 'kind' | 'code' | 'labels'>, locale: string): string {
  const own = term.labels[locale];
  if (own) return own;
  const cldr = cldrNamesOf(term.kind);
  if (cldr) return displayName(locale, cldr, term.code);
  return term.labels[DEFAULT_LOCALE] || term.code;
}

/** A vocabulary's name in `locale`: its own, else English, else its code. */
export function vocabularyLabel(v: Pick<Vocabulary, 'code' | 'labels'>, locale: string): string {
  return v.labels[locale] || v.labels[DEFAULT_LOCALE] || v.code;
}

/** The languages a term is named in on the administrators' pages: every language Haven shows. */
export const LABEL_LOCALES: readonly string[] = [
  ...new Set<string>([...PUBLIC_LOCALES, ...STAFF_LOCALES]),
];

/** Longest label, in characters: a term's name fits one line of a select. */
export const LABEL_MAX = 120;

/** Longest term code (the cases table and the triage schema take up to 64). */
export const CODE_MAX = 64;

/** A vocabulary code, as in the URL. */
export const VOCABULARY_CODE = /^[a-z][a-z0-9_]{0,63}$/;

/** Any stored term's code, as in the URL (existing codes include `AO`, `amber+strict`). */
export const TERM_CODE = /^[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}$/;

/**
 * The codes an administrator may give a new term: ISO 3166 country codes, BCP 47 language
 * tags, and otherwise lower-case letters, digits and `_ . + -`.
 */
export function newCodePattern(kind: string): RegExp {
  const cldr = cldrNamesOf(kind);
  if (cldr === 'region') return /^[A-Z]{2}$/;
  if (cldr === 'language') return /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
  return /^[a-z0-9][a-z0-9_.+-]{0,63}$/;
}

/** An outside scheme's name (`rsit`, `misp`) and a value in it (`fraud/phishing`, `tlp:amber`). */
export const MAPPING_SCHEME = /^[a-z][a-z0-9_-]{0,31}$/;
export const MAPPING_VALUE = /^[\x21-\x7E]{1,200}$/;

/**
 * Characters a label never needs: line breaks and tabs (a label is one line), and the
 * direction embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), which could
 * reorder the text around a label; pages isolate each label themselves.
 */
export const LABEL_REFUSED = /[\t\n\r\u202A-\u202E\u2066-\u2069]/;

export type Direction = 'up' | 'down';

/**
 * The order after moving `code` one place up or down among `codes` (the vocabulary's terms in
 * their current order, retired ones included); null when it cannot move that way.
 */
export function moved(
  codes: readonly string[],
  code: string,
  direction: Direction,
): string[] | null {
  const i = codes.indexOf(code);
  const j = direction === 'up' ? i - 1 : i + 1;
  if (i < 0 || j < 0 || j >= codes.length) return null;
  const out = [...codes];
  [out[i], out[j]] = [out[j]!, out[i]!];
  return out;
}
