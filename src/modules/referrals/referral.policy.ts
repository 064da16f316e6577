import { definePolicy } from '../../platform/auth/policy.js';

/**
 * Who may do what with partners and referrals. Deny by default. Those who work cases
 * (handlers, coordinators, administrators) read the partner directory, refer a case they may
 * know to a partner, read its letter and record what came of it; coordinators and
 * administrators, who choose whom the helpline trusts, add and change partners. Auditors,
 * fund officers and researchers do none of it: a referral is case work.
 */
export const REFERRAL_ACTIONS = [
  'partner.view',
  'partner.edit',
  'referral.view',
  'referral.create',
  'referral.letter',
  'referral.outcome',
] as const;
export type ReferralAction = (typeof REFERRAL_ACTIONS)[number];

export const referralPolicy = definePolicy<ReferralAction>({
  'partner.view': ['admin', 'coordinator', 'handler'],
  'partner.edit': ['admin', 'coordinator'],
  'referral.view': ['admin', 'coordinator', 'handler'],
  'referral.create': ['admin', 'coordinator', 'handler'],
  'referral.letter': ['admin', 'coordinator', 'handler'],
  'referral.outcome': ['admin', 'coordinator', 'handler'],
});
