import { z } from 'zod';
import { freeText, safeString } from '../../platform/http/validation.js';
import {
  ADDRESS_MAX,
  CODE,
  CONSENT_WAYS,
  CONTACT_KINDS,
  dateToMs,
  DESCRIPTION_MAX,
  IDENTIFYING,
  LETTER_LANGUAGES,
  LIST_MAX,
  MAX_FOLLOW_UP_DAYS,
  NAME_MAX,
  OUTCOMES,
  PGP_KEY_MAX,
  SERVICES,
  SHARE_ITEMS,
  SUMMARY_MAX,
  UUID,
  type ShareItem,
} from './referral.js';
import { pgpFingerprint } from '../settings/index.js';

// The partner and referral forms (HTML now, an API later: one schema each). Messages are i18n
// keys; every string starts from safeString or freeText, which refuse control characters first.
// Whether a region or language code is one the vocabularies know is the service's to say (data).

const oneLine = (max: number, required: string, tooLong: string) =>
  safeString({ error: required })
    .overwrite((s) => s.trim().normalize('NFC'))
    .refine((s) => !/[\n\r\t]/.test(s), { message: 'referrals.error.one_line', abort: true })
    .min(1, required)
    .max(max, tooLong);

/** A list of codes from checkboxes: each at most once, each well formed. */
const codes = (message: string) =>
  z
    .array(safeString({ error: message }).regex(CODE, message), { error: message })
    .max(LIST_MAX, message)
    .refine((l) => new Set(l).size === l.length, message);

/** A partner: who they are, what they do, where, in which languages, how to reach them. */
export const PartnerInput = z.object({
  name: oneLine(NAME_MAX, 'referrals.error.name_required', 'referrals.error.name_too_long'),
  description: freeText({ error: 'referrals.error.description_too_long' })
    .overwrite((s) => s.trim().normalize('NFC'))
    .max(DESCRIPTION_MAX, 'referrals.error.description_too_long'),
  services: z
    .array(z.enum(SERVICES, { error: 'referrals.error.service_unknown' }), { error: 'referrals.error.service_unknown' })
    .max(SERVICES.length, 'referrals.error.service_unknown')
    .refine((l) => new Set(l).size === l.length, 'referrals.error.service_unknown')
    .refine((l) => l.length > 0, 'referrals.error.service_required'),
  regions: codes('referrals.error.region_unknown'),
  languages: codes('referrals.error.language_unknown'),
  contact_kind: z.enum(CONTACT_KINDS, { error: 'referrals.error.contact_kind' }),
  contact_address: oneLine(ADDRESS_MAX, 'referrals.error.address_required', 'referrals.error.address_too_long'),
  pgp_key: freeText({ error: 'referrals.error.pgp_key_invalid' })
    .trim()
    .max(PGP_KEY_MAX, 'referrals.error.pgp_key_too_long')
    // Someone about to hand out a secret key is stopped, with a message that says why.
    .refine((s) => !/PRIVATE KEY/i.test(s), { message: 'referrals.error.pgp_key_private', abort: true })
    // A whole public key that reads, so that its fingerprint can be shown (settings' pgp.ts).
    .refine((s) => s === '' || pgpFingerprint(s) !== null, { message: 'referrals.error.pgp_key_invalid', abort: true })
    .transform((s) => (s === '' ? null : s)),
});
export type PartnerInput = z.output<typeof PartnerInput>;
export const PARTNER_FIELDS = ['name', 'description', 'services', 'regions', 'languages', 'contact_kind', 'contact_address', 'pgp_key'] as const;
export const PARTNER_LISTS = ['services', 'regions', 'languages'] as const;

/** The directory's filters (a GET form): each optional; an unknown value is refused. */
export const PartnerFilterInput = z.object({
  service: z.enum(SERVICES, { error: 'referrals.error.service_unknown' }).optional(),
  region: safeString().regex(CODE, 'referrals.error.region_unknown').optional(),
  language: safeString().regex(CODE, 'referrals.error.language_unknown').optional(),
});
export type PartnerFilterInput = z.output<typeof PartnerFilterInput>;

/**
 * A referral: the partner, the items shared, the staff summary (when shared), the letter's
 * language, the days until the follow-up and, for identifying items, the requester's consent:
 * one box per item (`consent`) and how and on which day it was given. An identifying item
 * without its consent box is refused with a message that names the rule (no consent, nothing
 * identifying leaves); a consent given in the future is refused.
 */
