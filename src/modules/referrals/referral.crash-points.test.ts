import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { everyCrashPoint } from '../../../test/crash-points.js';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { oneTimeToken } from '../../platform/http/spent-tokens.js';
import { newRequest, staffMember, type StaffFixture } from '../cases/case.fixtures.js';
import { createPartner } from './partner.service.js';
import { createReferral } from './referral.service.js';

// A referral crashed at each of its statements: the referral, its consent, its audit entry,
// its event and its spent form token are written together or not at all, so a crash never
// leaves a referral without the record of what was shared, nor an audit entry for a referral
// that does not exist; the handler sends the same form again and it is saved once.

for (const engine of engines) {
  describe.skipIf(!engine.available)(`crash points in referrals on ${engine.name}`, () => {
    let h: Harness;
    let handler: StaffFixture;
    let partner: string;
    beforeAll(async () => {
      h = await createHarness(engine);
      handler = await staffMember(h.deps, 'handler');
      const coordinator = await staffMember(h.deps, 'coordinator');
      const p = await createPartner(h.deps, coordinator.principal, {
        name: 'Crash Partner',
        description: '',
        services: ['forensics'],
        regions: [],
        languages: [],
        contact_kind: 'signal',
        contact_address: '+44 7700 900123',
        pgp_key: null,
      });
      if (!p.ok) throw new Error(p.code);
      partner = p.value.id;
    });
    afterAll(async () => h?.close());

    const counts = async (caseId: number) => ({
      referrals: (await h.deps.db.selectFrom('referrals').select('id').where('case_id', '=', caseId).execute()).length,
      consents: (await h.deps.db.selectFrom('referral_consents').innerJoin('referrals', 'referrals.id', 'referral_consents.referral_id').select('referral_consents.id').where('referrals.case_id', '=', caseId).execute()).length,
      audits: (await h.deps.db.selectFrom('audit_log').select('id').where('action', '=', 'case.referred').where('case_id', '=', caseId).execute()).length,
      events: (await h.deps.db.selectFrom('outbox_events').select('id').where('type', '=', 'referral.created').execute()).length,
    });

    it('saves a referral with its consent, audit entry and event, or nothing; sending again saves it once', async () => {
      let caseId = 0;
      const input = {
        partner,
        items: ['case_facts' as const, 'contact' as const],
        summary: null,
        consent: { items: ['contact' as const], how: 'phone' as const, givenAt: Date.UTC(2026, 10, 21) },
        letterLanguage: 'es' as const,
        followUpDays: 7,
      };
      let n = 0;
      let eventsBefore = 0;
      const tried = await everyCrashPoint(
        h.deps.db,
        async (db) => {
          n += 1;
          // A case of its own per run: audit entries are append-only.
          caseId = (await newRequest(h.deps)).caseId;
          eventsBefore = (await counts(caseId)).events;
          const once = oneTimeToken(h.deps.vault, 'referrals-referral-form-token', `form-${n}`, h.clock.now());
          return createReferral({ ...h.deps, db }, handler.principal, caseId, input, once);
        },
        async (k) => {
          const c = await counts(caseId);
          expect([c.referrals, c.consents, c.audits, c.events - eventsBefore], `crash at statement ${k}`).toEqual(
            c.referrals === 0 ? [0, 0, 0, 0] : [1, 1, 1, 1],
          );
          // The same form again: saved once, whichever side of the commit the crash fell.
          const once = oneTimeToken(h.deps.vault, 'referrals-referral-form-token', `form-${n}`, h.clock.now());
          const again = await createReferral(h.deps, handler.principal, caseId, input, once);
          expect(again.ok || (!again.ok && again.code === 'REFERRAL_REPEATED')).toBe(true);
          const after = await counts(caseId);
          expect([after.referrals, after.consents, after.audits]).toEqual([1, 1, 1]);
        },
      );
      expect(tried).toBeGreaterThanOrEqual(5);
    });
  });
}
