import type { HavenModule } from '../../contracts/module.js';
import { followUpJob } from './referral.job.js';
import { REFERRAL_ERRORS } from './referral.errors.js';
import { referralPolicy } from './referral.policy.js';
import { registerPartnerRoutes } from './partner.routes.js';
import { referralPanel, registerReferralRoutes } from './referral.routes.js';

/**
 * The referrals module (ADR 36): a directory of partner organisations (what they do, where, in
 * which languages, how to reach them safely and their PGP key) on /staff/partners, and referrals
 * of a case to one of them, on the case page (the case extension contract): what is shared,
 * the requester's recorded consent for each identifying item, the letter to send (Haven sends
 * nothing itself), a follow-up reminder and the outcome. Every change is audited.
 */
export { seedDemoPartners } from './demo-partners.js';
export { REFERRAL_ACTIONS, referralPolicy, type ReferralAction } from './referral.policy.js';
export { SERVICES, SHARE_ITEMS, IDENTIFYING, type Service, type ShareItem } from './referral.js';

/** The referrals module as the app and worker see it. */
export const referralsModule: HavenModule = {
  name: 'referrals',
  policy: referralPolicy,
  errors: REFERRAL_ERRORS,
  nav: [{ href: '/staff/partners', labelKey: 'referrals.partners.nav', action: 'partner.view', order: 53 }],
  caseExtension: { name: 'referrals', panel: referralPanel },
  registerStaff: (app, { deps, assets }) => {
    registerPartnerRoutes(app, deps, assets);
    registerReferralRoutes(app, deps, assets);
  },
  jobs: (deps) => [followUpJob(deps)],
};