export function referralInput(today: number) {
  return z
    .object({
      partner: safeString({ error: 'referrals.error.partner_required' }).regex(UUID, 'referrals.error.partner_required'),
      items: z
        .array(z.enum(SHARE_ITEMS, { error: 'referrals.error.item_unknown' }), { error: 'referrals.error.item_unknown' })
        .max(SHARE_ITEMS.length, 'referrals.error.item_unknown')
        .refine((l) => new Set(l).size === l.length, 'referrals.error.item_unknown')
        .refine((l) => l.length > 0, 'referrals.error.items_required'),
      summary: freeText({ error: 'referrals.error.summary_too_long' })
        .overwrite((s) => s.trim().normalize('NFC'))
        .max(SUMMARY_MAX, 'referrals.error.summary_too_long'),
      consent: z
        .array(z.enum(SHARE_ITEMS, { error: 'referrals.error.item_unknown' }), { error: 'referrals.error.item_unknown' })
        .max(SHARE_ITEMS.length, 'referrals.error.item_unknown'),
      consent_how: z.union([z.literal(''), z.enum(CONSENT_WAYS)], { error: 'referrals.error.consent_how' }),
      consent_on: safeString({ error: 'referrals.error.consent_on' })
        .trim()
        .refine((s) => s === '' || dateToMs(s) !== null, { message: 'referrals.error.consent_on', abort: true })
        .refine((s) => s === '' || dateToMs(s)! <= today, { message: 'referrals.error.consent_future', abort: true }),
      letter_language: z.enum(LETTER_LANGUAGES, { error: 'referrals.error.letter_language' }),
      follow_up_days: safeString({ error: 'referrals.error.follow_up_days' })
        .trim()
        .regex(/^\d{1,3}$/, 'referrals.error.follow_up_days')
        .transform(Number)
        .refine((n) => n >= 1 && n <= MAX_FOLLOW_UP_DAYS, 'referrals.error.follow_up_days'),
    })
    .superRefine((v, ctx) => {
      if (v.items.includes('summary') && v.summary === '')
        ctx.addIssue({ code: 'custom', path: ['summary'], message: 'referrals.error.summary_required' });
      if (!v.items.includes('summary') && v.summary !== '')
        ctx.addIssue({ code: 'custom', path: ['summary'], message: 'referrals.error.summary_not_shared' });
      const identifying = v.items.filter((i) => IDENTIFYING.has(i));
      // No consent, nothing identifying leaves: every identifying item ticked needs its box.
      if (identifying.some((i) => !v.consent.includes(i)))
        ctx.addIssue({ code: 'custom', path: ['consent'], message: 'referrals.error.consent_missing' });
      // A consent box for an item not shared (or not identifying) records nothing: refused, not ignored.
      else if (v.consent.some((i) => !identifying.includes(i)))
        ctx.addIssue({ code: 'custom', path: ['consent'], message: 'referrals.error.consent_unshared' });
      if (identifying.length > 0) {
        if (v.consent_how === '') ctx.addIssue({ code: 'custom', path: ['consent_how'], message: 'referrals.error.consent_how' });
        if (v.consent_on === '') ctx.addIssue({ code: 'custom', path: ['consent_on'], message: 'referrals.error.consent_on' });
      }
    })
    .transform((v) => {
      const identifying = v.items.filter((i) => IDENTIFYING.has(i));
      return {
        partner: v.partner,
        // In the module's order, whatever order the form sent them in.
        items: SHARE_ITEMS.filter((i) => v.items.includes(i)) as ShareItem[],
        summary: v.items.includes('summary') ? v.summary : null,
        consent:
          identifying.length > 0
            ? { items: SHARE_ITEMS.filter((i) => identifying.includes(i)) as ShareItem[], how: v.consent_how as (typeof CONSENT_WAYS)[number], givenAt: dateToMs(v.consent_on)! }
            : null,
        letterLanguage: v.letter_language,
        followUpDays: v.follow_up_days,
      };
    });
}
export type ReferralInput = z.output<ReturnType<typeof referralInput>>;
export const REFERRAL_FIELDS = ['partner', 'items', 'summary', 'consent', 'consent_how', 'consent_on', 'letter_language', 'follow_up_days'] as const;
export const REFERRAL_LISTS = ['items', 'consent'] as const;

/** What came of a referral. */
export const OutcomeInput = z.object({ outcome: z.enum(OUTCOMES, { error: 'referrals.error.outcome' }) });
export type OutcomeInput = z.output<typeof OutcomeInput>;
