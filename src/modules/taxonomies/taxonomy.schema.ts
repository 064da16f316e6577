import { z } from 'zod';
import { safeString } from '../../platform/http/validation.js';
import { DEFAULT_LOCALE } from '../../platform/i18n/index.js';
import {
  CODE_MAX,
  cldrNamesOf,
  LABEL_MAX,
  LABEL_REFUSED,
  MAPPING_SCHEME,
  MAPPING_VALUE,
  newCodePattern,
  type Vocabulary,
} from './taxonomy.js';

// The administrators' forms on the taxonomies. Messages are i18n keys; every string starts
// from safeString, which refuses control characters before any other check.

/** The form field of a term's label in `locale`. */
export const labelField = (locale: string): string => `label_${locale}`;

/** A field a form may leave out (and an API may omit) counts as blank. */
const blankIfMissing = (v: unknown): unknown => (v === undefined || v === null ? '' : v);

/**
 * One label: trimmed and in NFC, one line, no direction controls, at most LABEL_MAX
 * characters; blank (or missing) means "no label in this language" (null), unless `required`.
 */
function label(required: boolean) {
  const text = safeString()
    .overwrite((s) => s.trim().normalize('NFC'))
    .refine((s) => !LABEL_REFUSED.test(s), { message: 'taxonomies.error.label_chars', abort: true })
    .max(LABEL_MAX, 'taxonomies.error.label_too_long');
  return z.preprocess(
    blankIfMissing,
    (required ? text.min(1, 'taxonomies.error.label_required') : text).transform((s) =>
      s === '' ? null : s,
    ),
  );
}

/**
 * A term's labels as the form sends them, one field per language in `locales`. English is
 * required (every other language falls back to it) except where CLDR names the terms.
 */
function labelsShape(vocabulary: Pick<Vocabulary, 'code'>, locales: readonly string[]) {
  const englishRequired = cldrNamesOf(vocabulary.code) === null;
  return Object.fromEntries(
    locales.map((l) => [labelField(l), label(englishRequired && l === DEFAULT_LOCALE)]),
  );
}

/** Collects the label fields into `{ locale: label or null }`. */
function labelsOf(
  data: Record<string, unknown>,
  locales: readonly string[],
): Record<string, string | null> {
  return Object.fromEntries(
    locales.map((l) => [l, (data[labelField(l)] as string | null) ?? null]),
  );
}

/**
 * A new term: its code (checked against the vocabulary's pattern; whether it is taken is the
 * service's to say), its parent when the vocabulary has parents (`parents`: the codes in use
 * there), and its labels.
 */
export function newTermInput(
  vocabulary: Pick<Vocabulary, 'code' | 'parent'>,
  parents: ReadonlySet<string>,
  locales: readonly string[],
) {
  return z
    .object({
      code: safeString()
        .trim()
        .min(1, 'taxonomies.error.code_required')
        .max(CODE_MAX, 'taxonomies.error.code_invalid')
        .regex(newCodePattern(vocabulary.code), 'taxonomies.error.code_invalid'),
      parent: z.preprocess(
        blankIfMissing,
        safeString()
          .max(CODE_MAX, 'taxonomies.error.parent_invalid')
          .transform((v) => (v === '' ? null : v))
          .refine(
            (v) => v === null || (vocabulary.parent !== null && parents.has(v)),
            'taxonomies.error.parent_invalid',
          ),
      ),
      ...labelsShape(vocabulary, locales),
    })
    .transform((d) => ({ code: d.code, parent: d.parent, labels: labelsOf(d, locales) }));
}
export type NewTermInput = z.output<ReturnType<typeof newTermInput>>;

/** A term's labels in every language of `locales`; a blank one is removed (the language falls back). */
export function renameInput(vocabulary: Pick<Vocabulary, 'code'>, locales: readonly string[]) {
  return z.object(labelsShape(vocabulary, locales)).transform((d) => labelsOf(d, locales));
}
export type RenameInput = z.output<ReturnType<typeof renameInput>>;

/** A mapping to an outside scheme; a blank value removes the term's mapping in that scheme. */
export const MappingInput = z.object({
  scheme: safeString().trim().regex(MAPPING_SCHEME, 'taxonomies.error.scheme_invalid'),
  value: safeString()
    .trim()
    .refine((v) => v === '' || MAPPING_VALUE.test(v), 'taxonomies.error.mapping_value_invalid')
    .transform((v) => (v === '' ? null : v)),
});
export type MappingInput = z.output<typeof MappingInput>;

/** One place up or down in the vocabulary's order. */
export const MoveInput = z.object({
  direction: z.enum(['up', 'down']),
});
export type MoveInput = z.output<typeof MoveInput>;
