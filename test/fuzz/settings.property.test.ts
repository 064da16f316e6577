import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { TEXT_LOCALES } from '../../src/modules/settings/settings.js';
import { createApiToken } from '../../src/platform/auth/api-token.js';
import { STAFF_LOCALES } from '../../src/platform/i18n/index.js';
import { engines } from '../engines.js';
import { createHarness, type Harness } from '../harness.js';
import { signInAs, type StaffSignIn } from '../staff-session.js';
import { assertProperty, countScope, fuzzTimeout, runs, triedReport } from './checks.js';
import { anyJson, encodeForm, type Form, formInput, type FormInput, mutatedJson, named } from './inputs.js';
import { formProbe, send, type Probe } from './probe.js';

// The organisation's settings page and forms, fed anything through the real app on both
// engines, signed in as an administrator: the settings form (every field, at the revision the
// page is at, so that some saves go through and later ones meet a newer save), removing the
// logo, and the page with any query string; and PUT /api/v1/settings with any JSON body or
// content type. Whatever is sent: never a 5xx; a refusal is a page (or the API's error) that
// says what went wrong, in a language of the workspace; a refused request writes nothing.

const surface = { kind: 'staff' as const, locales: STAFF_LOCALES };
const apiSurface = { kind: 'api' as const };

/** What a route is sent: the shared form input. */
type X = FormInput;

interface Route {
  label: string;
  weight: number;
  fields: readonly string[];
  build(x: X, who: StaffSignIn, revision: number): Probe;
}

/** A settings form an administrator would send, at `revision`. */
function settingsForm(revision: number): Form {
  const form: Form = {
    revision: String(revision),
    name: 'Línea Segura',
    default_locale: 'es',
    pgp_key: '',
    onion_address: 'abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion',
    signal_number: '+34 600 000 000',
  };
  for (const l of TEXT_LOCALES) {
    form[`description_${l}`] = l === 'ar' ? 'خط مساعدة' : 'Helpline';
    form[`landing_${l}`] = l === 'ru' ? 'Мы помогаем.\n\nПишите нам.' : 'We help.\n\nWrite to us.';
    form[`emergency_${l}`] = '';
  }
  return form;
}

const SETTINGS_FIELDS = ['_csrf', ...Object.keys(settingsForm(0))];

const ROUTES: Route[] = [
  {
    label: 'POST /staff/settings',
    weight: 5,
    fields: SETTINGS_FIELDS,
    build: (x, who, revision) =>
      formProbe('POST /staff/settings', '/staff/settings', x.mutate({ _csrf: x.token ?? who.csrf, ...settingsForm(revision) }), x.how, x.type, {
        cookie: who.cookie,
        'accept-language': x.accept,
      }),
  },
  {
    label: 'POST /staff/settings/logo/remove',
    weight: 1,
    fields: ['_csrf'],
    build: (x, who) =>
      formProbe('POST /staff/settings/logo/remove', '/staff/settings/logo/remove', x.mutate({ _csrf: x.token ?? who.csrf }), x.how, x.type, {
        cookie: who.cookie,
        'accept-language': x.accept,
      }),
  },
  {
    label: 'GET /staff/settings',
    weight: 1,
    fields: ['done', 'lang'],
    build: (x, who) => {
      const q = encodeForm(x.mutate({ done: 'saved', lang: 'es' }), x.how === 'invalid-utf8' ? 'garbage' : x.how) as string;
      return { label: 'GET /staff/settings', method: 'GET', url: `/staff/settings?${q}`, headers: { cookie: who.cookie, 'accept-language': x.accept } };
    },
  },
];

for (const engine of engines) {
  describe.skipIf(!engine.available)(`organisation settings, fed anything, on ${engine.name}`, () => {
    let h: Harness;
    let admin: StaffSignIn;

    beforeAll(async () => {
      countScope(engine.name);
      h = await createHarness(engine);
      admin = await signInAs(h, 'admin');
    });
    afterAll(async () => {
      console.log(triedReport(`organisation settings on ${engine.name}`));
      await h?.close();
    });

    it('the settings form, removing the logo, and the page with any query', async () => {
      const arb = fc.oneof(
        ...ROUTES.map((r) => ({
          weight: r.weight,
          arbitrary: formInput(r, STAFF_LOCALES),
        })),
      );
      await assertProperty(
        arb,
        async ({ route, ...x }) => {
          const { revision } = await h.deps.db.selectFrom('organisation_settings').select('revision').executeTakeFirstOrThrow();
          await send(h, route.build(x, admin, Number(revision)), surface);
        },
        runs(200),
      );
    }, fuzzTimeout());

    it('PUT /api/v1/settings with any JSON body and content type', async () => {
      const { token } = await createApiToken(h.deps, admin.userId, 'fuzz');
      const body = fc.oneof(
        { arbitrary: mutatedJson(Object.keys(settingsForm(0))).map((m) => ({ json: m })), weight: 6 },
        { arbitrary: anyJson.map((v) => ({ json: named(fc.stringify(v), () => v) })), weight: 1 },
      );
      const type = fc.constantFrom('application/json', 'application/json', 'application/json', 'text/plain', 'application/x-www-form-urlencoded', '');
      await assertProperty(
        fc.record({ body, type }),
        async ({ body, type }) => {
          const { revision } = await h.deps.db.selectFrom('organisation_settings').select('revision').executeTakeFirstOrThrow();
          const base: Record<string, unknown> = { ...settingsForm(Number(revision)), revision: Number(revision) };
          const payload = JSON.stringify((body.json as (b: Record<string, unknown>) => unknown)(base) ?? null);
          const headers: Record<string, string> = { authorization: `Bearer ${token}` };
          if (type) headers['content-type'] = type;
          await send(h, { label: 'PUT /api/v1/settings', method: 'PUT', url: '/api/v1/settings', headers, payload, sent: payload }, apiSurface);
        },
        runs(150),
      );
    }, fuzzTimeout());
  });
}
