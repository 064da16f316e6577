import { defineErrors } from '../../platform/errors.js';

/** The referrals module's own error codes (platform/errors.ts has the generic ones). */
export const REFERRAL_ERRORS = defineErrors({
  /** An identifying item ticked without the requester's recorded consent: the form says which. */
  REFERRAL_CONSENT_MISSING: { status: 422, messageKey: 'referrals.error.consent_missing' },
  /** The partner was retired, or is unknown, by the time the referral was saved. */
  REFERRAL_PARTNER_UNAVAILABLE: { status: 422, messageKey: 'referrals.error.partner_unavailable' },
  /** The case's personal data was deleted: nothing of it can be shared or put in a letter. */
  REFERRAL_CASE_PURGED: { status: 409, messageKey: 'referrals.error.case_purged' },
  /** The same form was sent twice: the referral was saved once. */
  REFERRAL_REPEATED: { status: 409, messageKey: 'referrals.error.repeated' },
});

declare module '../../platform/errors.js' {
  interface ModuleErrorCodes {
    REFERRAL_CONSENT_MISSING: true;
    REFERRAL_PARTNER_UNAVAILABLE: true;
    REFERRAL_CASE_PURGED: true;
    REFERRAL_REPEATED: true;
  }
}
