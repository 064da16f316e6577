import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { postForm } from '../../../test/staff-session.js';
import { newRequest, staffMember, type StaffFixture } from '../cases/case.fixtures.js';
import { notify } from './notification.service.js';
import { smtpEnv } from './notification.test-helpers.js';

// The notifications page and its forms through the app, on both engines: a person sees only
// their own, newest first, in pages, with the count in the bar; marks one or all read with the
// session's token; someone else's, an unknown or a malformed id is the same 404; a role
// without notifications is refused; the settings form saves valid choices (audited) and
// refuses anything else with a 422 and nothing saved.

let marks = 0;

for (const engine of engines) {
  describe.skipIf(!engine.available)(`/staff/notifications on ${engine.name}`, () => {
    let h: Harness;
    let handler: StaffFixture;
    let other: StaffFixture;
    let auditor: StaffFixture;
    let caseId: number;

    /** Tells `who` about the case `n` times, one second apart; returns their ids, newest first. */
    async function tell(who: StaffFixture, n: number, kind: 'case_assigned' | 'requester_wrote' = 'case_assigned'): Promise<string[]> {
      for (let i = 0; i < n; i++) {
        h.clock.advance(1000);
        await notify(h.deps, { mark: `test:${++marks}`, caseId, kind, recipients: async () => [who.id] });
      }
      const rows = await h.deps.db.selectFrom('notifications').select('id').where('user_id', '=', who.id).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
      return rows.map((r) => r.id);
    }

    const page = (who: StaffFixture, url = '/staff/notifications') => h.app.inject({ method: 'GET', url, headers: { cookie: who.cookie } });
    const unread = async (who: StaffFixture) =>
      (await h.deps.db.selectFrom('notifications').select('id').where('user_id', '=', who.id).where('read_at', 'is', null).execute()).length;

    beforeAll(async () => {
      h = await createHarness(engine);
      handler = await staffMember(h.deps, 'handler');
      other = await staffMember(h.deps, 'handler');
      auditor = await staffMember(h.deps, 'auditor');
      caseId = (await newRequest(h.deps)).caseId;
    });
    afterAll(async () => h?.close());

    it("lists a person's own notifications, newest first, each linking to its case, with the count in the bar", async () => {
      await h.deps.db.deleteFrom('notifications').execute();
      await tell(handler, 1, 'requester_wrote');
      await tell(handler, 1, 'case_assigned');
      await tell(other, 1);
      const res = await page(handler);
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('Notifications (2 unread)');
      const assigned = res.body.indexOf(`Case ${caseId} was assigned to you`);
      const wrote = res.body.indexOf(`The requester wrote on case ${caseId}`);
      expect(assigned).toBeGreaterThan(0);
      expect(wrote).toBeGreaterThan(assigned);
      expect(res.body).toContain(`href="/staff/cases/${caseId}"`);
      expect(res.body.match(/action="\/staff\/notifications\/[0-9a-f-]+\/read"/g)).toHaveLength(2);
      // The other person's is not there.
      const theirs = (await h.deps.db.selectFrom('notifications').select('id').where('user_id', '=', other.id).executeTakeFirstOrThrow()).id;
      expect(res.body).not.toContain(theirs);
    });

    it('pages through many, 25 at a time, and refuses a cursor it did not write', async () => {
      await h.deps.db.deleteFrom('notifications').execute();
      const ids = await tell(handler, 27);
      const first = await page(handler);
      for (const id of ids.slice(0, 25)) expect(first.body).toContain(id);
      expect(first.body).not.toContain(ids[25]!);
      const older = /href="(\/staff\/notifications\?before=[^"]+)"/.exec(first.body)![1]!.replace(/&amp;/g, '&');
      const second = await page(handler, older);
      expect(second.statusCode).toBe(200);
      expect(second.body).toContain(ids[25]!);
      expect(second.body).toContain(ids[26]!);
      expect(second.body).not.toContain(ids[0]!);
      expect(second.body).not.toContain('?before=');
      for (const bad of ['x', '1.2', `99999999999999999.${ids[0]}`, `1.${ids[0]}'--`]) {
        expect((await page(handler, `/staff/notifications?before=${encodeURIComponent(bad)}`)).statusCode, bad).toBe(404);
      }
    });

    it('marks one read with the session token and lowers the count; the form needs the token', async () => {
      await h.deps.db.deleteFrom('notifications').execute();
      const [id] = await tell(handler, 2);
      const forged = await postForm(h, `/staff/notifications/${id}/read`, { _csrf: 'forged' }, handler.cookie);
      expect(forged.statusCode).toBe(403);
      expect(await unread(handler)).toBe(2);
      const res = await postForm(h, `/staff/notifications/${id}/read`, { _csrf: handler.csrf }, handler.cookie);
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/staff/notifications?done=read');
      expect(await unread(handler)).toBe(1);
      const after = await page(handler, res.headers.location);
      expect(after.body).toContain('Marked as read.');
      expect(after.body).toContain('Notifications (1 unread)');
      // Again: already read, still answered as done.
      expect((await postForm(h, `/staff/notifications/${id}/read`, { _csrf: handler.csrf }, handler.cookie)).statusCode).toBe(303);
    });

    it("answers 404 for someone else's notification, an unknown one and a malformed id, and marks nothing", async () => {
      await h.deps.db.deleteFrom('notifications').execute();
      const [theirs] = await tell(other, 1);
      for (const id of [theirs!, '00000000-0000-4000-8000-000000000000', 'nope', `${theirs}x`]) {
        const res = await postForm(h, `/staff/notifications/${id}/read`, { _csrf: handler.csrf }, handler.cookie);
        expect(res.statusCode, id).toBe(404);
      }
      expect(await unread(other)).toBe(1);
    });

    it('marks all read at once; two at once count each notification once', async () => {
      await h.deps.db.deleteFrom('notifications').execute();
      await tell(handler, 3);
      await tell(other, 1);
      const [a, b] = await Promise.all([
        postForm(h, '/staff/notifications/read-all', { _csrf: handler.csrf }, handler.cookie),
        postForm(h, '/staff/notifications/read-all', { _csrf: handler.csrf }, handler.cookie),
      ]);
      const counts = [a, b].map((r) => Number(new URL(r.headers.location as string, 'http://x').searchParams.get('count')));
      expect(counts.reduce((x, y) => x + y)).toBe(3);
      expect(await unread(handler)).toBe(0);
      expect(await unread(other)).toBe(1);
      const res = await page(handler, '/staff/notifications?done=all_read&count=3');
      expect(res.body).toContain('3 notifications marked as read.');
      expect(res.body).toContain('>Notifications<');
    });

    it('refuses a role that has no notifications', async () => {
      expect((await page(auditor)).statusCode).toBe(403);
      expect((await page(auditor, '/staff/notifications/settings')).statusCode).toBe(403);
      expect((await postForm(h, '/staff/notifications/read-all', { _csrf: auditor.csrf }, auditor.cookie)).statusCode).toBe(403);
      expect((await postForm(h, '/staff/notifications/settings', { _csrf: auditor.csrf, on: 'deadline:in_app' }, auditor.cookie)).statusCode).toBe(403);
      // Nobody signed in: the sign-in page.
      const anon = await h.app.inject({ method: 'GET', url: '/staff/notifications' });
      expect(anon.statusCode).toBe(303);
    });

    it('saves choices (audited), keeps email choices while no mail server is set, and says email is unavailable', async () => {
      const form = await page(handler, '/staff/notifications/settings');
      expect(form.statusCode).toBe(200);
      expect(form.body).toContain('Email is not available');
      expect(form.body).toMatch(/value="case_assigned:email"[^>]*disabled/);
      const body = new URLSearchParams([['_csrf', handler.csrf], ['on', 'case_assigned:in_app'], ['on', 'deadline:in_app'], ['on', 'new_request:email']]);
      const res = await h.app.inject({
        method: 'POST',
        url: '/staff/notifications/settings',
        payload: body.toString(),
        headers: { cookie: handler.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(res.statusCode).toBe(303);
      const rows = await h.deps.db.selectFrom('notification_preferences').select(['kind', 'channel', 'enabled']).where('user_id', '=', handler.id).where('enabled', '=', 1).orderBy('kind').orderBy('channel').execute();
      // The email boxes were disabled: their defaults stay (assigned, deadline, escalation, referral follow-up, requester wrote), not the forged one.
      expect(rows.map((r) => `${r.kind}:${r.channel}`)).toEqual([
        'case_assigned:email',
        'case_assigned:in_app',
        'deadline:email',
        'deadline:in_app',
        'escalation:email',
        'referral_follow_up:email',
        'requester_wrote:email',
      ]);
      const audit = await h.deps.db.selectFrom('audit_log').select(['action', 'actor_id']).where('action', '=', 'notification.preferences_changed').execute();
      expect(audit).toEqual([{ action: 'notification.preferences_changed', actor_id: handler.id }]);
      const again = await page(handler, '/staff/notifications/settings?done=saved');
      expect(again.body).toContain('Your choices are saved.');
      expect(again.body).toMatch(/value="deadline:in_app"[^>]*checked/);
      expect(again.body).not.toMatch(/value="new_request:in_app"[^>]*checked/);
    });

    it('refuses an unknown choice, a box twice or too many, with a 422 and nothing saved', async () => {
      const before = await h.deps.db.selectFrom('notification_preferences').selectAll().where('user_id', '=', other.id).execute();
      const cases: [string, string][][] = [
        [['on', 'everything:in_app']],
        [['on', 'deadline:in_app'], ['on', 'deadline:in_app']],
        Array.from({ length: 11 }, (_, i) => ['on', `deadline:in_app${i}`] as [string, string]),
        [['on', 'x'.repeat(5000)]],
      ];
      for (const fields of cases) {
        const res = await h.app.inject({
          method: 'POST',
          url: '/staff/notifications/settings',
          payload: new URLSearchParams([['_csrf', other.csrf], ...fields]).toString(),
          headers: { cookie: other.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        });
        expect(res.statusCode).toBe(422);
        expect(res.body).toContain('Choose among the boxes shown, each at most once.');
      }
      expect(await h.deps.db.selectFrom('notification_preferences').selectAll().where('user_id', '=', other.id).execute()).toEqual(before);
    });
  });
}

for (const engine of engines) {
  describe.skipIf(!engine.available)(`/staff/notifications/settings with a mail server, on ${engine.name}`, () => {
    let h: Harness;
    let handler: StaffFixture;

    beforeAll(async () => {
      h = await createHarness(engine, smtpEnv(2525));
      handler = await staffMember(h.deps, 'handler');
    });
    afterAll(async () => h?.close());

    it('offers the email boxes, checked by default except new requests, and saves exactly what was chosen', async () => {
      const form = await h.app.inject({ method: 'GET', url: '/staff/notifications/settings', headers: { cookie: handler.cookie } });
      expect(form.body).not.toContain('Email is not available');
      expect(form.body).not.toMatch(/value="[a-z_]+:email"[^>]*disabled/);
      expect(form.body).toMatch(/value="case_assigned:email"[^>]*checked/);
      expect(form.body).not.toMatch(/value="new_request:email"[^>]*checked/);
      const res = await h.app.inject({
        method: 'POST',
        url: '/staff/notifications/settings',
        payload: new URLSearchParams([['_csrf', handler.csrf], ['on', 'new_request:email'], ['on', 'escalation:in_app']]).toString(),
        headers: { cookie: handler.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(res.statusCode).toBe(303);
      const on = await h.deps.db.selectFrom('notification_preferences').select(['kind', 'channel']).where('user_id', '=', handler.id).where('enabled', '=', 1).orderBy('kind').execute();
      expect(on.map((r) => `${r.kind}:${r.channel}`)).toEqual(['escalation:in_app', 'new_request:email']);
    });
  });
}
