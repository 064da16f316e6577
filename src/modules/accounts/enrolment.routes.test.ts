import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpNow } from '../../platform/auth/totp.js';
import { issueFormToken } from '../../platform/http/form-token.js';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { hiddenField, postForm, sessionCookieOf, signInWith } from '../../../test/staff-session.js';
import { answerProblem, changed, snapshot } from '../../../test/fuzz/checks.js';
import { STAFF_LOCALES } from '../../platform/i18n/index.js';
import { createUserWithEnrollment, firstAdminLink } from './index.js';
import { ENROL_TTL_MS } from './user.js';

const PASSWORD = 'a long enough passphrase';

for (const engine of engines) {
  describe.skipIf(!engine.available)(`staff enrolment (${engine.name})`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await createHarness(engine);
    });
    afterAll(async () => {
      await h?.close();
    });

    const pathOf = (url: string) => new URL(url).pathname;

    async function openLink(path: string) {
      const page = await h.app.inject({ method: 'GET', url: path });
      return { page, formToken: page.statusCode === 200 ? hiddenField(page.body, '_form') : '' };
    }

    /** Completes both steps; returns the full-session cookie and the TOTP secret shown. */
    async function enrol(path: string, fields: Record<string, string>) {
      const { formToken } = await openLink(path);
      const first = await postForm(h, path, { _form: formToken, ...fields });
      expect(first.statusCode, first.body).toBe(303);
      expect(first.headers.location).toBe('/staff/enrol/second-factor');
      const enrolCookie = sessionCookieOf(first)!;
      const qr = await h.app.inject({
        method: 'GET',
        url: '/staff/enrol/second-factor',
        headers: { cookie: enrolCookie },
      });
      expect(qr.statusCode).toBe(200);
      expect(qr.body).toContain('<svg');
      expect(qr.body).not.toContain('<script');
      const secret = /<code class="secret">([A-Z2-7 ]+)<\/code>/
        .exec(qr.body)![1]!
        .replace(/ /g, '');
      // The workspace stays closed until the second factor is confirmed.
      const early = await h.app.inject({
        method: 'GET',
        url: '/staff/account',
        headers: { cookie: enrolCookie },
      });
      expect(early.statusCode).toBe(303);
      expect(early.headers.location).toBe('/staff/enrol/second-factor');
      const done = await postForm(
        h,
        '/staff/enrol/second-factor',
        { _csrf: hiddenField(qr.body, '_csrf'), code: totpNow(secret, h.clock.now()) },
        enrolCookie,
      );
      expect(done.statusCode, done.body).toBe(303);
      expect(done.headers.location).toBe('/staff/account?done=enrolled');
      return { cookie: sessionCookieOf(done)!, secret };
    }

    it('enrols from a one-time link: name, password, TOTP, then a full session', async () => {
      const { enrollUrl } = await createUserWithEnrollment(h.deps, {
        email: 'new.handler@example.org',
        role: 'handler',
      });
      const path = pathOf(enrollUrl);
      const { cookie, secret } = await enrol(path, {
        display_name: 'Nadia',
        password: PASSWORD,
        password_confirm: PASSWORD,
      });
      const account = await h.app.inject({
        method: 'GET',
        url: '/staff/account?done=enrolled',
        headers: { cookie },
      });
      expect(account.statusCode).toBe(200);
      expect(account.body).toContain('Nadia');
      expect(account.body).toContain('Your account is ready');

      // Single use: the link no longer opens, nor accepts a post.
      const again = await h.app.inject({ method: 'GET', url: path });
      expect(again.statusCode).toBe(404);
      expect(again.body).toContain('This link does not work');

      // The person can now sign in normally.
      h.clock.advance(30_000);
      const s = await signInWith(h, {
        email: 'new.handler@example.org',
        password: PASSWORD,
        totpSecret: secret,
      });
      expect(s.csrf).toBeTruthy();
    });

    it('keeps the language the person enrolled in for the workspace', async () => {
      const { enrollUrl } = await createUserWithEnrollment(h.deps, {
        email: 'lucia.handler@example.org',
        role: 'handler',
      });
      const { cookie } = await enrol(`${pathOf(enrollUrl)}?lang=es`, {
        display_name: 'Lucía',
        password: PASSWORD,
        password_confirm: PASSWORD,
      });
      const localeOf = async (email: string) =>
        (await h.deps.db.selectFrom('users').select('locale').where('email', '=', email).executeTakeFirstOrThrow()).locale;
      expect(await localeOf('lucia.handler@example.org')).toBe('es');
      // Signed in, the workspace speaks Spanish whatever the browser asks for.
      const account = await h.app.inject({
        method: 'GET',
        url: '/staff/account',
        headers: { cookie, 'accept-language': 'en' },
      });
      expect(account.body).toMatch(/<html lang="es"/);
      // Arabic is a workspace language too (ADR 28), kept as chosen.
      const { enrollUrl: other } = await createUserWithEnrollment(h.deps, {
        email: 'amal.handler@example.org',
        role: 'handler',
      });
      await enrol(`${pathOf(other)}?lang=ar`, {
        display_name: 'Amal',
        password: PASSWORD,
        password_confirm: PASSWORD,
      });
      expect(await localeOf('amal.handler@example.org')).toBe('ar');
      // A language the workspace does not speak falls back to English, never half-translated.
      const { enrollUrl: third } = await createUserWithEnrollment(h.deps, {
        email: 'jonas.handler@example.org',
        role: 'handler',
      });
      await enrol(`${pathOf(third)}?lang=de`, {
        display_name: 'Jonas',
        password: PASSWORD,
        password_confirm: PASSWORD,
      });
      expect(await localeOf('jonas.handler@example.org')).toBe('en');
    });

    it('refuses a wrong code at enrolment and keeps the account pending', async () => {
      const { enrollUrl } = await createUserWithEnrollment(h.deps, {
        email: 'wrong.code@example.org',
        role: 'handler',
      });
      const path = pathOf(enrollUrl);
      const { formToken } = await openLink(path);
      const first = await postForm(h, path, {
        _form: formToken,
        display_name: 'W',
        password: PASSWORD,
        password_confirm: PASSWORD,
      });
      const c = sessionCookieOf(first)!;
      const qr = await h.app.inject({
        method: 'GET',
        url: '/staff/enrol/second-factor',
        headers: { cookie: c },
      });
      const bad = await postForm(
        h,
        '/staff/enrol/second-factor',
        { _csrf: hiddenField(qr.body, '_csrf'), code: '12345' },
        c,
      );
      expect(bad.statusCode).toBe(422);
      expect(bad.body).toContain('Enter the 6 digits');
      const row = await h.deps.db
        .selectFrom('users')
        .select('status')
        .where('email', '=', 'wrong.code@example.org')
        .executeTakeFirstOrThrow();
      expect(row.status).toBe('pending');
    });

    it('refuses an expired link', async () => {
      const { enrollUrl } = await createUserWithEnrollment(h.deps, {
        email: 'late@example.org',
        role: 'handler',
      });
      const path = pathOf(enrollUrl);
      h.clock.advance(ENROL_TTL_MS + 1000);
      expect((await h.app.inject({ method: 'GET', url: path })).statusCode).toBe(404);
      // A fresh form token, so only the link's age is at stake.
      const formToken = issueFormToken(h.deps.vault.formKey, 'staff-enrol', h.clock.now());
      const post = await postForm(h, path, {
        _form: formToken,
        display_name: 'L',
        password: PASSWORD,
        password_confirm: PASSWORD,
      });
      expect(post.statusCode).toBe(404);
      expect(sessionCookieOf(post)).toBeUndefined();
    });

    it('refuses an unknown link with the same page', async () => {
      const res = await h.app.inject({ method: 'GET', url: '/staff/enrol/not-a-real-token' });
      expect(res.statusCode).toBe(404);
      expect(res.body).toContain('This link does not work');
    });

    it('re-renders a weak password with 422, keeping what was typed (but not the password)', async () => {
      const { enrollUrl } = await createUserWithEnrollment(h.deps, {
        email: 'weak@example.org',
        role: 'coordinator',
      });
      const path = pathOf(enrollUrl);
      const { formToken } = await openLink(path);
      const res = await postForm(h, path, {
        _form: formToken,
        display_name: 'Wanjiru K',
        password: 'short',
        password_confirm: 'short',
      });
      expect(res.statusCode).toBe(422);
      expect(res.body).toContain('The password must have at least 12 characters.');
      expect(res.body).toContain('value="Wanjiru K"');
      expect(res.body).toContain('href="#f-password"');
      expect(res.body).not.toContain('value="short"');
      const mismatch = await postForm(h, path, {
        _form: formToken,
        display_name: 'W',
        password: PASSWORD,
        password_confirm: PASSWORD + 'x',
      });
      expect(mismatch.statusCode).toBe(422);
      expect(mismatch.body).toContain('The two passwords are different.');
      // The link was not used up by the failed attempts.
      expect((await h.app.inject({ method: 'GET', url: path })).statusCode).toBe(200);
    });

    // A fuzzed enrolment post once seemed to leave an audit entry behind its refusal: a form
    // whose `email` (not asked of this person) came twice, with NULs and lone surrogates.
    describe('a refused enrolment post writes nothing', () => {
      const NASTY = ['\u{1B097}\u{16A2F};\u0000\u{1E92D}\u0000\uA5B5', '\uDC00\u0000\u0001\uFFFF'];
      const variants: { what: string; email?: string[]; display_name: string; lang: string; status: number }[] = [
        { what: 'email twice, NULs and lone surrogates (es)', email: NASTY, display_name: '>', lang: 'es', status: 422 },
        { what: 'the same in English', email: NASTY, display_name: '>', lang: 'en', status: 422 },
        { what: 'email twice, a control character but no NUL', email: ['\u{1B097};\u0001', '\uDC00\uFFFF'], display_name: '>', lang: 'es', status: 422 },
        { what: 'a NUL in the second email only', email: ['x', '\uDC00\u0000'], display_name: '>', lang: 'es', status: 422 },
        { what: 'a NUL in the name', display_name: '>\u0000', lang: 'en', status: 422 },
        { what: 'an empty name', email: NASTY, display_name: '', lang: 'es', status: 422 },
      ];
      for (const v of variants) {
        it(v.what, async () => {
          const { enrollUrl } = await createUserWithEnrollment(h.deps, {
            email: `refused.${Math.random().toString(36).slice(2, 8)}@example.org`,
            role: 'handler',
          });
          const path = pathOf(enrollUrl);
          const { formToken } = await openLink(path);
          const body = new URLSearchParams();
          for (const [k, val] of Object.entries({ _form: formToken, display_name: v.display_name, password: PASSWORD, password_confirm: PASSWORD, _csrf: '' }))
            body.append(k, val);
          for (const e of v.email ?? []) body.append('email', e);
          const before = await snapshot(h.deps.storage);
          const auditBefore = await h.deps.db.selectFrom('audit_log').select(['id', 'action']).execute();
          const res = await h.app.inject({
            method: 'POST',
            url: path,
            payload: body.toString(),
            headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': v.lang },
          });
          expect(res.statusCode, res.body).toBe(v.status);
          expect(res.body).toMatch(new RegExp(`<html lang="${v.lang}"`));
          expect(answerProblem(res, { kind: 'staff', locales: STAFF_LOCALES, lang: v.lang }, h.deps.i18n)).toBeNull();
          expect(sessionCookieOf(res)).toBeUndefined();
          expect(changed(before, await snapshot(h.deps.storage))).toEqual([]);
          expect(await h.deps.db.selectFrom('audit_log').select(['id', 'action']).execute()).toEqual(auditBefore);
          // The link still opens: the refusal did not use it up.
          expect((await h.app.inject({ method: 'GET', url: path })).statusCode).toBe(200);
        });
      }

      it('ignores an address not asked for when it holds no control character', async () => {
        // A lone surrogate reaches the server as U+FFFD; the name ">" is a name like any other.
        const { enrollUrl } = await createUserWithEnrollment(h.deps, { email: 'ignored.email@example.org', role: 'handler' });
        const path = pathOf(enrollUrl);
        const { formToken } = await openLink(path);
        const body = new URLSearchParams({ _form: formToken, display_name: '>', password: PASSWORD, password_confirm: PASSWORD });
        body.append('email', '\uDC00');
        body.append('email', 'other@example.org');
        const res = await h.app.inject({
          method: 'POST',
          url: path,
          payload: body.toString(),
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'es' },
        });
        expect(res.statusCode, res.body).toBe(303);
        const row = await h.deps.db.selectFrom('users').select(['email', 'display_name']).where('email', '=', 'ignored.email@example.org').executeTakeFirstOrThrow();
        expect(row.display_name).toBe('>');
      });
    });

    it('refuses an enrolment post without a valid form token (403)', async () => {
      const { enrollUrl } = await createUserWithEnrollment(h.deps, {
        email: 'forged@example.org',
        role: 'handler',
      });
      const res = await postForm(h, pathOf(enrollUrl), {
        display_name: 'F',
        password: PASSWORD,
        password_confirm: PASSWORD,
      });
      expect(res.statusCode).toBe(403);
    });
  });

  describe.skipIf(!engine.available)(`first administrator (${engine.name})`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await createHarness(engine);
    });
    afterAll(async () => {
      await h?.close();
    });

    it('gives a link while nobody has an account; the page asks for the email', async () => {
      const first = await firstAdminLink(h.deps);
      const second = await firstAdminLink(h.deps);
      expect(first).toMatch(/^http:\/\/127\.0\.0\.1:8080\/staff\/enrol\/[A-Za-z0-9_-]{43}$/);
      // A new start gives a new link and the old one stops working.
      expect(second).not.toBe(first);
      expect(
        (await h.app.inject({ method: 'GET', url: new URL(first!).pathname })).statusCode,
      ).toBe(404);

      const path = new URL(second!).pathname;
      const page = await h.app.inject({ method: 'GET', url: path });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('name="email"');
      const bad = await postForm(h, path, {
        _form: hiddenField(page.body, '_form'),
        email: 'nope',
        display_name: 'Root',
        password: PASSWORD,
        password_confirm: PASSWORD,
      });
      expect(bad.statusCode).toBe(422);
      expect(bad.body).toContain('Enter an email address like name@example.org.');

      const ok = await postForm(h, path, {
        _form: hiddenField(page.body, '_form'),
        email: 'Boss@Example.org',
        display_name: 'Root',
        password: PASSWORD,
        password_confirm: PASSWORD,
      });
      expect(ok.statusCode).toBe(303);
      const c = sessionCookieOf(ok)!;
      const qr = await h.app.inject({
        method: 'GET',
        url: '/staff/enrol/second-factor',
        headers: { cookie: c },
      });
      const secret = /<code class="secret">([A-Z2-7 ]+)<\/code>/
        .exec(qr.body)![1]!
        .replace(/ /g, '');
      const done = await postForm(
        h,
        '/staff/enrol/second-factor',
        { _csrf: hiddenField(qr.body, '_csrf'), code: totpNow(secret, h.clock.now()) },
        c,
      );
      expect(done.statusCode).toBe(303);
      const users = await h.app.inject({
        method: 'GET',
        url: '/staff/users',
        headers: { cookie: sessionCookieOf(done)! },
      });
      expect(users.statusCode).toBe(200);
      expect(users.body).toContain('boss@example.org');

      expect(await firstAdminLink(h.deps)).toBeNull();
    });
  });
}
