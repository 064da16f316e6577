import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { FieldErrors } from '../views/form.js';
import type { UploadedFile } from './multipart.js';
import { fieldErrors, formBody } from './validation.js';

// One form path. Every HTML form, urlencoded or multipart, is read the same way: the body's
// fields are turned into plain values (a repeated field keeps its first value, unless it is a
// list such as checkboxes, or the form gives repeated fields to its schema as sent, for the
// schema to refuse), validated against the module's zod schema (the one its API uses),
// and the route gets either the parsed data or what was typed with a message key per field,
// to render the form again with a 422. Files of a multipart form were read and checked before
// the route ran (multipart.ts); they come along with the data.

export { formBody };

/** The first value of a field: a string, or the first string of a repeated field. */
function firstString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  return undefined;
}

/** How long a value shown again in a re-rendered form may be, unless the form says otherwise. */
export const SHOWN_MAX = 254;

/**
 * A text field as sent (a repeated field keeps its first value), cut to `max` so an oversized
 * value is never echoed whole; undefined when absent or not text.
 */
export function textField(body: unknown, name: string, max = SHOWN_MAX): string | undefined {
  const v = firstString(formBody(body)[name]);
  return v === undefined ? undefined : v.slice(0, max);
}

/** The most values a list field is read with (a form's longest list of checkboxes is far shorter). */
export const LIST_MAX = 1000;

/**
 * A field that may be sent many times (checkboxes, a multiple select): every text value, in
 * order; a single value is a list of one; anything else is dropped. At most `maxItems` are
 * kept, so a forged form cannot make a route walk a huge list (`null` when there were more,
 * for a route that must refuse rather than cut).
 */
export function listField(body: unknown, name: string, maxItems = LIST_MAX): string[] | null {
  const v = formBody(body)[name];
  const list = v === undefined ? [] : Array.isArray(v) ? v : [v];
  if (list.length > maxItems) return null;
  return list.filter((x): x is string => typeof x === 'string');
}

/**
 * A form or query body as values a schema can parse: a repeated field keeps its first value
 * (`'first'`), or is given as the list it came as (`'as-sent'`), for a schema that refuses
 * it; the names in `lists` keep all of theirs, as a list. Blank strings become null
 * (`'null'`), are dropped (`'drop'`, for optional filters) or are kept as they are (`'keep'`).
 */
export function formValues(
  body: unknown,
  blank: 'null' | 'drop' | 'keep',
  lists: readonly string[] = [],
  repeated: 'first' | 'as-sent' = 'first',
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(formBody(body))) {
    if (lists.includes(k)) {
      // A list longer than any form sends is cut just past the bound: the schema's own
      // maximum refuses it, and nothing walks the rest.
      const list = Array.isArray(v) ? v : [v];
      out[k] = list.slice(0, LIST_MAX + 1).filter((x): x is string => typeof x === 'string');
      continue;
    }
    const value = Array.isArray(v) && repeated === 'first' ? v[0] : v;
    if (typeof value === 'string' && value.trim() === '') {
      if (blank === 'null') out[k] = null;
      else if (blank === 'keep') out[k] = value;
    } else if (value !== undefined) out[k] = value;
  }
  return out;
}

/** What was typed, as a form shows it again: text only, each value cut to `max`. */
export function shownValues(values: Record<string, unknown>, max = SHOWN_MAX): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) if (typeof v === 'string') out[k] = v.slice(0, max);
  return out;
}

export interface FormOptions {
  /**
   * The fields the schema is given (any other field of the body is left out). A field absent
   * from the body, or not text, is given as a blank answer ('' or null, or left out with
   * `blank: 'drop'`), so it gets the same message as a blank one. Without `fields`, every
   * field of the body is given.
   */
  fields?: readonly string[];
  /** Fields that may be sent many times (checkboxes): given as lists of strings. */
  lists?: readonly string[];
  /** Blank answers: kept (default), turned into null, or dropped. */
  blank?: 'null' | 'drop' | 'keep';
  /**
   * How long a value shown again may be (default SHOWN_MAX). A form whose body limit already
   * bounds every field may pass that limit, to show each answer again in full.
   */
  shown?: number;
  /**
   * A repeated field: its first value is given to the schema (`'first'`, the default), or the
   * list as sent (`'as-sent'`), for a schema that refuses one. Either way the value shown
   * again is the first one.
   */
  repeated?: 'first' | 'as-sent';
}

/** A form read: the parsed data, or what was typed and a message key per field (for a 422). */
export type FormResult<T> =
  | { ok: true; data: T; values: Record<string, string>; files: UploadedFile[] }
  | { ok: false; values: Record<string, string>; errors: FieldErrors; files: UploadedFile[] };

/** The values `schema` is given for `body` (see FormOptions). */
export function formInput(body: unknown, options: FormOptions = {}): Record<string, unknown> {
  const values = formValues(body, options.blank ?? 'keep', options.lists, options.repeated);
  if (!options.fields) return values;
  const blank = options.blank ?? 'keep';
  const out: Record<string, unknown> = {};
  for (const f of options.fields) {
    if (f in values) out[f] = values[f];
    else if (options.lists?.includes(f)) out[f] = [];
    else if (blank === 'keep') out[f] = '';
    else if (blank === 'null') out[f] = null;
  }
  return out;
}

/**
 * Validates a form body against `schema` (the same schema the API uses). Field messages are
 * i18n keys (validation.ts `fieldErrors`); the values to show again are the text that was
 * sent, cut (see FormOptions.shown).
 */
export function parseForm<S extends z.ZodType>(
  schema: S,
  body: unknown,
  options: FormOptions = {},
  files: UploadedFile[] = [],
): FormResult<z.output<S>> {
  const input = formInput(body, options);
  // What was typed is shown again as the person sees it: a repeated field by its first value.
  const typed = options.repeated === 'as-sent' ? formInput(body, { ...options, repeated: 'first' }) : input;
  const values = shownValues(typed, options.shown);
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, data: parsed.data, values, files };
  return { ok: false, values, errors: fieldErrors(parsed.error), files };
}

/**
 * Reads the form a request carries, urlencoded or multipart (a route that opts in to files,
 * multipart.ts), through parseForm; the files come along, already checked.
 */
export function readForm<S extends z.ZodType>(
  req: FastifyRequest,
  schema: S,
  options: FormOptions = {},
): FormResult<z.output<S>> {
  return parseForm(schema, req.body, options, req.uploads ?? []);
}
