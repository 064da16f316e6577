import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { postForm, signInAs, type StaffSignIn } from '../../../test/staff-session.js';
import { createTokenForEmail } from './index.js';
import { principalForToken } from '../../platform/auth/api-token.js';
import { newRequest } from '../cases/case.fixtures.js';

// The people page's actions beyond adding: enabling a disabled account, a new enrolment link
// for an active person, disabling after a confirmation that counts their open cases, and
// giving all those cases to someone else. Administrators only; each one transaction, audited.

for (const engine of engines) {
  describe.skipIf(!engine.available)(`people page actions (${engine.name})`, () => {
    let h: Harness;
    let admin: StaffSignIn;
    beforeAll(async () => {
      h = await createHarness(engine);
      admin = await signInAs(h, 'admin');
    });
    afterAll(async () => {
      await h?.close();
    });

    const get = (url: string, cookie = admin.cookie) => h.app.inject({ method: 'GET', url, headers: { cookie } });
    const post = (url: string, fields: Record<string, string> = {}, who = admin) =>
      postForm(h, url, { _csrf: who.csrf, ...fields }, who.cookie);
    const user = (id: string) => h.deps.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const audits = async (action: string, userId: string) =>
      (await h.deps.db.selectFrom('audit_log').select(['actor_id', 'detail']).where('action', '=', action).execute()).filter(
        (a) => (JSON.parse(a.detail ?? '{}') as { user?: string }).user === userId,
      );
    /** `n` new cases held by `holderId`. */
    async function casesHeldBy(holderId: string, n: number): Promise<number[]> {
      const ids: number[] = [];
      for (let i = 0; i < n; i++) {
        const { caseId } = await newRequest(h.deps);
        await h.deps.db.updateTable('cases').set({ assignee_id: holderId }).where('id', '=', caseId).execute();
        ids.push(caseId);
      }
      return ids;
    }
    const assignees = async (ids: number[]) =>
      (await h.deps.db.selectFrom('cases').select(['id', 'assignee_id']).where('id', 'in', ids).orderBy('id').execute()).map((r) => r.assignee_id);

    it('disables only after the confirmation, which counts the open cases and offers to reassign them', async () => {
      const target = await signInAs(h, 'handler', { displayName: 'Tomás Holder' });
      await casesHeldBy(target.userId, 2);

      const list = await get('/staff/users');
      expect(list.body).toContain(`href="/staff/users/${target.userId}/disable"`);
      const unconfirmed = await post(`/staff/users/${target.userId}/disable`);
      expect(unconfirmed.statusCode).toBe(303);
      expect(unconfirmed.headers.location).toBe(`/staff/users/${target.userId}/disable`);
      expect((await user(target.userId)).status).toBe('active');

      const page = await get(`/staff/users/${target.userId}/disable`);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('holds 2 open cases');
      expect(page.body).toContain(`action="/staff/users/${target.userId}/reassign"`);
      expect(page.body).toContain('name="confirm" value="yes"');
      // The person themselves is not offered as the one who takes the cases.
      expect(page.body).not.toContain(`<option value="${target.userId}"`);

      const done = await post(`/staff/users/${target.userId}/disable`, { confirm: 'yes' });
      expect(done.statusCode).toBe(303);
      expect((await user(target.userId)).status).toBe('disabled');

      // Disabled, they stay findable in the queue's assignee filter, labelled so.
      const queue = await get('/staff');
      expect(queue.body).toMatch(new RegExp(`<option value="${target.userId}"[^>]*>[^<]*Tomás Holder[^<]*\\(disabled\\)`));
      const theirs = await get(`/staff?assignee=${target.userId}&status=new`);
      expect(theirs.statusCode).toBe(200);
      expect(theirs.body.match(/href="\/staff\/cases\/\d+"/g)).toHaveLength(2);

      // Their page now offers only the reassignment.
      const after = await get(`/staff/users/${target.userId}/disable`);
      expect(after.body).not.toContain('name="confirm"');
      expect(after.body).toContain(`action="/staff/users/${target.userId}/reassign"`);
    });

    it('reassigns all open cases to another active case holder, each audited, and refuses bad choices', async () => {
      const from = await signInAs(h, 'handler');
      const to = await signInAs(h, 'handler');
      const ids = await casesHeldBy(from.userId, 3);
      const reassign = (fields: Record<string, string>, who = admin, id = from.userId) => post(`/staff/users/${id}/reassign`, fields, who);

      const empty = await reassign({ to: '' });
      expect(empty.statusCode).toBe(422);
      expect(empty.body).toContain('Choose who takes the cases.');
      const same = await reassign({ to: from.userId });
      expect(same.statusCode).toBe(422);
      expect(same.body).toContain('Choose someone other than the person who holds the cases.');
      const gone = await signInAs(h, 'handler');
      expect((await post(`/staff/users/${gone.userId}/disable`, { confirm: 'yes' })).statusCode).toBe(303);
      const disabled = await reassign({ to: gone.userId });
      expect(disabled.statusCode).toBe(422);
      expect(disabled.body).toContain('Choose an active person who can hold cases.');
      const auditor = await signInAs(h, 'auditor');
      expect((await reassign({ to: auditor.userId })).statusCode).toBe(422);
      expect((await reassign({ to: 'nobody-at-all' })).statusCode).toBe(422);
      expect((await reassign({ to: to.userId }, admin, 'nobody-at-all')).statusCode).toBe(404);
      for (const role of ['coordinator', 'handler'] as const) {
        const other = await signInAs(h, role);
        expect((await reassign({ to: to.userId }, other)).statusCode).toBe(403);
        expect((await get(`/staff/users/${from.userId}/disable`, other.cookie)).statusCode).toBe(403);
      }
      expect(await assignees(ids)).toEqual([from.userId, from.userId, from.userId]);

      // In Spanish, the staff language with a catalogue of its own.
      await h.deps.db.updateTable('users').set({ locale: 'es' }).where('id', '=', admin.userId).execute();
      const es = await reassign({ to: from.userId });
      await h.deps.db.updateTable('users').set({ locale: 'en' }).where('id', '=', admin.userId).execute();
      expect(es.statusCode).toBe(422);
      expect(es.body).toContain('Elige a alguien distinto de la persona que tiene los casos.');

      const res = await reassign({ to: to.userId });
      expect(res.statusCode, res.body).toBe(303);
      expect(res.headers.location).toBe(`/staff/users/${from.userId}/disable?done=cases_reassigned&count=3`);
      expect((await get(res.headers.location as string)).body).toContain('3 open cases were reassigned.');
      expect(await assignees(ids)).toEqual([to.userId, to.userId, to.userId]);
      const rows = await h.deps.db.selectFrom('audit_log').select(['case_id', 'actor_id', 'detail']).where('action', '=', 'case.assigned').where('case_id', 'in', ids).execute();
      expect(rows.map((r) => [r.actor_id, JSON.parse(r.detail!)])).toEqual(ids.map(() => [admin.userId, { from: from.userId, to: to.userId }]));
    });

    it('reassigns once when the same form is sent twice at the same time', async () => {
      const from = await signInAs(h, 'handler');
      const to = await signInAs(h, 'coordinator');
      const ids = await casesHeldBy(from.userId, 3);
      const both = await Promise.all([0, 1].map(() => post(`/staff/users/${from.userId}/reassign`, { to: to.userId })));
      for (const r of both) expect([303, 409]).toContain(r.statusCode);
      const rows = await h.deps.db.selectFrom('audit_log').select('case_id').where('action', '=', 'case.assigned').where('case_id', 'in', ids).execute();
      expect(rows).toHaveLength(3);
      expect(await assignees(ids)).toEqual([to.userId, to.userId, to.userId]);
    });

    it('enables a disabled account again, audited, and refuses the rest', async () => {
      const target = await signInAs(h, 'handler');
      expect((await post(`/staff/users/${target.userId}/disable`, { confirm: 'yes' })).statusCode).toBe(303);
      const list = await get('/staff/users');
      expect(list.body).toContain(`action="/staff/users/${target.userId}/enable"`);

      const coordinator = await signInAs(h, 'coordinator');
      expect((await post(`/staff/users/${target.userId}/enable`, {}, coordinator)).statusCode).toBe(403);
      expect((await post(`/staff/users/${target.userId}/enable`, { _csrf: 'wrong' })).statusCode).toBe(403);
      expect((await user(target.userId)).status).toBe('disabled');

      const res = await post(`/staff/users/${target.userId}/enable`);
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/staff/users?done=user_enabled');
      expect((await user(target.userId)).status).toBe('active');
      const audit = await audits('account.enabled', target.userId);
      expect(audit).toHaveLength(1);
      expect(audit[0]!.actor_id).toBe(admin.userId);
      expect(JSON.parse(audit[0]!.detail!)).toMatchObject({ to: 'active' });

      // Once is enough: a second copy changes and audits nothing.
      expect((await post(`/staff/users/${target.userId}/enable`)).statusCode).toBe(409);
      expect(await audits('account.enabled', target.userId)).toHaveLength(1);
      expect((await post('/staff/users/00000000-0000-0000-0000-000000000000/enable')).statusCode).toBe(404);
      expect((await post(`/staff/users/${admin.userId}/enable`)).statusCode).toBe(409);

      // Someone disabled before finishing set-up comes back waiting for it.
      const added = await post('/staff/users', { email: 'pending.person@example.org', role: 'handler' });
      expect(added.statusCode).toBe(201);
      const pending = await h.deps.db.selectFrom('users').select('id').where('email', '=', 'pending.person@example.org').executeTakeFirstOrThrow();
      expect((await post(`/staff/users/${pending.id}/disable`, { confirm: 'yes' })).statusCode).toBe(303);
      const back = await post(`/staff/users/${pending.id}/enable`);
      expect(back.headers.location).toBe('/staff/users?done=user_enabled_pending');
      expect((await user(pending.id)).status).toBe('pending');
    });

    it('issues a new enrolment link to an active person: credentials cleared, sessions and tokens ended, shown once', async () => {
      const target = await signInAs(h, 'handler');
      const token = await createTokenForEmail(h.deps, target.email);
      expect(await principalForToken(h.deps, token)).not.toBeNull();

      const res = await post(`/staff/users/${target.userId}/reset`);
      expect(res.statusCode, res.body).toBe(201);
      const link = /<code id="enrol-link" class="secret">([^<]+)<\/code>/.exec(res.body)![1]!;
      expect(res.body).toContain('were reset');
      expect((await get('/staff/account', target.cookie)).statusCode).toBe(303);
      expect(await principalForToken(h.deps, token)).toBeNull();
      const row = await user(target.userId);
      expect([row.status, row.password_hash, row.totp_secret_enc]).toEqual(['pending', null, null]);
      expect((await h.app.inject({ method: 'GET', url: new URL(link).pathname })).statusCode).toBe(200);
      const reset = await audits('account.credentials_reset', target.userId);
      expect(reset).toHaveLength(1);
      expect(JSON.parse(reset[0]!.detail!)).toMatchObject({ sessions: 1, tokens: 1 });
      expect(await audits('account.enrolment_link_issued', target.userId)).toHaveLength(1);
      expect(res.body).not.toContain(token);

      // The same form again finds the account reset: no second link.
      expect((await post(`/staff/users/${target.userId}/reset`)).statusCode).toBe(409);
      expect(await audits('account.enrolment_link_issued', target.userId)).toHaveLength(1);
    });

    it('issues one link when the reset is sent twice at the same time, and refuses oneself, strangers and other roles', async () => {
      const target = await signInAs(h, 'handler');
      const both = await Promise.all([0, 1].map(() => post(`/staff/users/${target.userId}/reset`)));
      expect(both.map((r) => r.statusCode).sort()).toEqual([201, 409]);
      const open = await h.deps.db.selectFrom('enrollments').select('user_id').where('user_id', '=', target.userId).where('used_at', 'is', null).execute();
      expect(open).toHaveLength(1);
      expect(await audits('account.enrolment_link_issued', target.userId)).toHaveLength(1);

      expect((await post(`/staff/users/${admin.userId}/reset`)).statusCode).toBe(403);
      expect((await user(admin.userId)).status).toBe('active');
      expect((await post('/staff/users/00000000-0000-0000-0000-000000000000/reset')).statusCode).toBe(404);
      const other = await signInAs(h, 'handler');
      for (const role of ['coordinator', 'handler', 'auditor'] as const) {
        const s = await signInAs(h, role);
        expect((await post(`/staff/users/${other.userId}/reset`, {}, s)).statusCode).toBe(403);
      }
      expect((await user(other.userId)).status).toBe('active');
    });

    it('disables once when the confirmation is sent twice at the same time', async () => {
      const target = await signInAs(h, 'handler');
      const both = await Promise.all([0, 1].map(() => post(`/staff/users/${target.userId}/disable`, { confirm: 'yes' })));
      expect(both.map((r) => r.statusCode)).toEqual([303, 303]);
      expect((await user(target.userId)).status).toBe('disabled');
      expect(await audits('account.disabled', target.userId)).toHaveLength(1);
    });

    it('refuses disabling oneself and an unknown person, and other roles', async () => {
      expect((await post(`/staff/users/${admin.userId}/disable`, { confirm: 'yes' })).statusCode).toBe(403);
      expect((await get(`/staff/users/${admin.userId}/disable`)).body).not.toContain('name="confirm"');
      expect((await get('/staff/users/00000000-0000-0000-0000-000000000000/disable')).statusCode).toBe(404);
      const s = await signInAs(h, 'coordinator');
      const target = await signInAs(h, 'handler');
      expect((await post(`/staff/users/${target.userId}/disable`, { confirm: 'yes' }, s)).statusCode).toBe(403);
      expect((await user(target.userId)).status).toBe('active');
    });
  });
}
