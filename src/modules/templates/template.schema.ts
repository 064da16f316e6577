import { z } from 'zod';
import { freeText, safeString } from '../../platform/http/validation.js';
import { BODY_MAX, LANGUAGE_CODE, NAME_MAX, unknownPlaceholders } from './template.js';

// The coordinators' forms on reply templates. Messages are i18n keys; every string starts from
// safeString or freeText, which refuse control characters before any other check. Whether a
// language is one the `language` vocabulary knows is the service's to say (data).

/** A template's name: trimmed, NFC, one line. */
const name = safeString({ error: 'templates.error.name_required' })
  .overwrite((s) => s.trim().normalize('NFC'))
  .refine((s) => !/[\n\r\t]/.test(s), { message: 'templates.error.name_one_line', abort: true })
  .min(1, 'templates.error.name_required')
  .max(NAME_MAX, 'templates.error.name_too_long');

/** A language's text: plain text, every {placeholder} one Haven fills. */
const body = freeText({ error: 'templates.error.body_required' })
  .overwrite((s) => s.trim().normalize('NFC'))
  .min(1, 'templates.error.body_required')
  .max(BODY_MAX, 'templates.error.body_too_long')
  .refine((s) => unknownPlaceholders(s).length === 0, 'templates.error.unknown_placeholder');

const language = safeString({ error: 'templates.error.language_required' })
  .trim()
  .regex(LANGUAGE_CODE, 'templates.error.language_required');

/** Renaming a template. */
export const NameInput = z.object({ name });
export type NameInput = z.output<typeof NameInput>;

/** A language's text, changed. */
export const BodyInput = z.object({ body });
export type BodyInput = z.output<typeof BodyInput>;

/** A text in a language the template has none in yet. */
export const VariantInput = z.object({ language, body });
export type VariantInput = z.output<typeof VariantInput>;

/** A new template: its name and its first text. */
export const NewTemplateInput = z.object({ name, language, body });
export type NewTemplateInput = z.output<typeof NewTemplateInput>;

/** The case page's "Insert template" choice (a GET form): a template's id. */
export const TemplateChoice = safeString().regex(/^[a-z0-9][a-z0-9-]{0,63}$/);
