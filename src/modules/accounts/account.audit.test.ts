import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { form, hiddenField, postForm, signInAs, signInWith, TEST_PASSWORD } from '../../../test/staff-session.js';
import { principalForToken } from '../../platform/auth/api-token.js';
import { createTokenForEmail, createUserWithEnrollment } from './index.js';

// Every change to an account or token, and every sign-in and sign-out, is in the audit log:
// who did it (a staff member, or Haven itself with how), to which account, and what changed,
// never a password, code, token or address.

interface Row {
  actor_kind: string;
  actor_id: string | null;
  action: string;
  detail: Record<string, unknown>;
}

for (const engine of engines) {
  describe.skipIf(!engine.available)(`account audit trail (${engine.name})`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await createHarness(engine);
    });
    afterAll(async () => h?.close());

    /** The account and token entries written since `sinceId`, oldest first. */
    async function entries(sinceId: number): Promise<Row[]> {
      const rows = await h.deps.db
        .selectFrom('audit_log')
        .select(['actor_kind', 'actor_id', 'action', 'detail'])
        .where('id', '>', sinceId)
        .where((eb) => eb.or([eb('action', 'like', 'account.%'), eb('action', 'like', 'token.%')]))
        .orderBy('id')
        .execute();
      return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail ?? '{}') as Record<string, unknown> }));
    }
    async function lastId(): Promise<number> {
      const r = await h.deps.db.selectFrom('audit_log').select((eb) => eb.fn.max('id').as('m')).executeTakeFirst();
      return Number(r?.m ?? 0);
    }

    it('records creating, re-enrolling and disabling accounts with the administrator who did it', async () => {
      const admin = await signInAs(h, 'admin');
      const since = await lastId();
      const added = await postForm(h, '/staff/users', { _csrf: admin.csrf, email: 'rima@example.org', role: 'handler' }, admin.cookie);
      expect(added.statusCode).toBe(201);
      const rima = await h.deps.db.selectFrom('users').select('id').where('email', '=', 'rima@example.org').executeTakeFirstOrThrow();
      expect((await postForm(h, `/staff/users/${rima.id}/link`, { _csrf: admin.csrf }, admin.cookie)).statusCode).toBe(201);
      const target = await signInAs(h, 'handler');
      const beforeDisable = await lastId();
      expect((await postForm(h, `/staff/users/${target.userId}/disable`, { _csrf: admin.csrf, confirm: 'yes' }, admin.cookie)).statusCode).toBe(303);

      const all = await entries(since);
      const byAdmin = all.filter((e) => e.actor_id === admin.userId).map((e) => [e.action, e.detail.user]);
      expect(byAdmin).toEqual([
        ['account.created', rima.id],
        ['account.enrolment_link_issued', rima.id],
        ['account.disabled', target.userId],
      ]);
      expect(all.find((e) => e.action === 'account.created')!.detail.role).toBe('handler');
      const disabled = (await entries(beforeDisable)).find((e) => e.action === 'account.disabled')!;
      expect(disabled).toMatchObject({ actor_kind: 'staff', detail: { from: 'active', sessions: 1, tokens: 0 } });
      // Nothing in the trail is a link, a password or an address.
      const text = JSON.stringify(all);
      expect(text).not.toMatch(/enrol\/|rima@|correct horse/);
    });

    it('records sign-in, failures, sign-out and sign-out everywhere, and who acted', async () => {
      const s = await signInAs(h, 'handler');
      const since = await lastId();
      const page = await h.app.inject({ url: '/staff/sign-in' });
      const wrong = await h.app.inject({
        method: 'POST',
        url: '/staff/sign-in',
        ...form({ _form: hiddenField(page.body, '_form'), email: s.email, password: 'not my password at all' }),
      });
      expect(wrong.statusCode).toBe(401);
      h.clock.advance(30_000);
      const again = await signInWith(h, { email: s.email, password: TEST_PASSWORD, totpSecret: s.totpSecret });
      expect((await postForm(h, '/staff/sign-out', { _csrf: again.csrf }, again.cookie)).statusCode).toBe(303);
      expect((await postForm(h, '/staff/account/sign-out-everywhere', { _csrf: s.csrf }, s.cookie)).statusCode).toBe(303);

      const all = await entries(since);
      expect(all.map((e) => e.action)).toEqual([
        'account.sign_in_failed',
        'account.signed_in',
        'account.signed_out',
        'account.signed_out_everywhere',
      ]);
      expect(all.every((e) => e.actor_kind === 'staff' && e.actor_id === s.userId && e.detail.user === s.userId)).toBe(true);
      expect(all[0]!.detail).toMatchObject({ step: 'password', reason: 'credentials', failures: 1 });
      expect(all[3]!.detail).toMatchObject({ sessions: 1, tokens: 0 });
      expect(JSON.stringify(all)).not.toContain('not my password');
    });

    it('records language changes and API tokens created and revoked, never the token', async () => {
      const s = await signInAs(h, 'handler');
      const since = await lastId();
      expect((await postForm(h, '/staff/account/language', { _csrf: s.csrf, locale: 'es' }, s.cookie)).statusCode).toBe(303);
      const created = await postForm(h, '/staff/account/tokens', { _csrf: s.csrf, label: 'reports' }, s.cookie);
      const token = /<code id="api-token" class="secret">([^<]+)<\/code>/.exec(created.body)![1]!;
      const list = await h.app.inject({ url: '/staff/account/tokens', headers: { cookie: s.cookie } });
      const action = /action="(\/staff\/account\/tokens\/[^/]+\/revoke)"/.exec(list.body)![1]!;
      expect((await postForm(h, action, { _csrf: s.csrf }, s.cookie)).statusCode).toBe(303);

      const all = await entries(since);
      expect(all.map((e) => [e.action, e.actor_id])).toEqual([
        ['account.locale_changed', s.userId],
        ['token.created', s.userId],
        ['token.revoked', s.userId],
      ]);
      expect(all[0]!.detail.locale).toBe('es');
      expect(all[1]!.detail.token).toBe(all[2]!.detail.token);
      expect(JSON.stringify(all)).not.toContain(token);
    });

    it('records what the haven command does, as Haven itself, saying so', async () => {
      const since = await lastId();
      const { userId } = await createUserWithEnrollment(h.deps, { email: 'cli.person@example.org', role: 'coordinator' });
      const admin = await signInAs(h, 'admin');
      await createTokenForEmail(h.deps, admin.email, 'cli');
      const all = (await entries(since)).filter((e) => e.actor_kind === 'system' && e.detail.via === 'cli');
      expect(all.map((e) => [e.action, e.actor_id, e.detail.user])).toEqual([
        ['account.created', null, userId],
        ['token.created', null, admin.userId],
      ]);
    });

    it('sign out everywhere can revoke the API tokens too, and says so; unticked, they keep working', async () => {
      const s = await signInAs(h, 'handler');
      const token = await createTokenForEmail(h.deps, s.email, 'laptop');
      const account = await h.app.inject({ url: '/staff/account', headers: { cookie: s.cookie } });
      expect(account.body).toContain('Also revoke my API token (1 live)');
      expect(account.body).toMatch(/name="revoke_tokens" value="yes" checked/);

      // Unticked (a browser sends nothing for it): sessions end, the token still works.
      const kept = await postForm(h, '/staff/account/sign-out-everywhere', { _csrf: s.csrf }, s.cookie);
      expect(kept.headers.location).toBe('/staff/sign-in?done=signed_out_everywhere');
      expect(await principalForToken(h.deps, token)).not.toBeNull();

      h.clock.advance(30_000);
      const again = await signInWith(h, { email: s.email, password: TEST_PASSWORD, totpSecret: s.totpSecret });
      const res = await postForm(h, '/staff/account/sign-out-everywhere', { _csrf: again.csrf, revoke_tokens: 'yes' }, again.cookie);
      expect(res.headers.location).toBe('/staff/sign-in?done=signed_out_everywhere_tokens');
      expect(await principalForToken(h.deps, token)).toBeNull();
      const api = await h.app.inject({ url: '/api/v1/cases', headers: { authorization: `Bearer ${token}` } });
      expect(api.statusCode).toBe(401);
      const signInPage = await h.app.inject({ url: '/staff/sign-in?done=signed_out_everywhere_tokens' });
      expect(signInPage.body).toContain('your API tokens have been revoked');
    });
  });
}
