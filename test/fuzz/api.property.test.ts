import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createActiveUser, createTokenForEmail } from '../../src/modules/accounts/index.js';
import { caseIdForReceipt } from '../../src/modules/cases/index.js';
import { submit } from '../../src/modules/intake/intake.test-helpers.js';
import { engines } from '../engines.js';
import { createHarness, type Harness } from '../harness.js';
import { TEST_PASSWORD } from '../staff-session.js';
import { countScope, runs, triedReport, assertProperty, fuzzTimeout } from './checks.js';
import { anyJson, anyText, encodeForm, idSegment, mutatedForm, mutatedJson, named } from './inputs.js';
import { send, type Probe } from './probe.js';

// The JSON API (/api/v1), fed anything through the real app on both engines, with a valid
// bearer token most of the time: any JSON (or not JSON) as a body, any content type, any
// query string, any id, any Authorization header. Whatever is sent: never a 5xx; a refusal
// is `{ error: { code, message } }` with the catalogue's status; a refused request writes
// nothing.

const surface = { kind: 'api' as const };

/** A body on the wire: JSON of a value, or text that is not JSON (or barely is). */
const rawBody = fc.oneof(
  { arbitrary: anyText, weight: 3 },
  {
    arbitrary: fc.integer({ min: 200, max: 20_000 }).chain((n) =>
      fc.constantFrom('['.repeat(n) + ']'.repeat(n), '{"body":'.repeat(n) + '1' + '}'.repeat(n), `{"body":"${'\\u0000'.repeat(n)}"}`),
    ),
    weight: 1,
  },
  {
    arbitrary: fc.constantFrom(
      '',
      'null',
      '{"body":"a","body":"\\u0000"}',
      '{"__proto__":{"status":"closed"},"body":"x"}',
      '{"constructor":{"prototype":{"x":1}},"body":"x"}',
      '\ufeff{"body":"with a byte-order mark"}',
      '{"body":"\\ud800"}',
      '{"body":"x"',
      '{"version":1e400}',
      '{"version":-0}',
    ),
    weight: 2,
  },
);

const jsonType = fc.oneof(
  { arbitrary: fc.constant('application/json'), weight: 10 },
  { arbitrary: fc.constantFrom('application/json; charset=utf-8', 'application/json; charset=latin1', 'text/plain', 'application/x-www-form-urlencoded', 'application/vnd.api+json', ''), weight: 2 },
);

/** Header-safe text: what an HTTP client can put in a header at all. */
const headerText = anyText.map((s) => s.replace(/[^\x20-\x7e]/g, '').slice(0, 500));

for (const engine of engines) {
  describe.skipIf(!engine.available)(`API, fed anything, on ${engine.name}`, () => {
    let h: Harness;
    let token: string;
    let userId: string;
    let caseId: number;

    const version = async () =>
      (await h.deps.db.selectFrom('cases').select('version').where('id', '=', caseId).executeTakeFirstOrThrow()).version;

    beforeAll(async () => {
      countScope(engine.name);
      h = await createHarness(engine);
      const email = 'api.fuzz@example.org';
      userId = (await createActiveUser(h.deps, { email, role: 'admin', displayName: 'API', password: TEST_PASSWORD })).userId;
      token = await createTokenForEmail(h.deps, email, 'fuzz');
      caseId = (await caseIdForReceipt(h.deps, await submit(h)))!;
    });
    afterAll(async () => {
      console.log(triedReport(`API on ${engine.name}`));
      await h?.close();
    });

    it('every API route: any body, any content type, any query string, any id, any token', async () => {
      const auth = fc.oneof(
        { arbitrary: fc.constant(named('(the real token)', () => `Bearer ${token}`)), weight: 10 },
        { arbitrary: fc.oneof(fc.constantFrom('', 'Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'bearer hvn_x'), headerText.map((t) => `Bearer ${t}`)).map((v) => named(JSON.stringify(v), () => v)), weight: 1 },
      );
      const body = fc.oneof(
        { arbitrary: mutatedJson(['body', 'status', 'urgency', 'incident_type', 'severity', 'country', 'beneficiary', 'language', 'mandate', 'assignee_id', 'version', 'restricted', 'people']).map((m) => ({ json: m })), weight: 6 },
        { arbitrary: anyJson.map((v) => ({ json: named(fc.stringify(v), () => v) })), weight: 1 },
        { arbitrary: rawBody.map((raw) => ({ raw })), weight: 2 },
      );
      const route = fc.constantFrom('GET /cases', 'GET /cases/:id', 'POST /cases/:id/replies', 'POST /cases/:id/notes', 'PATCH /cases/:id', 'GET /cases/:id/access', 'PUT /cases/:id/access', 'GET /search', 'GET /openapi.json');
      const arb = fc.record({
        route,
        auth,
        body,
        type: jsonType,
        id: idSegment(() => String(caseId)),
        query: mutatedForm(['view', 'status', 'incident_type', 'region', 'language', 'assignee', 'limit', 'cursor', 'q']),
      });
      await assertProperty(
        arb,
        async ({ route, auth, body, type, id, query }) => {
          const [method, path] = route.split(' ') as ['GET' | 'POST' | 'PATCH' | 'PUT', string];
          const url = `/api/v1${path.replace(':id', id())}`;
          const base =
            path === '/cases/:id'
              ? { status: 'vetting', urgency: 'reactive', incident_type: 'phishing', severity: 'high', country: 'KE', beneficiary: 'journalist', language: 'en', mandate: 'in', assignee_id: userId, version: await version() }
              : path === '/cases/:id/access'
                ? { restricted: true, people: [userId], version: await version() }
                : { body: 'We can help.' };
          const headers: Record<string, string> = { authorization: auth() };
          const p: Probe = { label: route, method, url, headers };
          if (method === 'GET') {
            const listed: Record<string, string> = path === '/search' ? { q: 'phishing ana@example.org', cursor: '12' } : { view: 'main', status: 'new', incident_type: 'phishing', region: 'africa', language: 'en', assignee: 'mine', limit: '50', cursor: '0.1.2' };
            const q = encodeForm(query(listed), 'standard') as string;
            p.url = `${url}?${q}`;
          } else {
            const payload = 'raw' in body ? body.raw : JSON.stringify((body.json as (b: Record<string, unknown>) => unknown)(base) ?? null);
            if (type) headers['content-type'] = type;
            p.payload = payload;
            p.sent = 'raw' in body ? body.raw : payload;
          }
          await send(h, p, surface);
        },
        runs(300),
      );
    }, fuzzTimeout());
  });
}
