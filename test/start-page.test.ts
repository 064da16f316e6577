import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueFormToken } from '../src/platform/http/form-token.js';
import { engines } from './engines.js';
import { createHarness, type Harness } from './harness.js';
import { signInAs, type StaffSignIn } from './staff-session.js';

// A signed-in person who opens a page with nothing left to do there (a sign-in or enrolment
// step, the unseal form of an instance that is not sealed) goes on to their own start page:
// the queue for those who work cases, the audit log for an auditor, who may not open the
// queue and would get a 403 at /staff.

for (const engine of engines) {
  describe.skipIf(!engine.available)(`a signed-in person's start page on ${engine.name}`, () => {
    let h: Harness;
    let auditor: StaffSignIn;
    let handler: StaffSignIn;

    beforeAll(async () => {
      h = await createHarness(engine);
      auditor = await signInAs(h, 'auditor');
      handler = await signInAs(h, 'handler');
    }, 60_000);
    afterAll(async () => h?.close());

    const get = (who: StaffSignIn, url: string) => h.app.inject({ url, headers: { cookie: who.cookie } });

    it('knows where each lands: the audit log for an auditor, who may not open the queue', async () => {
      expect((await get(auditor, '/staff')).statusCode).toBe(403);
      expect((await get(auditor, '/staff/sign-in')).headers.location).toBe('/staff/audit');
      expect((await get(handler, '/staff/sign-in')).headers.location).toBe('/staff');
    });

    for (const url of ['/staff/sign-in/second-factor', '/staff/enrol/second-factor', '/staff/unseal']) {
      it(`sends a signed-in person from ${url} to their start page, which opens`, async () => {
        for (const [who, home] of [
          [auditor, '/staff/audit'],
          [handler, '/staff'],
        ] as const) {
          const res = await get(who, url);
          expect(res.statusCode, url).toBe(303);
          expect(res.headers.location, url).toBe(home);
          expect((await get(who, home)).statusCode, home).toBe(200);
        }
      });
    }

    it('sends a signed-in person whose unseal form arrives after another holder opened Haven to their start page', async () => {
      // The form was fetched while sealed; by the time it is sent, Haven is open (CONFLICT).
      const form = issueFormToken(h.deps.vault.formKey, 'staff-unseal', h.deps.now());
      const res = await h.app.inject({
        method: 'POST',
        url: '/staff/unseal',
        headers: { cookie: auditor.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _form: form, holder: 'someone', passphrase: 'a passphrase long enough' }).toString(),
      });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/staff/audit');
    });

    it('sends someone not signed in from the unseal form of an open instance to /staff, as before', async () => {
      const res = await h.app.inject({ url: '/staff/unseal' });
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/staff');
    });
  });
}
