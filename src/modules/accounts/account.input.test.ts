import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import {
  form,
  hiddenField,
  postForm,
  signInAs,
  type StaffSignIn,
} from '../../../test/staff-session.js';
import { ANA, sealedHarness } from '../vault/vault.test-helpers.js';

// The staff forms refuse what no typed text contains with 422 and a message, never a 500
// from PostgreSQL, and write nothing: the sign-in form (before anyone is signed in), API
// token labels, route parameters and query strings of staff pages, the unseal form.

for (const engine of engines) {
  describe.skipIf(!engine.available)(`staff input handling on ${engine.name}`, () => {
    let h: Harness;
    let admin: StaffSignIn;
    const said = (locale: string, key: string) => h.deps.i18n.format(locale, key);
    const count = async (table: 'api_tokens' | 'staff_sessions' | 'audit_log') =>
      Number(
        (
          await h.deps.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    beforeAll(async () => {
      h = await createHarness(engine);
      admin = await signInAs(h, 'admin');
    });
    afterAll(async () => {
      await h?.close();
    });

    it('refuses a NUL in the sign-in form with 422, without signing in or writing anything', async () => {
      const sessions = await count('staff_sessions');
      const audit = await count('audit_log');
      for (const fields of [
        { email: 'someone@example.org\0', password: 'whatever it is' },
        { email: '\0', password: 'x' },
        { email: admin.email, password: `${admin.password}\0` },
      ]) {
        const page = await h.app.inject({ url: '/staff/sign-in?lang=es' });
        const res = await postForm(h, '/staff/sign-in?lang=es', {
          _form: hiddenField(page.body, '_form'),
          ...fields,
        });
        expect(res.statusCode, JSON.stringify(fields)).toBe(422);
        expect(res.body).toContain('<html lang="es"');
        expect(res.body).toContain(said('es', 'common.error.control_chars'));
        expect(res.headers['set-cookie']).toBeUndefined();
      }
      expect(await count('staff_sessions')).toBe(sessions);
      expect(await count('audit_log')).toBe(audit);
    });

    it('refuses other control characters in the sign-in form with the message next to the field', async () => {
      const page = await h.app.inject({ url: '/staff/sign-in' });
      const res = await postForm(h, '/staff/sign-in', {
        _form: hiddenField(page.body, '_form'),
        email: 'someone@example.org\x07',
        password: 'whatever it is',
      });
      expect(res.statusCode).toBe(422);
      expect(res.body).toContain('id="e-email"');
      expect(res.body).toContain(said('en', 'common.form.control_chars'));
      // Shown again without the character it was refused for.
      expect(res.body).toContain('value="someone@example.org"');
    });

    it('refuses NUL and control characters in an API token label; no token is made', async () => {
      const tokens = await count('api_tokens');
      const nul = await postForm(
        h,
        '/staff/account/tokens',
        { _csrf: admin.csrf, label: 'laptop\0' },
        admin.cookie,
      );
      expect(nul.statusCode).toBe(422);
      expect(nul.body).toContain(said('en', 'common.error.control_chars'));
      const bell = await postForm(
        h,
        '/staff/account/tokens',
        { _csrf: admin.csrf, label: 'lap\x07top' },
        admin.cookie,
      );
      expect(bell.statusCode).toBe(422);
      expect(bell.body).toContain('id="e-label"');
      expect(bell.body).toContain(said('en', 'common.form.control_chars'));
      expect(await count('api_tokens')).toBe(tokens);
    });

    it('refuses a NUL in a staff route parameter or query string with 422', async () => {
      const audit = await count('audit_log');
      const revoke = await postForm(
        h,
        '/staff/account/tokens/%00/revoke',
        { _csrf: admin.csrf },
        admin.cookie,
      );
      expect(revoke.statusCode).toBe(422);
      const disable = await postForm(
        h,
        '/staff/users/a%00b/disable',
        { _csrf: admin.csrf },
        admin.cookie,
      );
      expect(disable.statusCode).toBe(422);
      for (const url of [
        '/staff/retention?edit=closed%00',
        '/staff/retention?edit=closed&type=%00',
        '/staff/users?done=%00',
      ]) {
        const res = await h.app.inject({ url, headers: { cookie: admin.cookie } });
        expect(res.statusCode, url).toBe(422);
      }
      expect(await count('audit_log')).toBe(audit);
    });

    it('isolates names, addresses and token labels on the account, people and token pages', async () => {
      const made = await postForm(
        h,
        '/staff/account/tokens',
        { _csrf: admin.csrf, label: 'حاسوب \u202Eالمكتب' },
        admin.cookie,
      );
      expect(made.statusCode).toBe(201);
      expect(made.body).toContain('\u2068حاسوب \u202Eالمكتب\u2069');
      const tokens = await h.app.inject({
        url: '/staff/account/tokens',
        headers: { cookie: admin.cookie },
      });
      expect(tokens.body).toContain('<bdi>حاسوب \u202Eالمكتب</bdi>');
      const account = await h.app.inject({
        url: '/staff/account',
        headers: { cookie: admin.cookie },
      });
      expect(account.body).toContain(`<bdi>${admin.email}</bdi>`);
      const people = await h.app.inject({ url: '/staff/users', headers: { cookie: admin.cookie } });
      expect(people.body).toContain(`<bdi>${admin.email}</bdi>`);
      const staffHeader = /<a href="\/staff\/account" class="who">.*?<\/a>/s.exec(people.body)![0];
      expect(staffHeader).toContain('<bdi>');
    });

    it('still signs in a person whose answers are clean', async () => {
      const page = await h.app.inject({ url: '/staff/sign-in' });
      const res = await postForm(h, '/staff/sign-in', {
        _form: hiddenField(page.body, '_form'),
        email: admin.email,
        password: admin.password,
      });
      expect(res.statusCode).toBe(303);
    });

    describe('the unseal form', () => {
      let sealed: Harness;
      beforeAll(async () => {
        sealed = await sealedHarness(engine);
      });
      afterAll(async () => {
        await sealed?.close();
      });
      const unsealWith = async (fields: Record<string, string>) => {
        const page = await sealed.app.inject({ url: '/staff/unseal' });
        return sealed.app.inject({
          method: 'POST',
          url: '/staff/unseal',
          ...form({ _form: hiddenField(page.body, '_form'), ...fields }),
        });
      };

      it('refuses NUL and control characters with 422, and stays sealed', async () => {
        const nul = await unsealWith({ holder: 'ana\0', passphrase: ANA.passphrase });
        expect(nul.statusCode).toBe(422);
        expect(nul.body).toContain(said('en', 'common.error.control_chars'));
        const bell = await unsealWith({ holder: ANA.name, passphrase: `${ANA.passphrase}\x07` });
        expect(bell.statusCode).toBe(422);
        expect(bell.body).toContain(said('en', 'common.form.control_chars'));
        expect(sealed.deps.vault.sealed).toBe(true);
        const right = await unsealWith({ holder: ANA.name, passphrase: ANA.passphrase });
        expect(right.statusCode).toBe(303);
        expect(sealed.deps.vault.sealed).toBe(false);
      });
    });
  });
}
