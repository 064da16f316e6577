import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { postForm, signInAs, type StaffSignIn } from '../../../test/staff-session.js';
import { listRules } from './index.js';

for (const engine of engines) {
  describe.skipIf(!engine.available)(`/staff/retention on ${engine.name}`, () => {
    let h: Harness;
    let admin: StaffSignIn;
    let handler: StaffSignIn;
    let coordinator: StaffSignIn;
    beforeAll(async () => {
      h = await createHarness(engine);
      admin = await signInAs(h, 'admin');
      handler = await signInAs(h, 'handler');
      coordinator = await signInAs(h, 'coordinator');
    });
    afterAll(async () => h?.close());

    it('shows the rules to an administrator, with a link from their account page', async () => {
      const res = await h.app.inject({ url: '/staff/retention', headers: { cookie: admin.cookie } });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('90 days after closure');
      expect(res.body).toContain('180 days after the last activity');
      const account = await h.app.inject({ url: '/staff/account', headers: { cookie: admin.cookie } });
      expect(account.body).toContain('href="/staff/retention"');
    });

    it('refuses handlers and coordinators (403), for reading and for changing', async () => {
      for (const who of [handler, coordinator]) {
        const get = await h.app.inject({ url: '/staff/retention', headers: { cookie: who.cookie } });
        expect(get.statusCode).toBe(403);
        const post = await postForm(
          h,
          '/staff/retention',
          { _csrf: who.csrf, status: 'closed', basis: 'closed_at', days: '1', enabled: 'yes' },
          who.cookie,
        );
        expect(post.statusCode).toBe(403);
      }
      const account = await h.app.inject({ url: '/staff/account', headers: { cookie: handler.cookie } });
      expect(account.body).not.toContain('href="/staff/retention"');
      expect((await listRules(h.deps)).find((r) => r.status === 'closed')!.days).toBe(90);
    });

    it('saves a rule (303 with a flash) and audits the change', async () => {
      const res = await postForm(
        h,
        '/staff/retention',
        { _csrf: admin.csrf, status: 'closed', basis: 'closed_at', days: '30', enabled: 'yes' },
        admin.cookie,
      );
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/staff/retention?done=saved');
      const page = await h.app.inject({ url: res.headers.location as string, headers: { cookie: admin.cookie } });
      expect(page.body).toContain('Retention rule saved.');
      expect(page.body).toContain('30 days after closure');
      const audit = await h.deps.db.selectFrom('audit_log').selectAll().where('action', '=', 'retention.rule_saved').execute();
      expect(audit).toHaveLength(1);
      expect(audit[0]!.actor_id).toBe(admin.userId);
      // Unticked: the rule stays but stops.
      await postForm(h, '/staff/retention', { _csrf: admin.csrf, status: 'closed', basis: 'closed_at', days: '30' }, admin.cookie);
      expect((await listRules(h.deps)).find((r) => r.status === 'closed')!.enabled).toBe(false);
      // The edit link fills the form with the rule.
      const edit = await h.app.inject({ url: '/staff/retention?edit=closed', headers: { cookie: admin.cookie } });
      expect(edit.body).toMatch(/name="days"[^>]*value="30"/);
    });

    it('re-renders with 422 and per-field messages on bad input, changing nothing', async () => {
      const before = await listRules(h.deps);
      for (const [fields, field, message] of [
        [{ status: 'closed', basis: 'closed_at', days: '0' }, 'days', 'Write a whole number of days from 1 to 3650.'],
        [{ status: 'closed', basis: 'closed_at', days: 'ninety' }, 'days', 'Write a whole number of days from 1 to 3650.'],
        [{ status: 'closed', basis: 'closed_at', days: '4000' }, 'days', 'Write a whole number of days from 1 to 3650.'],
        [{ status: 'Closed; drop', basis: 'closed_at', days: '9' }, 'status', 'Choose a status from the list.'],
        [{ status: 'closed', basis: 'created_at', days: '9' }, 'basis', 'Choose what to count from.'],
      ] as const) {
        const res = await postForm(h, '/staff/retention', { _csrf: admin.csrf, ...fields, enabled: 'yes' }, admin.cookie);
        expect(res.statusCode, JSON.stringify(fields)).toBe(422);
        expect(res.body).toContain(message);
        expect(res.body).toContain(`href="#f-${field}"`);
      }
      expect(await listRules(h.deps)).toEqual(before);
    });

    it('runs retention now for an administrator only', async () => {
      const denied = await postForm(h, '/staff/retention/run', { _csrf: handler.csrf }, handler.cookie);
      expect(denied.statusCode).toBe(403);
      const res = await postForm(h, '/staff/retention/run', { _csrf: admin.csrf }, admin.cookie);
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/staff/retention?done=ran');
      const page = await h.app.inject({ url: res.headers.location as string, headers: { cookie: admin.cookie } });
      expect(page.body).toContain('Retention ran');
      expect(page.body).toContain('Last run:');
    });

    it('refuses a post without the session token', async () => {
      const res = await postForm(h, '/staff/retention', { status: 'closed', basis: 'closed_at', days: '1' }, admin.cookie);
      expect(res.statusCode).toBe(403);
    });
  });
}
