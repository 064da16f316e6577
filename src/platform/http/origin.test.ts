import type { FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORM, validRequest } from '../../modules/intake/intake.test-helpers.js';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { form, hiddenField, signInAs, TEST_PASSWORD } from '../../../test/staff-session.js';
import { createActiveUser } from '../../modules/accounts/index.js';
import { isCrossSite } from './origin.js';

const PUBLIC_URL = 'https://help.example.org';
const FORGED = { origin: 'https://evil.example' };

function req(method: string, headers: Record<string, string>): FastifyRequest {
  return { method, headers } as unknown as FastifyRequest;
}

describe('isCrossSite', () => {
  it('accepts no Origin, Origin null, PUBLIC_URL’s origin and the host the request was sent to', () => {
    const accepted: Record<string, string>[] = [
      { host: 'help.example.org' },
      { host: 'help.example.org', origin: 'null' },
      { host: '127.0.0.1:8080', origin: 'https://help.example.org' },
      { host: 'help.example.org', origin: 'https://help.example.org', 'sec-fetch-site': 'same-origin' },
      // The onion address beside a clearnet PUBLIC_URL; a default PUBLIC_URL reached by another name.
      { host: 'abcdefghijklmnop.onion', origin: 'http://abcdefghijklmnop.onion' },
      { host: '192.168.1.5:8080', origin: 'http://192.168.1.5:8080' },
      { host: 'HELP.example.org', origin: 'https://help.example.org:443' },
      { host: 'help.example.org', 'sec-fetch-site': 'none' },
    ];
    for (const headers of accepted) expect(isCrossSite(req('POST', headers), PUBLIC_URL), JSON.stringify(headers)).toBe(false);
  });

  it('refuses another site’s Origin, a malformed one, another port, and Sec-Fetch-Site: cross-site', () => {
    const refused: Record<string, string>[] = [
      { host: 'help.example.org', origin: 'https://evil.example' },
      { host: 'help.example.org', origin: 'https://help.example.org.evil.example' },
      { host: 'help.example.org', origin: 'https://sub.help.example.org' },
      { host: 'help.example.org:8080', origin: 'http://help.example.org:9090' },
      { host: 'help.example.org', origin: 'not a url' },
      { origin: 'https://evil.example' },
      // A sandboxed frame on another site sends Origin: null, but its browser says cross-site.
      { host: 'help.example.org', origin: 'null', 'sec-fetch-site': 'cross-site' },
      { host: 'help.example.org', 'sec-fetch-site': 'cross-site' },
    ];
    for (const headers of refused) expect(isCrossSite(req('POST', headers), PUBLIC_URL), JSON.stringify(headers)).toBe(true);
  });

  it('never refuses a safe method', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS']) {
      expect(isCrossSite(req(method, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }), PUBLIC_URL)).toBe(false);
    }
  });
});

for (const engine of engines) {
  describe.skipIf(!engine.available)(`cross-site posts on ${engine.name}`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await createHarness(engine, { PUBLIC_URL });
    });
    afterAll(async () => h?.close());

    async function countCases(): Promise<number> {
      const row = await h.deps.db.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    }

    async function sendRequest(headers: Record<string, string>) {
      const fields = await validRequest(h);
      return h.app.inject({ method: 'POST', url: '/request', payload: new URLSearchParams(fields).toString(), headers: { ...FORM, ...headers } });
    }

    it('refuses a forged Origin on the public request form, and saves nothing', async () => {
      const before = await countCases();
      for (const headers of [FORGED, { origin: 'null', 'sec-fetch-site': 'cross-site' }]) {
        const res = await sendRequest(headers);
        expect(res.statusCode).toBe(403);
        expect(res.body).toContain('This form has expired');
        expect(res.headers['content-security-policy']).toContain("form-action 'self'");
      }
      expect(await countCases()).toBe(before);
    });

    it('accepts the public request form with Origin null, without Origin, or from its own origin', async () => {
      const before = await countCases();
      const accepted: Record<string, string>[] = [
        { origin: 'null' },
        {},
        { origin: PUBLIC_URL, 'sec-fetch-site': 'same-origin' },
        { origin: 'http://abcdefghijklmnop.onion', host: 'abcdefghijklmnop.onion' },
      ];
      for (const headers of accepted) {
        const res = await sendRequest(headers);
        expect(res.statusCode, JSON.stringify(headers)).toBe(201);
      }
      expect(await countCases()).toBe(before + 4);
    });

    it('refuses a forged Origin on staff sign-in, before the password is looked at', async () => {
      const email = `origin.${engine.name}@example.org`;
      await createActiveUser(h.deps, { email, role: 'handler', displayName: 'Origin test', password: TEST_PASSWORD });
      const signIn = async (headers: Record<string, string>) => {
        const page = await h.app.inject({ url: '/staff/sign-in' });
        const f = form({ _form: hiddenField(page.body, '_form'), email, password: TEST_PASSWORD });
        return h.app.inject({ method: 'POST', url: '/staff/sign-in', payload: f.payload, headers: { ...f.headers, ...headers } });
      };
      const forged = await signIn(FORGED);
      expect(forged.statusCode).toBe(403);
      expect(forged.cookies.find((c) => c.name === 'haven_staff')).toBeUndefined();
      for (const headers of [{ origin: 'null' }, {}, { origin: PUBLIC_URL }] as Record<string, string>[]) {
        const res = await signIn(headers);
        expect(res.statusCode, JSON.stringify(headers)).toBe(303);
        expect(res.headers.location).toBe('/staff/sign-in/second-factor');
      }
    });

    it('refuses a forged Origin on a signed-in staff POST even with the right CSRF token', async () => {
      const s = await signInAs(h, 'handler');
      const setLanguage = (headers: Record<string, string>) => {
        const f = form({ _csrf: s.csrf, locale: 'es' });
        return h.app.inject({ method: 'POST', url: '/staff/account/language', payload: f.payload, headers: { ...f.headers, cookie: s.cookie, ...headers } });
      };
      const forged = await setLanguage(FORGED);
      expect(forged.statusCode).toBe(403);
      const still = await h.app.inject({ url: '/staff/account', headers: { cookie: s.cookie } });
      expect(still.body).toMatch(/<html lang="en"/);
      const accepted: Record<string, string>[] = [{ origin: 'null' }, {}, { origin: PUBLIC_URL, 'sec-fetch-site': 'same-origin' }];
      for (const headers of accepted) {
        const res = await setLanguage(headers);
        expect(res.statusCode, JSON.stringify(headers)).toBe(303);
      }
    });
  });
}
