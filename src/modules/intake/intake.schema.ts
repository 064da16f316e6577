import { z } from 'zod';
import { CONTACT_METHODS, URGENCIES } from '../../contracts/case.js';
import { freeText } from '../../platform/http/validation.js';
import { hasHiddenHandleChars } from '../../platform/text.js';
import { LIMITS, type NewRequestInput } from '../cases/index.js';

/**
 * The public request, as a schema shared by the HTML form and (later) the JSON API.
 * Messages are i18n keys, so the form shows them in the person's language.
 *
 * Taxonomy codes (country, language, beneficiary) are data an administrator can change, so
 * the schema is built from the codes that exist now; an unknown code is refused, never stored.
 */
export interface TaxonomyCodes {
  countries: ReadonlySet<string>;
  languages: ReadonlySet<string>;
  beneficiaries: ReadonlySet<string>;
}

// Email: one @, something on each side, a dot in the domain, no spaces. Deliverability is the
// handler's concern; this only catches a typo such as a missing @.
const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@.]{2,}$/u;
// A phone number as people write it: digits with spaces, dashes, dots, brackets, a leading +.
const PHONE_CHARS = /^\+?[\d\s\-.()]+$/;
// A Signal username (nickname.digits); Signal also reaches people by phone number.
const SIGNAL_USERNAME = /^@?[a-z_][a-z0-9_]{2,31}\.\d{2,9}$/i;

function phoneLike(value: string): boolean {
  const digits = value.replace(/\D/g, '').length;
  return PHONE_CHARS.test(value) && digits >= 6 && digits <= 15;
}

/**
 * A form field: a trimmed string, or empty when absent; arrays (a repeated field) are refused,
 * and so are control characters (platform/http/validation.ts).
 */
const text = z.preprocess((v) => (v === undefined || v === null ? '' : v), freeText().trim());

const CONTACT_FIELDS = new Set(['contact', 'contact_method']);

/** The address must fit the chosen way of contact. */
function checkContact(v: { contact_method: string; contact: string }, ctx: z.RefinementCtx): void {
  if (v.contact_method === 'none' || v.contact.length > LIMITS.contactMax) return;
  const issue = (message: string) => ctx.addIssue({ code: 'custom', path: ['contact'], message });
  if (v.contact === '') return issue('intake.error.contact_required');
  // Direction controls, zero-width characters and the like: no real address holds them, and
  // they can make one address look like another to the handler who reads it.
  if (hasHiddenHandleChars(v.contact)) return issue('intake.error.contact_hidden');
  if (v.contact_method === 'email' && !EMAIL.test(v.contact))
    return issue('intake.error.contact_email');
  if (v.contact_method === 'phone' && !phoneLike(v.contact))
    return issue('intake.error.contact_phone');
  if (v.contact_method === 'signal' && !phoneLike(v.contact) && !SIGNAL_USERNAME.test(v.contact)) {
    return issue('intake.error.contact_signal');
  }
}

/** Builds the request schema against the taxonomy codes that exist now. */
export function requestSchema(codes: TaxonomyCodes) {
  return (
    z
      .object({
        description: text.pipe(
          z
            .string()
            .min(1, 'intake.error.description_required')
            .max(LIMITS.descriptionMax, 'intake.error.description_too_long'),
        ),
        // Optional, as the form says: no answer means the person does not know ('unknown').
        urgency: text.pipe(
          z.preprocess(
            (v) => (v === '' ? 'unknown' : v),
            z.enum(URGENCIES, 'intake.error.urgency_unknown'),
          ),
        ),
        country: text.refine(
          (v) => v === '' || codes.countries.has(v),
          'intake.error.country_unknown',
        ),
        language: text.refine((v) => codes.languages.has(v), 'intake.error.language_unknown'),
        contact_method: text.pipe(
          z.preprocess(
            (v) => (v === '' ? 'none' : v),
            z.enum(CONTACT_METHODS, 'intake.error.contact_method_unknown'),
          ),
        ),
        contact: text.pipe(z.string().max(LIMITS.contactMax, 'intake.error.contact_too_long')),
        beneficiary: text.refine(
          (v) => v === '' || codes.beneficiaries.has(v),
          'intake.error.beneficiary_unknown',
        ),
        consent: text.refine((v) => v === 'yes', 'intake.error.consent_required'),
      })
      // Checked even when other answers are wrong, so every problem is shown at once; not
      // when the input is not an object at all (an issue at the root), which has no contact.
      .superRefine(checkContact, {
        when: (p) =>
          !p.issues.some((i) => !i.path?.length || CONTACT_FIELDS.has(String(i.path[0]))),
      })
      .transform((v): NewRequestInput => ({
        description: v.description,
        urgency: v.urgency,
        country: v.country || null,
        language: v.language,
        contactMethod: v.contact_method,
        // "Do not contact me" wins over an address typed before changing one's mind.
        contact: v.contact_method === 'none' ? null : v.contact,
        beneficiary: v.beneficiary || null,
      }))
  );
}

export type RequestFormFields =
  | 'description'
  | 'urgency'
  | 'country'
  | 'language'
  | 'contact_method'
  | 'contact'
  | 'beneficiary'
  | 'consent';

/** The follow-up message a requester adds to their conversation. */
export const messageSchema = z.object({
  body: text.pipe(
    z
      .string()
      .min(1, 'intake.error.message_required')
      .max(LIMITS.messageMax, 'intake.error.message_too_long'),
  ),
});
