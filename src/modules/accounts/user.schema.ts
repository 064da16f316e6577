import { z } from 'zod';
import { ASSIGNABLE_ROLES } from '../../platform/auth/roles.js';
import { PASSWORD_MAX, PASSWORD_MIN } from '../../platform/auth/password.js';
import { safeString } from '../../platform/http/validation.js';
import { STAFF_LOCALES } from '../../platform/i18n/index.js';
import { canonicalTimeZone, isTimeZone } from '../../platform/i18n/zones.js';
import { hasHiddenHandleChars } from '../../platform/text.js';

// Input schemas shared by the staff forms and the CLI. Messages are i18n keys. Every string
// starts from safeString, which refuses control characters.

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const email = safeString({ error: 'accounts.error.email_invalid' })
  .trim()
  .toLowerCase()
  .max(254, 'accounts.error.email_invalid')
  .regex(EMAIL_RE, 'accounts.error.email_invalid')
  // No real address holds a direction control or a zero-width character; they would let one
  // address pass for another on the people page.
  .refine((s) => !hasHiddenHandleChars(s), 'accounts.error.email_invalid');

const displayName = safeString({ error: 'accounts.error.name_required' })
  .trim()
  .min(1, 'accounts.error.name_required')
  .max(100, 'accounts.error.name_too_long');

const newPassword = safeString({ error: 'accounts.error.password_short' })
  .min(PASSWORD_MIN, 'accounts.error.password_short')
  .max(PASSWORD_MAX, 'accounts.error.password_long');

/** Sign-in: only presence is checked, so a malformed address gets the same answer as a wrong one. */
export const SignInInput = z.object({
  email: safeString({ error: 'accounts.error.email_required' })
    .trim()
    .toLowerCase()
    .min(1, 'accounts.error.email_required')
    .max(254, 'accounts.error.email_required'),
  password: safeString({ error: 'accounts.error.password_required' })
    .min(1, 'accounts.error.password_required')
    .max(PASSWORD_MAX, 'accounts.error.password_required'),
});
export type SignInInput = z.infer<typeof SignInInput>;

/** A six-digit code from an authenticator app; spaces are ignored. */
export const CodeInput = z.object({
  code: safeString({ error: 'accounts.error.code_format' })
    .transform((s) => s.replace(/\s/g, ''))
    .pipe(z.string().regex(/^\d{6}$/, 'accounts.error.code_format')),
});

/** The enrolment form. `email` is asked only of the first administrator. */
export function enrolInput(askEmail: boolean) {
  return z
    .object({
      email: askEmail ? email : safeString().optional(),
      display_name: displayName,
      password: newPassword,
      password_confirm: safeString({ error: 'accounts.error.password_mismatch' }),
    })
    .refine((v) => v.password === v.password_confirm, {
      message: 'accounts.error.password_mismatch',
      path: ['password_confirm'],
    });
}

/** An administrator adds a person. */
export const NewUserInput = z.object({
  email,
  display_name: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    displayName.optional(),
  ),
  role: z.enum(ASSIGNABLE_ROLES as [string, ...string[]], { error: 'accounts.error.role_invalid' }),
});
export type NewUserInput = z.infer<typeof NewUserInput>;

/** An administrator adds a team (ADR 20): its name, its shifts' time zone, the region it covers if one. */
export const NewTeamInput = z.object({
  name: displayName,
  // A zone ICU knows by either of its IANA names (Asia/Kolkata or Asia/Calcutta), stored under
  // the one the account page lists, as a person's is (ADR 28).
  time_zone: safeString({ error: 'accounts.error.time_zone_invalid' })
    .trim()
    .refine((v) => isTimeZone(v), 'accounts.error.time_zone_invalid')
    .transform((v) => canonicalTimeZone(v) ?? v),
  region: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    safeString({ error: 'accounts.error.region_invalid' }).max(64, 'accounts.error.region_invalid').optional(),
  ),
});
export type NewTeamInput = z.infer<typeof NewTeamInput>;

/** An administrator renames a team or moves its shifts to another time zone, on its own page. */
export const TeamSettingsInput = NewTeamInput.pick({ name: true, time_zone: true });
export type TeamSettingsInput = z.infer<typeof TeamSettingsInput>;

/** A person chosen for a team, or taken out of it: their id, from the team's form. */
export const TeamMemberInput = z.object({
  user_id: safeString({ error: 'accounts.error.member_required' })
    .trim()
    .min(1, 'accounts.error.member_required')
    .max(64, 'accounts.error.member_unknown'),
});

/** Who takes all of a person's open cases: an id from the form's list. */
export const ReassignInput = z.object({
  to: safeString({ error: 'accounts.error.reassign_to_required' })
    .trim()
    .min(1, 'accounts.error.reassign_to_required')
    .max(64, 'accounts.error.reassign_to_invalid'),
});

export const LanguageInput = z.object({
  locale: z.enum(STAFF_LOCALES, { error: 'accounts.error.locale_invalid' }),
});

/** A person's time zone: a zone ICU knows, stored under the name the account page lists (ADR 28). */
export const TimeZoneInput = z.object({
  time_zone: safeString({ error: 'accounts.error.time_zone_choose' })
    .refine((v) => isTimeZone(v), 'accounts.error.time_zone_choose')
    .transform((v) => canonicalTimeZone(v) ?? v),
});

export const TokenInput = z.object({
  label: safeString({ error: 'accounts.error.label_required' })
    .trim()
    .min(1, 'accounts.error.label_required')
    .max(80, 'accounts.error.label_too_long'),
});
