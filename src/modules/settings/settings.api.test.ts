import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { staffMember, type StaffFixture } from '../cases/case.fixtures.js';
import { TEXT_LOCALES } from './settings.js';
import { PUBLIC_KEY, PUBLIC_KEY_FINGERPRINT } from './settings.test-helpers.js';

// GET and PUT /api/v1/settings on both engines: the same schema, policy and service as the
// settings page. Coordinators read, administrators replace (audited), handlers neither; a PUT
// over a newer save is 409, a refused field or an unknown property 422 naming it, nothing saved;
// every answer matches the OpenAPI document.

/** Every field of a PUT, blank, at `revision`. */
function blankBody(revision: number): Record<string, unknown> {
  const body: Record<string, unknown> = { revision, name: '', default_locale: 'en', pgp_key: '', onion_address: '', signal_number: '' };
  for (const l of TEXT_LOCALES) Object.assign(body, { [`description_${l}`]: '', [`landing_${l}`]: '', [`emergency_${l}`]: '' });
  return body;
}

for (const engine of engines) {
  describe.skipIf(!engine.available)(`the settings API on ${engine.name}`, () => {
    let h: Harness;
    let admin: StaffFixture;
    let coordinator: StaffFixture;
    let handler: StaffFixture;
    let ajv: Ajv2020;
    let doc: { paths: Record<string, Record<string, { responses: Record<string, { content?: { 'application/json': { schema: { $ref: string } } } }> }>> };

    beforeAll(async () => {
      h = await createHarness(engine);
      admin = await staffMember(h.deps, 'admin');
      coordinator = await staffMember(h.deps, 'coordinator');
      handler = await staffMember(h.deps, 'handler');
      doc = (await h.app.inject({ url: '/api/v1/openapi.json' })).json();
      ajv = new Ajv2020({ strict: false, allErrors: true });
      addFormats.default(ajv);
      ajv.addSchema({ $id: 'doc', ...doc });
    });
    afterAll(async () => h?.close());

    const call = (who: StaffFixture | null, method: 'GET' | 'PUT', payload?: unknown) =>
      h.app.inject({
        method,
        url: '/api/v1/settings',
        headers: who ? { authorization: who.bearer } : {},
        ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
      });
    const conforms = (method: string, status: number, body: unknown) => {
      const ref = doc.paths['/settings']![method]!.responses[String(status)]!.content!['application/json'].schema.$ref;
      const validate = ajv.getSchema(`doc${ref}`)!;
      expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
    };
    const audits = () => h.deps.db.selectFrom('audit_log').select(['action', 'actor_kind', 'actor_id']).where('action', '=', 'settings.saved').execute();

    it('lets a coordinator read and an administrator replace the settings, audited as an API change', async () => {
      const empty = await call(coordinator, 'GET');
      expect(empty.statusCode).toBe(200);
      conforms('get', 200, empty.json());
      expect(empty.json()).toMatchObject({ name: null, revision: 0, logo: null, texts: { ar: { landing: null } } });

      const put = await call(admin, 'PUT', {
        ...blankBody(0),
        name: 'Línea Segura',
        pgp_key: PUBLIC_KEY,
        landing_ar: 'نحن نساعد.\n\nاكتب لنا.',
        onion_address: 'abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvwx.onion',
      });
      expect(put.statusCode, put.body).toBe(200);
      conforms('put', 200, put.json());
      expect(put.json()).toMatchObject({
        name: 'Línea Segura',
        pgp_fingerprint: PUBLIC_KEY_FINGERPRINT,
        revision: 1,
        texts: { ar: { landing: 'نحن نساعد.\n\nاكتب لنا.' } },
      });
      expect(await audits()).toEqual([{ action: 'settings.saved', actor_kind: 'api', actor_id: admin.id }]);
      expect((await h.app.inject({ url: '/?lang=ar' })).body).toContain('<bdi>Línea Segura</bdi>');
    });

    it('refuses a PUT over a newer save (409), a refused field or unknown property (422), saving nothing', async () => {
      const stale = await call(admin, 'PUT', { ...blankBody(0), name: 'Stale' });
      expect(stale.statusCode).toBe(409);
      conforms('put', 409, stale.json());
      expect(stale.json().error.code).toBe('SETTINGS_CHANGED');

      const bad = await call(admin, 'PUT', { ...blankBody(1), name: 'N'.repeat(101) });
      expect(bad.statusCode).toBe(422);
      expect(bad.json()).toEqual({ error: { code: 'VALIDATION_FAILED', message: 'The name may be up to 100 characters', field: 'name' } });
      const control = await call(admin, 'PUT', { ...blankBody(1), landing_es: 'a\u0007b' });
      expect(control.json().error.field).toBe('landing_es');
      const unknown = await call(admin, 'PUT', { ...blankBody(1), nmae: 'typo' });
      expect(unknown.statusCode).toBe(422);
      expect(unknown.json().error.field).toBe('nmae');
      const missing = await call(admin, 'PUT', { revision: 1, name: 'Only a name' });
      expect(missing.statusCode).toBe(422);
      const privateKey = await call(admin, 'PUT', { ...blankBody(1), pgp_key: PUBLIC_KEY.replace(/PUBLIC/g, 'PRIVATE') });
      expect(privateKey.json().error).toMatchObject({ field: 'pgp_key', message: 'This is a private key. Never publish it: paste the public key instead' });
      const huge = await call(admin, 'PUT', { ...blankBody(1), landing_en: '\u0416'.repeat(300_000) });
      expect(huge.statusCode).toBe(413);
      const form = await h.app.inject({ method: 'PUT', url: '/api/v1/settings', headers: { authorization: admin.bearer, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'name=x' });
      expect(form.statusCode).toBe(415);

      expect((await call(admin, 'GET')).json()).toMatchObject({ name: 'Línea Segura', revision: 1 });
      expect((await audits()).length).toBe(1);
    });

    it('answers 401 without a token and 403 to a role that may not', async () => {
      expect((await call(null, 'GET')).statusCode).toBe(401);
      expect((await call(null, 'PUT', blankBody(1))).statusCode).toBe(401);
      const read = await call(handler, 'GET');
      expect(read.statusCode).toBe(403);
      conforms('get', 403, read.json());
      expect((await call(handler, 'PUT', blankBody(1))).statusCode).toBe(403);
      expect((await call(coordinator, 'PUT', { ...blankBody(1), name: 'Coordinated' })).statusCode).toBe(403);
      expect((await call(admin, 'GET')).json().name).toBe('Línea Segura');
    });
  });
}
