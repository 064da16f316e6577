import type { Deps } from '../../deps.js';
import { recordAudit } from '../../platform/audit/audit.js';
import * as repo from './referral.repo.js';

// Example partners for `haven demo` only (never a production migration): plausible kinds of
// organisation a helpline refers to, with addresses under example.org and no PGP key.

const EXAMPLES: (repo.PartnerValues & { id: string })[] = [
  {
    id: '0d3b1c5e-6a7f-4c1e-9a51-7d2a1f000001',
    name: 'Lawyers for Press Freedom (example)',
    description: 'Pro bono legal help for journalists and media workers facing prosecution or lawsuits over their work.',
    contactKind: 'email',
    contactAddress: 'intake@lawyers.example.org',
    pgpKey: null,
    pgpFingerprint: null,
    services: ['legal'],
    regions: ['americas', 'europe_central_asia'],
    languages: ['en', 'es', 'pt'],
  },
  {
    id: '0d3b1c5e-6a7f-4c1e-9a51-7d2a1f000002',
    name: 'Shielded Hosting Collective (example)',
    description: 'DDoS protection and secure hosting for independent media and civil-society websites.',
    contactKind: 'web_form',
    contactAddress: 'https://shield.example.org/apply',
    pgpKey: null,
    pgpFingerprint: null,
    services: ['ddos_protection', 'hosting'],
    regions: [],
    languages: ['en', 'fr', 'ar', 'ru'],
  },
  {
    id: '0d3b1c5e-6a7f-4c1e-9a51-7d2a1f000003',
    name: 'Mobile Forensics Lab (example)',
    description: 'Checks phones for spyware and shares indicators of compromise with the helpline.',
    contactKind: 'signal',
    contactAddress: '+44 7700 900123',
    pgpKey: null,
    pgpFingerprint: null,
    services: ['forensics', 'digital_security'],
    regions: ['mena', 'africa'],
    languages: ['en', 'ar', 'fr'],
  },
  {
    id: '0d3b1c5e-6a7f-4c1e-9a51-7d2a1f000004',
    name: 'Wellbeing for Defenders (example)',
    description: 'Psychosocial support and emergency relocation grants for human rights defenders at risk.',
    contactKind: 'email',
    contactAddress: 'care@wellbeing.example.org',
    pgpKey: null,
    pgpFingerprint: null,
    services: ['psychosocial', 'funding', 'relocation'],
    regions: ['asia_pacific', 'europe_central_asia'],
    languages: ['en', 'ru'],
  },
];

/**
 * Adds the example partners to an empty directory (audited as `partner.created` by the
 * system); does nothing when any partner exists. Returns how many were added.
 */
export async function seedDemoPartners(deps: Deps): Promise<number> {
  const now = deps.now();
  return deps.db.transaction().execute(async (trx) => {
    if ((await repo.countPartners(trx)) > 0) return 0;
    for (const { id, ...values } of EXAMPLES) {
      await repo.insertPartner(trx, id, values, now, null);
      await recordAudit(trx, now, { actorKind: 'system', actorId: null, action: 'partner.created', caseId: null, detail: { partner: id, demo: true } });
    }
    return EXAMPLES.length;
  });
}
