import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { hiddenField, postForm, signInAs, signInWith } from '../../../test/staff-session.js';
import { principalForToken } from '../../platform/auth/api-token.js';
import {
  AccountInputError,
  createDemoHandler,
  createTokenForEmail,
  createUserWithEnrollment,
  listAssignableStaff,
} from './index.js';

for (const engine of engines) {
  describe.skipIf(!engine.available)(`account, people and tokens (${engine.name})`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await createHarness(engine);
    });
    afterAll(async () => {
      await h?.close();
    });

    const get = (url: string, cookie: string) =>
      h.app.inject({ method: 'GET', url, headers: { cookie } });

    it('shows the account with its session count and changes the staff language', async () => {
      const s = await signInAs(h, 'handler', { displayName: 'Ana' });
      const other = await signInWith(h, {
        email: s.email,
        password: s.password,
        totpSecret: s.totpSecret,
      }).catch(() => null);
      // The same code cannot be used twice in one time step, so the second sign-in waits.
      expect(other).toBeNull();
      h.clock.advance(30_000);
      await signInWith(h, { email: s.email, password: s.password, totpSecret: s.totpSecret });
      const page = await get('/staff/account', s.cookie);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('You are signed in in 2 places.');

      const bad = await postForm(
        h,
        '/staff/account/language',
        { _csrf: s.csrf, locale: 'de' },
        s.cookie,
      );
      expect(bad.statusCode).toBe(422);
      const res = await postForm(
        h,
        '/staff/account/language',
        { _csrf: s.csrf, locale: 'es' },
        s.cookie,
      );
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/staff/account?done=language');
      const es = await get('/staff/account?done=language', s.cookie);
      expect(es.body).toContain('<html lang="es"');
      expect(es.body).toContain('Idioma guardado.');
    });

    it('signs out everywhere: every session of the person ends, others are untouched', async () => {
      const s = await signInAs(h, 'handler');
      h.clock.advance(30_000);
      const second = await signInWith(h, {
        email: s.email,
        password: s.password,
        totpSecret: s.totpSecret,
      });
      const colleague = await signInAs(h, 'handler');
      const res = await postForm(
        h,
        '/staff/account/sign-out-everywhere',
        { _csrf: s.csrf },
        s.cookie,
      );
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/staff/sign-in?done=signed_out_everywhere');
      expect((await get('/staff/account', s.cookie)).statusCode).toBe(303);
      expect((await get('/staff/account', second.cookie)).statusCode).toBe(303);
      expect((await get('/staff/account', colleague.cookie)).statusCode).toBe(200);
    });

    it('refuses the people pages to a handler and a coordinator (403)', async () => {
      for (const role of ['handler', 'coordinator'] as const) {
        const s = await signInAs(h, role);
        expect((await get('/staff/users', s.cookie)).statusCode).toBe(403);
        const add = await postForm(
          h,
          '/staff/users',
          { _csrf: s.csrf, email: 'x@example.org', role: 'admin' },
          s.cookie,
        );
        expect(add.statusCode).toBe(403);
        const dis = await postForm(
          h,
          `/staff/users/${s.userId}/disable`,
          { _csrf: s.csrf },
          s.cookie,
        );
        expect(dis.statusCode).toBe(403);
      }
    });

    it('refuses API tokens to roles without case work (403)', async () => {
      const s = await signInAs(h, 'auditor');
      expect((await get('/staff/account/tokens', s.cookie)).statusCode).toBe(403);
      expect((await get('/staff/account', s.cookie)).statusCode).toBe(200);
    });

    it('lets an administrator add a person (link shown once), re-issue a link and disable an account', async () => {
      const admin = await signInAs(h, 'admin');
      const list = await get('/staff/users', admin.cookie);
      expect(list.statusCode).toBe(200);
      expect(list.body).toContain(admin.email);

      const invalid = await postForm(
        h,
        '/staff/users',
        { _csrf: admin.csrf, email: 'not-an-email', display_name: 'Kim', role: 'boss' },
        admin.cookie,
      );
      expect(invalid.statusCode).toBe(422);
      expect(invalid.body).toContain('value="not-an-email"');
      expect(invalid.body).toContain('Choose a role.');

      const added = await postForm(
        h,
        '/staff/users',
        { _csrf: admin.csrf, email: 'kim@example.org', display_name: 'Kim', role: 'coordinator' },
        admin.cookie,
      );
      expect(added.statusCode).toBe(201);
      const link = /<code id="enrol-link" class="secret">([^<]+)<\/code>/.exec(added.body)![1]!;
      expect(link).toMatch(/\/staff\/enrol\/[A-Za-z0-9_-]{43}$/);
      expect((await h.app.inject({ method: 'GET', url: new URL(link).pathname })).statusCode).toBe(
        200,
      );

      const dup = await postForm(
        h,
        '/staff/users',
        { _csrf: admin.csrf, email: 'KIM@example.org', role: 'handler' },
        admin.cookie,
      );
      expect(dup.statusCode).toBe(422);
      expect(dup.body).toContain('Someone already has an account with this email address.');

      const kim = await h.deps.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', 'kim@example.org')
        .executeTakeFirstOrThrow();
      const relink = await postForm(
        h,
        `/staff/users/${kim.id}/link`,
        { _csrf: admin.csrf },
        admin.cookie,
      );
      expect(relink.statusCode).toBe(201);
      expect((await h.app.inject({ method: 'GET', url: new URL(link).pathname })).statusCode).toBe(
        404,
      );

      const target = await signInAs(h, 'handler');
      const dis = await postForm(
        h,
        `/staff/users/${target.userId}/disable`,
        { _csrf: admin.csrf, confirm: 'yes' },
        admin.cookie,
      );
      expect(dis.statusCode).toBe(303);
      expect(dis.headers.location).toBe('/staff/users?done=user_disabled');
      expect((await get('/staff/account', target.cookie)).statusCode).toBe(303);
      const after = await get('/staff/users?done=user_disabled', admin.cookie);
      expect(after.body).toContain('The account was disabled');

      const self = await postForm(
        h,
        `/staff/users/${admin.userId}/disable`,
        { _csrf: admin.csrf, confirm: 'yes' },
        admin.cookie,
      );
      expect(self.statusCode).toBe(403);
      const unknown = await postForm(
        h,
        '/staff/users/00000000-0000-0000-0000-000000000000/disable',
        { _csrf: admin.csrf, confirm: 'yes' },
        admin.cookie,
      );
      expect(unknown.statusCode).toBe(404);
    });

    it('creates an API token shown once, lists it, and revokes only its own', async () => {
      const s = await signInAs(h, 'handler');
      const empty = await postForm(
        h,
        '/staff/account/tokens',
        { _csrf: s.csrf, label: '  ' },
        s.cookie,
      );
      expect(empty.statusCode).toBe(422);
      const created = await postForm(
        h,
        '/staff/account/tokens',
        { _csrf: s.csrf, label: 'reports' },
        s.cookie,
      );
      expect(created.statusCode).toBe(201);
      const token = /<code id="api-token" class="secret">([^<]+)<\/code>/.exec(created.body)![1]!;
      expect(token).toMatch(/^hvn_/);
      expect((await principalForToken(h.deps, token))?.userId).toBe(s.userId);

      const list = await get('/staff/account/tokens', s.cookie);
      expect(list.body).toContain('reports');
      expect(list.body).not.toContain(token);
      const action = /action="(\/staff\/account\/tokens\/[^/]+\/revoke)"/.exec(list.body)![1]!;

      const other = await signInAs(h, 'handler');
      expect((await postForm(h, action, { _csrf: other.csrf }, other.cookie)).statusCode).toBe(404);
      expect(await principalForToken(h.deps, token)).not.toBeNull();

      const revoked = await postForm(h, action, { _csrf: s.csrf }, s.cookie);
      expect(revoked.statusCode).toBe(303);
      expect(await principalForToken(h.deps, token)).toBeNull();
      expect(
        hiddenField(
          (await get('/staff/account/tokens?done=token_revoked', s.cookie)).body,
          '_csrf',
        ),
      ).toBe(s.csrf);
    });

    it('module functions for the CLI and other modules', async () => {
      await expect(
        createUserWithEnrollment(h.deps, { email: 'bad', role: 'handler' }),
      ).rejects.toBeInstanceOf(AccountInputError);
      await expect(
        createUserWithEnrollment(h.deps, { email: 'x@example.org', role: 'fund_officer' }),
      ).rejects.toMatchObject({
        field: 'role',
        messageKey: 'accounts.error.role_invalid',
      });
      const { userId, enrollUrl } = await createUserWithEnrollment(h.deps, {
        email: ' Lee@Example.org ',
        role: 'handler',
        displayName: 'Lee',
      });
      expect(userId).toBeTruthy();
      expect(enrollUrl.startsWith(`${h.deps.config.publicUrl}/staff/enrol/`)).toBe(true);
      await expect(
        createUserWithEnrollment(h.deps, { email: 'lee@example.org', role: 'admin' }),
      ).rejects.toMatchObject({
        messageKey: 'accounts.error.email_taken',
      });
      // A pending account cannot hold a token or a case yet.
      await expect(createTokenForEmail(h.deps, 'lee@example.org', 'x')).rejects.toMatchObject({
        messageKey: 'accounts.error.no_active_user',
      });
      expect((await listAssignableStaff(h.deps)).some((u) => u.id === userId)).toBe(false);

      const demo = await createDemoHandler(h.deps);
      expect(demo.email).toBe('demo.handler@example.org');
      const token = await createTokenForEmail(h.deps, demo.email, 'cli');
      expect((await principalForToken(h.deps, token))?.role).toBe('handler');
      const s = await signInWith(h, demo);
      expect(s.cookie).toBeTruthy();
      // Running the demo again gives working new credentials for the same account.
      h.clock.advance(30_000);
      const again = await createDemoHandler(h.deps);
      expect(again.password).not.toBe(demo.password);
      await signInWith(h, again);
      const staff = await listAssignableStaff(h.deps);
      expect(staff.filter((u) => u.displayName === 'Demo Handler')).toHaveLength(1);
      expect(staff.every((u) => ['admin', 'coordinator', 'handler'].includes(u.role))).toBe(true);
    });
  });
}
