import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { caseIdForReceipt } from '../../src/modules/cases/index.js';
import { submit } from '../../src/modules/intake/intake.test-helpers.js';
import { createPartner } from '../../src/modules/referrals/partner.service.js';
import { createReferral } from '../../src/modules/referrals/referral.service.js';
import { staffMember } from '../../src/modules/cases/case.fixtures.js';
import { STAFF_LOCALES } from '../../src/platform/i18n/index.js';
import { engines } from '../engines.js';
import { createHarness, type Harness } from '../harness.js';
import { signInAs, type StaffSignIn } from '../staff-session.js';
import { assertProperty, countScope, fuzzTimeout, runs, triedReport } from './checks.js';
import { encodeForm, type Form, formInput, type FormInput, idSegment } from './inputs.js';
import { formProbe, send, type Probe } from './probe.js';

// The partner directory and a case's referrals, fed anything through the real app on both
// engines, signed in as a coordinator: adding, changing, retiring and bringing back a partner,
// the directory's filters, referring a case (consent or none), recording an outcome, reading a
// letter; any partner, case or referral in the path, any query string. Whatever is sent: never
// a 5xx; a refusal is a page that says what went wrong, in a language of the workspace; a
// refused request writes nothing.

const surface = { kind: 'staff' as const, locales: STAFF_LOCALES };

/** What a route is sent: the shared form input and the ids in its path. */
type X = FormInput & {
  first: () => string;
  second: () => string;
};

interface Route {
  label: string;
  weight: number;
  fields: readonly string[];
  /** Which real ids the path's two segments stand for. */
  real: ['partner' | 'case' | '', 'referral' | ''];
  build(x: X, who: StaffSignIn): Probe;
}

/** The real partner, case and referral, set before the property runs. */
const ids = { partner: '', case: '', referral: '', '': '' };

const post = (label: string, path: (a: string, b: string) => string, base: Form, real: Route['real'], weight = 2): Route => ({
  label,
  weight,
  fields: ['_csrf', ...Object.keys(base)],
  real,
  build(x, who) {
    const form = x.mutate({ _csrf: x.token ?? who.csrf, ...base, ...('partner' in base ? { partner: ids.partner } : {}) });
    return formProbe(label, path(x.first(), x.second()), form, x.how, x.type, { cookie: who.cookie, 'accept-language': x.accept });
  },
});

const get = (label: string, path: (a: string, b: string) => string, base: Form, real: Route['real'], weight = 1): Route => ({
  label,
  weight,
  fields: Object.keys(base),
  real,
  build(x, who) {
    const q = encodeForm(x.mutate(base), x.how === 'invalid-utf8' ? 'garbage' : x.how) as string;
    return { label, method: 'GET', url: `${path(x.first(), x.second())}?${q}`, headers: { cookie: who.cookie, 'accept-language': x.accept } };
  },
});

const PARTNER: Form = {
  name: 'Legal Aid Network',
  description: 'Lawyers for defenders.',
  services: ['legal', 'psychosocial'],
  regions: ['americas'],
  languages: ['es', 'ar'],
  contact_kind: 'email',
  contact_address: 'intake@legal.example.org',
  pgp_key: '',
};

const ROUTES: Route[] = [
  post('POST /staff/partners', () => '/staff/partners', PARTNER, ['', ''], 3),
  post('POST /staff/partners/:id', (a) => `/staff/partners/${a}`, PARTNER, ['partner', ''], 3),
  post('POST /staff/partners/:id/retire', (a) => `/staff/partners/${a}/retire`, {}, ['partner', ''], 1),
  post('POST /staff/partners/:id/reactivate', (a) => `/staff/partners/${a}/reactivate`, {}, ['partner', ''], 1),
  get('GET /staff/partners', () => '/staff/partners', { service: 'legal', region: 'americas', language: 'ar' }, ['', '']),
  get('GET /staff/partners/:id', (a) => `/staff/partners/${a}`, { done: 'saved' }, ['partner', '']),
  get('GET /staff/cases/:id/referrals', (a) => `/staff/cases/${a}/referrals`, { service: 'legal', done: 'created' }, ['case', '']),
  post(
    'POST /staff/cases/:id/referrals',
    (a) => `/staff/cases/${a}/referrals`,
    {
      partner: '',
      items: ['case_facts', 'contact'],
      summary: '',
      consent: ['contact'],
      consent_how: 'phone',
      consent_on: '2026-11-21',
      letter_language: 'ar',
      follow_up_days: '7',
    },
    ['case', ''],
    4,
  ),
  post('POST /staff/cases/:id/referrals/:rid/outcome', (a, b) => `/staff/cases/${a}/referrals/${b}/outcome`, { outcome: 'accepted' }, ['case', 'referral'], 2),
  get('GET /staff/cases/:id/referrals/:rid/letter', (a, b) => `/staff/cases/${a}/referrals/${b}/letter`, { format: 'text' }, ['case', 'referral'], 2),
];

for (const engine of engines) {
  describe.skipIf(!engine.available)(`partners and referrals, fed anything, on ${engine.name}`, () => {
    let h: Harness;
    let coordinator: StaffSignIn;

    beforeAll(async () => {
      countScope(engine.name);
      h = await createHarness(engine);
      coordinator = await signInAs(h, 'coordinator');
      const lead = await staffMember(h.deps, 'coordinator');
      const p = await createPartner(h.deps, lead.principal, {
        name: 'Fuzz Partner',
        description: '',
        services: ['forensics'],
        regions: [],
        languages: [],
        contact_kind: 'signal',
        contact_address: '+44 7700 900123',
        pgp_key: null,
      });
      if (!p.ok) throw new Error(p.code);
      const caseId = (await caseIdForReceipt(h.deps, await submit(h)))!;
      const r = await createReferral(
        h.deps,
        lead.principal,
        caseId,
        { partner: p.value.id, items: ['case_facts'], summary: null, consent: null, letterLanguage: 'en', followUpDays: 7 },
        undefined,
      );
      if (!r.ok) throw new Error(r.code);
      Object.assign(ids, { partner: p.value.id, case: String(caseId), referral: r.value.id });
    });
    afterAll(async () => {
      console.log(triedReport(`partners and referrals on ${engine.name}`));
      await h?.close();
    });

    it('every partner and referral form and page', async () => {
      const arb = fc.oneof(
        ...ROUTES.map((r) => ({
          weight: r.weight,
          arbitrary: formInput(r, STAFF_LOCALES, {
            first: idSegment(() => ids[r.real[0]]),
            second: idSegment(() => ids[r.real[1]]),
          }),
        })),
      );
      await assertProperty(
        arb,
        async ({ route, ...x }) => {
          await send(h, route.build(x, coordinator), surface);
        },
        runs(200),
      );
    }, fuzzTimeout());
  });
}
