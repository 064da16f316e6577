import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { STAFF_LOCALES } from '../../src/platform/i18n/index.js';
import { engines } from '../engines.js';
import { createHarness, type Harness } from '../harness.js';
import { signInAs, type StaffSignIn } from '../staff-session.js';
import { countScope, runs, triedReport, assertProperty, fuzzTimeout } from './checks.js';
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

// The taxonomies' pages and forms, fed anything through the real app on both engines, signed
// in as an administrator: adding a term (to a plain vocabulary, to countries, to a fixed one),
// renaming, mapping, moving, retiring and bringing back, any vocabulary or term in the path,
// any query string. Whatever is sent: never a 5xx; a refusal is a page that says what went
// wrong, in a language of the workspace; a refused request writes nothing.

const surface = { kind: 'staff' as const, locales: STAFF_LOCALES };

const LABELS = ['label_en', 'label_es', 'label_fr', 'label_ar', 'label_ru'];

interface X {
  mutate: (f: Form) => Form;
  token: string | undefined;
  vocabulary: () => string;
  term: () => string;
  how: Parameters<typeof encodeForm>[1];
  type: string;
  accept: string;
}

interface Route {
  label: string;
  weight: number;
  fields: readonly string[];
  /** The real vocabulary and term a mutated path segment stands in for. */
  real: [string, string];
  build(x: X, admin: StaffSignIn): Probe;
}

/** A real token or anything in its place. */
const tokenOr = fc.option(anyText, { freq: 4, nil: undefined });

const post = (
  label: string,
  path: (v: string, t: string) => string,
  base: Form,
  real: [string, string],
  weight = 2,
): Route => ({
  label,
  weight,
  fields: ['_csrf', ...Object.keys(base)],
  real,
  build(x, admin) {
    const form = x.mutate({ _csrf: x.token ?? admin.csrf, ...base });
    return formProbe(label, path(x.vocabulary(), x.term()), form, x.how, x.type, {
      cookie: admin.cookie,
      'accept-language': x.accept,
    });
  },
});

const get = (
  label: string,
  path: (v: string, t: string) => string,
  base: Form,
  real: [string, string],
): Route => ({
  label,
  weight: 1,
  fields: Object.keys(base),
  real,
  build(x, admin) {
    const q = encodeForm(x.mutate(base), x.how === 'invalid-utf8' ? 'garbage' : x.how) as string;
    return {
      label,
      method: 'GET',
      url: `${path(x.vocabulary(), x.term())}?${q}`,
      headers: { cookie: admin.cookie, 'accept-language': x.accept },
    };
  },
});

const ROUTES: Route[] = [
  post(
    'POST /staff/taxonomies/:vocabulary',
    (v) => `/staff/taxonomies/${v}`,
    { code: 'spyware_found', label_en: 'Spyware found', label_ar: 'برنامج تجسس' },
    ['incident_type', ''],
    4,
  ),
  post(
    'POST /staff/taxonomies/country',
    (v) => `/staff/taxonomies/${v}`,
    { code: 'AQ', parent: 'asia_pacific', label_en: '' },
    ['country', ''],
    2,
  ),
  post(
    'POST /staff/taxonomies/tlp',
    (v) => `/staff/taxonomies/${v}`,
    { code: 'white', label_en: 'TLP:WHITE' },
    ['tlp', ''],
    1,
  ),
  post(
    'POST /staff/taxonomies/:vocabulary/:term/labels',
    (v, t) => `/staff/taxonomies/${v}/${t}/labels`,
    Object.fromEntries(LABELS.map((l) => [l, l === 'label_en' ? 'Doxing' : ''])),
    ['incident_type', 'doxing'],
    4,
  ),
  post(
    'POST /staff/taxonomies/:vocabulary/:term/mappings',
    (v, t) => `/staff/taxonomies/${v}/${t}/mappings`,
    { scheme: 'rsit', value: 'information-content-security/data-leak' },
    ['incident_type', 'doxing'],
    3,
  ),
  post(
    'POST /staff/taxonomies/:vocabulary/:term/move',
    (v, t) => `/staff/taxonomies/${v}/${t}/move`,
    { direction: 'up' },
    ['severity', 'high'],
  ),
  post(
    'POST /staff/taxonomies/:vocabulary/:term/retire',
    (v, t) => `/staff/taxonomies/${v}/${t}/retire`,
    {},
    ['beneficiary', 'other'],
    1,
  ),
  post(
    'POST /staff/taxonomies/:vocabulary/:term/reactivate',
    (v, t) => `/staff/taxonomies/${v}/${t}/reactivate`,
    {},
    ['beneficiary', 'other'],
    1,
  ),
  get('GET /staff/taxonomies', () => '/staff/taxonomies', { done: 'added' }, ['', '']),
  get('GET /staff/taxonomies/:vocabulary', (v) => `/staff/taxonomies/${v}`, { done: 'moved' }, [
    'country',
    '',
  ]),
  get(
    'GET /staff/taxonomies/:vocabulary/:term',
    (v, t) => `/staff/taxonomies/${v}/${t}`,
    { done: 'renamed' },
    ['tlp', 'amber%2Bstrict'],
  ),
];

for (const engine of engines) {
  describe.skipIf(!engine.available)(`taxonomies, fed anything, on ${engine.name}`, () => {
    let h: Harness;
    let admin: StaffSignIn;

    beforeAll(async () => {
      countScope(engine.name);
      h = await createHarness(engine);
      admin = await signInAs(h, 'admin');
    });
    afterAll(async () => {
      console.log(triedReport(`taxonomies on ${engine.name}`));
      await h?.close();
    });

    it('every taxonomy form and page: any body, any vocabulary or term, any query string', async () => {
      const arb = fc.oneof(
        ...ROUTES.map((r) => ({
          weight: r.weight,
          arbitrary: fc.record({
            route: fc.constant(named(r.label, r)),
            mutate: mutatedForm(r.fields),
            token: tokenOr,
            vocabulary: idSegment(() => r.real[0]),
            term: idSegment(() => r.real[1]),
            how: encoding,
            type: formContentType,
            accept: acceptLanguage(STAFF_LOCALES),
          }),
        })),
      );
      await assertProperty(
        arb,
        async ({ route, ...x }) => {
          await send(h, route.build(x, admin), surface);
        },
        runs(200),
      );
    }, fuzzTimeout());
  });
}
