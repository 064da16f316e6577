import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { caseIdForReceipt } from '../../src/modules/cases/index.js';
import { submit } from '../../src/modules/intake/intake.test-helpers.js';
import { STAFF_LOCALES } from '../../src/platform/i18n/index.js';
import { engines } from '../engines.js';
import { createHarness, type Harness } from '../harness.js';
import { signInAs, type StaffSignIn } from '../staff-session.js';
import { assertProperty, countScope, fuzzTimeout, runs, triedReport } from './checks.js';
import {
  acceptLanguage,
  anyText,
  encodeForm,
  encoding,
  formContentType,
  idSegment,
  mutatedForm,
  named,
  type Form,
} from './inputs.js';
import { formProbe, send, type Probe } from './probe.js';

// Reply templates' pages and forms, fed anything through the real app on both engines, signed
// in as a coordinator: adding a template, renaming, retiring and bringing it back, adding,
// changing and removing a language's text, any template or language in the path, any query
// string; and the case page asked to insert any template. Whatever is sent: never a 5xx; a
// refusal is a page that says what went wrong, in a language of the workspace; a refused
// request writes nothing.

const surface = { kind: 'staff' as const, locales: STAFF_LOCALES };

interface X {
  mutate: (f: Form) => Form;
  token: string | undefined;
  template: () => string;
  language: () => string;
  how: Parameters<typeof encodeForm>[1];
  type: string;
  accept: string;
}

interface Route {
  label: string;
  weight: number;
  fields: readonly string[];
  /** The real template and language a mutated path segment stands in for. */
  real: [string, string];
  build(x: X, who: StaffSignIn, caseId: number): Probe;
}

/** A real token or anything in its place. */
const tokenOr = fc.option(anyText, { freq: 4, nil: undefined });

const post = (label: string, path: (t: string, l: string) => string, base: Form, real: [string, string], weight = 2): Route => ({
  label,
  weight,
  fields: ['_csrf', ...Object.keys(base)],
  real,
  build(x, who) {
    const form = x.mutate({ _csrf: x.token ?? who.csrf, ...base });
    return formProbe(label, path(x.template(), x.language()), form, x.how, x.type, { cookie: who.cookie, 'accept-language': x.accept });
  },
});

const get = (label: string, path: (t: string, l: string, caseId: number) => string, base: Form, real: [string, string], weight = 1): Route => ({
  label,
  weight,
  fields: Object.keys(base),
  real,
  build(x, who, caseId) {
    const q = encodeForm(x.mutate(base), x.how === 'invalid-utf8' ? 'garbage' : x.how) as string;
    return { label, method: 'GET', url: `${path(x.template(), x.language(), caseId)}?${q}`, headers: { cookie: who.cookie, 'accept-language': x.accept } };
  },
});

const ROUTES: Route[] = [
  post('POST /staff/templates', () => '/staff/templates', { name: 'Check-in', language: 'es', body: 'Hola, soy {handler_name}.' }, ['', ''], 3),
  post('POST /staff/templates/:id/name', (t) => `/staff/templates/${t}/name`, { name: 'First reply' }, ['initial-reply', ''], 2),
  post('POST /staff/templates/:id/variants', (t) => `/staff/templates/${t}/variants`, { language: 'pt', new_body: 'Olá, {handler_name}' }, ['crisis-outreach', ''], 3),
  post(
    'POST /staff/templates/:id/variants/:language',
    (t, l) => `/staff/templates/${t}/variants/${l}`,
    { body_ar: 'مرحبًا، أنا {handler_name} من {organisation}.' },
    ['referral-follow-up', 'ar'],
    4,
  ),
  post('POST /staff/templates/:id/variants/:language/remove', (t, l) => `/staff/templates/${t}/variants/${l}/remove`, {}, ['security-assessment', 'ru'], 1),
  post('POST /staff/templates/:id/retire', (t) => `/staff/templates/${t}/retire`, {}, ['out-of-mandate', ''], 1),
  post('POST /staff/templates/:id/reactivate', (t) => `/staff/templates/${t}/reactivate`, {}, ['out-of-mandate', ''], 1),
  get('GET /staff/templates', () => '/staff/templates', { done: 'created' }, ['', '']),
  get('GET /staff/templates/:id', (t) => `/staff/templates/${t}`, { done: 'saved' }, ['initial-reply', '']),
  get('GET /staff/cases/:id?template=', (_t, _l, caseId) => `/staff/cases/${caseId}`, { template: 'initial-reply' }, ['', ''], 3),
];

for (const engine of engines) {
  describe.skipIf(!engine.available)(`reply templates, fed anything, on ${engine.name}`, () => {
    let h: Harness;
    let coordinator: StaffSignIn;
    let caseId: number;

    beforeAll(async () => {
      countScope(engine.name);
      h = await createHarness(engine);
      coordinator = await signInAs(h, 'coordinator');
      caseId = (await caseIdForReceipt(h.deps, await submit(h)))!;
    });
    afterAll(async () => {
      console.log(triedReport(`reply templates on ${engine.name}`));
      await h?.close();
    });

    it('every template form and page, and the case page asked for any template', async () => {
      const arb = fc.oneof(
        ...ROUTES.map((r) => ({
          weight: r.weight,
          arbitrary: fc.record({
            route: fc.constant(named(r.label, r)),
            mutate: mutatedForm(r.fields),
            token: tokenOr,
            template: idSegment(() => r.real[0]),
            language: idSegment(() => r.real[1]),
            how: encoding,
            type: formContentType,
            accept: acceptLanguage(STAFF_LOCALES),
          }),
        })),
      );
      await assertProperty(
        arb,
        async ({ route, ...x }) => {
          await send(h, route.build(x, coordinator, caseId), surface);
        },
        runs(200),
      );
    }, fuzzTimeout());
  });
}
