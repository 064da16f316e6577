import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpNow } from '../../platform/auth/totp.js';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import {
  hiddenField,
  postForm,
  sessionCookieOf,
  signInAs,
  signInWith,
  TEST_PASSWORD,
} from '../../../test/staff-session.js';
import { createActiveUser } from './index.js';

for (const engine of engines) {
  describe.skipIf(!engine.available)(`staff sign-in (${engine.name})`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await createHarness(engine);
    });
    afterAll(async () => {
      await h?.close();
    });

    async function signInForm() {
      const page = await h.app.inject({ method: 'GET', url: '/staff/sign-in' });
      expect(page.statusCode).toBe(200);
      return hiddenField(page.body, '_form');
    }

    async function postPassword(email: string, password: string) {
      return postForm(h, '/staff/sign-in', { _form: await signInForm(), email, password });
    }

    async function newUser(role: 'handler' | 'admin' = 'handler') {
      const email = `u${Math.random().toString(36).slice(2, 10)}@example.org`;
      const { userId, totpSecret } = await createActiveUser(h.deps, {
        email,
        role,
        displayName: 'Ana',
        password: TEST_PASSWORD,
      });
      return { email, userId, totpSecret };
    }

    it('signs in with password and TOTP, with strict, HttpOnly cookies and a new session id', async () => {
      const u = await newUser();
      const first = await postPassword(u.email, TEST_PASSWORD);
      expect(first.statusCode).toBe(303);
      expect(first.headers.location).toBe('/staff/sign-in/second-factor');
      const c1 = first.cookies.find((c) => c.name === 'haven_staff')!;
      expect(c1.httpOnly).toBe(true);
      expect(c1.sameSite).toBe('Strict');
      expect(c1.path).toBe('/');
      const partial = sessionCookieOf(first)!;

      const codePage = await h.app.inject({
        method: 'GET',
        url: '/staff/sign-in/second-factor',
        headers: { cookie: partial },
      });
      expect(codePage.statusCode).toBe(200);
      const second = await postForm(
        h,
        '/staff/sign-in/second-factor',
        { _csrf: hiddenField(codePage.body, '_csrf'), code: totpNow(u.totpSecret, h.clock.now()) },
        partial,
      );
      expect(second.statusCode).toBe(303);
      expect(second.headers.location).toBe('/staff');
      const c2 = second.cookies.find((c) => c.name === 'haven_staff')!;
      expect(c2.httpOnly).toBe(true);
      expect(c2.sameSite).toBe('Strict');
      expect(sessionCookieOf(second)).not.toBe(partial);

      const account = await h.app.inject({
        method: 'GET',
        url: '/staff/account',
        headers: { cookie: sessionCookieOf(second)! },
      });
      expect(account.statusCode).toBe(200);
      expect(account.body).toContain(u.email);
      // The partial id no longer opens anything.
      const old = await h.app.inject({
        method: 'GET',
        url: '/staff/account',
        headers: { cookie: partial },
      });
      expect(old.statusCode).toBe(303);
      expect(old.headers.location).toBe('/staff/sign-in');
    });

    it('gives a wrong password and an unknown address the same answer', async () => {
      const u = await newUser();
      const wrong = await postPassword(u.email, 'not the password at all');
      const unknown = await postPassword('nobody@example.org', 'not the password at all');
      expect(wrong.statusCode).toBe(401);
      expect(unknown.statusCode).toBe(401);
      const strip = (html: string) =>
        html.replace(/name="_form" value="[^"]+"/, '').replace(/value="[^"]*@example.org"/, '');
      expect(strip(wrong.body)).toBe(strip(unknown.body));
      expect(wrong.body).toContain('The email address or password is not right.');
      expect(sessionCookieOf(wrong)).toBeUndefined();
      // The address is kept in the form, the password never is.
      expect(wrong.body).toContain(`value="${u.email}"`);
      expect(wrong.body).not.toContain('not the password at all');
    });

    it('re-renders with 422 when fields are missing', async () => {
      const res = await postForm(h, '/staff/sign-in', {
        _form: await signInForm(),
        email: '',
        password: '',
      });
      expect(res.statusCode).toBe(422);
      expect(res.body).toContain('Enter your email address.');
      expect(res.body).toContain('Enter your password.');
    });

    it('refuses a sign-in form without a valid form token (403)', async () => {
      const u = await newUser();
      const none = await postForm(h, '/staff/sign-in', { email: u.email, password: TEST_PASSWORD });
      expect(none.statusCode).toBe(403);
      const forged = await postForm(h, '/staff/sign-in', {
        _form: 'abc.def.ghi',
        email: u.email,
        password: TEST_PASSWORD,
      });
      expect(forged.statusCode).toBe(403);
    });

    it('locks an account after repeated failures, then lets the right person in later', async () => {
      const u = await newUser();
      for (let i = 0; i < 5; i++)
        expect((await postPassword(u.email, 'wrong password ' + i)).statusCode).toBe(401);
      const locked = await postPassword(u.email, TEST_PASSWORD);
      expect(locked.statusCode).toBe(429);
      expect(locked.body).toContain('Too many attempts');
      expect(sessionCookieOf(locked)).toBeUndefined();
      h.clock.advance(61_000);
      const again = await postPassword(u.email, TEST_PASSWORD);
      expect(again.statusCode).toBe(303);
    });

    it('locks unknown addresses the same way, so a lock reveals nothing', async () => {
      for (let i = 0; i < 5; i++)
        expect((await postPassword('ghost@example.org', 'wrong password')).statusCode).toBe(401);
      expect((await postPassword('ghost@example.org', 'wrong password')).statusCode).toBe(429);
    });

    it('counts wrong codes towards the lock', async () => {
      const u = await newUser();
      const first = await postPassword(u.email, TEST_PASSWORD);
      const partial = sessionCookieOf(first)!;
      const codePage = await h.app.inject({
        method: 'GET',
        url: '/staff/sign-in/second-factor',
        headers: { cookie: partial },
      });
      const csrf = hiddenField(codePage.body, '_csrf');
      const post = (code: string) =>
        postForm(h, '/staff/sign-in/second-factor', { _csrf: csrf, code }, partial);
      const good = totpNow(u.totpSecret, h.clock.now());
      const bad = good === '000000' ? '111111' : '000000';
      for (let i = 0; i < 5; i++) {
        const r = await post(bad);
        expect(r.statusCode).toBe(422);
        expect(r.body).toContain('This code is not right');
      }
      expect((await post(good)).statusCode).toBe(429);
    });

    it('refuses a TOTP code that was already used (replay)', async () => {
      const u = await newUser();
      await signInWith(h, { email: u.email, password: TEST_PASSWORD, totpSecret: u.totpSecret });
      const first = await postPassword(u.email, TEST_PASSWORD);
      const partial = sessionCookieOf(first)!;
      const codePage = await h.app.inject({
        method: 'GET',
        url: '/staff/sign-in/second-factor',
        headers: { cookie: partial },
      });
      const replay = await postForm(
        h,
        '/staff/sign-in/second-factor',
        { _csrf: hiddenField(codePage.body, '_csrf'), code: totpNow(u.totpSecret, h.clock.now()) },
        partial,
      );
      expect(replay.statusCode).toBe(422);
      expect(replay.body).toContain('already been used');
      // The next time step works.
      h.clock.advance(30_000);
      const next = await postForm(
        h,
        '/staff/sign-in/second-factor',
        { _csrf: hiddenField(codePage.body, '_csrf'), code: totpNow(u.totpSecret, h.clock.now()) },
        partial,
      );
      expect(next.statusCode).toBe(303);
    });

    it('keeps a partial session out of the workspace', async () => {
      const u = await newUser();
      const partial = sessionCookieOf(await postPassword(u.email, TEST_PASSWORD))!;
      for (const url of ['/staff/account', '/staff/account/tokens', '/staff/users', '/staff']) {
        const r = await h.app.inject({ method: 'GET', url, headers: { cookie: partial } });
        expect(r.statusCode, url).toBe(303);
        expect(r.headers.location).toBe('/staff/sign-in/second-factor');
      }
    });

    it('sends someone without a session to sign in', async () => {
      const r = await h.app.inject({ method: 'GET', url: '/staff/account' });
      expect(r.statusCode).toBe(303);
      expect(r.headers.location).toBe('/staff/sign-in');
    });

    it('refuses POSTs with a missing or wrong CSRF token (403)', async () => {
      const s = await signInAs(h, 'handler');
      const missing = await postForm(h, '/staff/account/language', { locale: 'es' }, s.cookie);
      expect(missing.statusCode).toBe(403);
      const wrong = await postForm(
        h,
        '/staff/account/language',
        { _csrf: 'x'.repeat(43), locale: 'es' },
        s.cookie,
      );
      expect(wrong.statusCode).toBe(403);
      const signOut = await postForm(h, '/staff/sign-out', {}, s.cookie);
      expect(signOut.statusCode).toBe(403);
    });

    it('signs out: the session ends and the cookie is cleared', async () => {
      const s = await signInAs(h, 'handler');
      const out = await postForm(h, '/staff/sign-out', { _csrf: s.csrf }, s.cookie);
      expect(out.statusCode).toBe(303);
      expect(out.headers.location).toBe('/staff/sign-in?done=signed_out');
      expect(sessionCookieOf(out)).toBeUndefined();
      const after = await h.app.inject({
        method: 'GET',
        url: '/staff/account',
        headers: { cookie: s.cookie },
      });
      expect(after.statusCode).toBe(303);
      const flash = await h.app.inject({ method: 'GET', url: out.headers.location as string });
      expect(flash.body).toContain('You have signed out.');
    });
  });
}
