import { z } from 'zod';
import { freeText, safeString } from '../../platform/http/validation.js';
import { pgpFingerprint } from './pgp.js';
import {
  DESCRIPTION_MAX,
  EMERGENCY_MAX,
  LANDING_MAX,
  NAME_MAX,
  ONION_MAX,
  PGP_KEY_MAX,
  SIGNAL_MAX,
  TEXT_LOCALES,
} from './settings.js';

// The settings form's input, one schema for the HTML form (and an API, were there one). Every
// text is trimmed and refuses control characters (safeString, freeText); one-line fields refuse
// line breaks; every size is bounded; a blank answer is "not set" (null).

/** The form field of a text in one language: `landing_ar`. */
export const textField = (kind: 'description' | 'landing' | 'emergency', locale: string): string => `${kind}_${locale}`;

/** A v3 onion service address: 56 base32 characters, optionally with http(s):// and a slash. */
const ONION = /^(?:https?:\/\/)?([a-z2-7]{56}\.onion)\/?$/;
/** A phone number as Signal takes it: + then 8 to 15 digits, spaces or hyphens between them. */
const SIGNAL = /^\+[1-9][\d -]{6,24}$/;

/** Blank (after trimming) becomes null. */
const blankToNull = (s: string): string | null => (s === '' ? null : s);

/** A one-line text of at most `max` characters, blank for none. */
function oneLine(max: number, tooLong: string) {
  return safeString()
    .trim()
    .max(max, tooLong)
    .refine((s) => !/[\n\r\u2028\u2029]/.test(s), { message: 'settings.error.one_line', abort: true })
    .transform(blankToNull);
}

/** Plain text with paragraphs, of at most `max` characters (line breaks counted as one), blank for none. */
function plainText(max: number, tooLong: string) {
  return freeText().trim().max(max, tooLong).transform(blankToNull);
}

const textFields = Object.fromEntries(
  TEXT_LOCALES.flatMap((l) => [
    [textField('description', l), oneLine(DESCRIPTION_MAX, 'settings.error.description_too_long')],
    [textField('landing', l), plainText(LANDING_MAX, 'settings.error.landing_too_long')],
    [textField('emergency', l), plainText(EMERGENCY_MAX, 'settings.error.emergency_too_long')],
  ]),
) as Record<string, ReturnType<typeof oneLine> | ReturnType<typeof plainText>>;

export const SettingsInput = z.object({
  name: oneLine(NAME_MAX, 'settings.error.name_too_long'),
  default_locale: z.enum(TEXT_LOCALES, { message: 'settings.error.default_locale' }),
  pgp_key: freeText()
    .trim()
    .max(PGP_KEY_MAX, 'settings.error.pgp_key_too_long')
    // Someone about to publish their secret key is stopped, with a message that says why.
    .refine((s) => !/PRIVATE KEY/i.test(s), { message: 'settings.error.pgp_key_private', abort: true })
    // A whole public key that reads, so that the start page can show its fingerprint (pgp.ts).
    .refine((s) => s === '' || pgpFingerprint(s) !== null, { message: 'settings.error.pgp_key_invalid', abort: true })
    .transform(blankToNull),
  onion_address: safeString()
    .trim()
    .max(ONION_MAX, 'settings.error.onion_invalid')
    .transform((s) => s.toLowerCase())
    .refine((s) => s === '' || ONION.test(s), { message: 'settings.error.onion_invalid', abort: true })
    .transform((s) => (s === '' ? null : ONION.exec(s)![1]!)),
  signal_number: safeString()
    .trim()
    .max(SIGNAL_MAX, 'settings.error.signal_invalid')
    .refine((s) => s === '' || (SIGNAL.test(s) && /^\d{8,15}$/.test(s.replace(/[^\d]/g, ''))), {
      message: 'settings.error.signal_invalid',
      abort: true,
    })
    .transform((s) => (s === '' ? null : s.replace(/\s+/g, ' '))),
  /** The revision the form was shown at (a hidden field). */
  revision: z.coerce.number({ message: 'common.form.invalid' }).int().min(0).max(2_000_000_000),
  ...textFields,
});
export type SettingsInput = z.output<typeof SettingsInput>;

/** Every field of the form, in order (for readForm and the body limit). */
export const SETTINGS_FIELDS: readonly string[] = Object.keys(SettingsInput.shape);

/** The longest text each field takes, in characters (for the route's body limit). */
export const SETTINGS_FIELD_MAX: Record<string, number> = {
  name: NAME_MAX,
  default_locale: 5,
  pgp_key: PGP_KEY_MAX,
  onion_address: ONION_MAX,
  signal_number: SIGNAL_MAX,
  revision: 10,
  ...Object.fromEntries(
    TEXT_LOCALES.flatMap((l) => [
      [textField('description', l), DESCRIPTION_MAX],
      [textField('landing', l), LANDING_MAX],
      [textField('emergency', l), EMERGENCY_MAX],
    ]),
  ),
};

/** The API's body for PUT /settings: the form's fields, every one given, nothing else. */
export const SettingsApiInput = z.strictObject(SettingsInput.shape);

/** The settings as the API shows them (GET and PUT /settings). */
export const SettingsView = z.strictObject({
  name: z.string().nullable(),
  default_locale: z.enum(TEXT_LOCALES),
  pgp_key: z.string().nullable(),
  /** The key's fingerprint, in upper-case hex. */
  pgp_fingerprint: z.string().nullable(),
  /** A v3 onion host, `<56 characters>.onion`. */
  onion_address: z.string().nullable(),
  signal_number: z.string().nullable(),
  /** Per language: the short description, the start page's text and the emergency advice. */
  texts: z.record(
    z.enum(TEXT_LOCALES),
    z.strictObject({ description: z.string().nullable(), landing: z.string().nullable(), emergency: z.string().nullable() }),
  ),
  /** The logo's public address (with a hash of it in it), type and size, or null. */
  logo: z.strictObject({ url: z.string(), type: z.string(), bytes: z.number().int() }).nullable(),
  /** Give it back in a PUT: a PUT over a newer save is refused (409 SETTINGS_CHANGED). */
  revision: z.number().int(),
  updated_at: z.string().nullable(),
});
export type SettingsView = z.output<typeof SettingsView>;
