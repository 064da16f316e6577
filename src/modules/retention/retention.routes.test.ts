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

    it('adds, changes and deletes a rule for one incident type (303, flash, audited)', async () => {
      const get = (url: string) => h.app.inject({ url, headers: { cookie: admin.cookie } });
      // The incident types come from the taxonomy, labelled in the reader's language.
      const form = await get('/staff/retention');
      expect(form.body).toContain('<option value="harassment">Online harassment</option>');
      expect((await get('/staff/retention?lang=es')).body).toContain('<option value="harassment">Acoso en línea</option>');

      const add = await postForm(
        h,
        '/staff/retention',
        { _csrf: admin.csrf, status: 'closed', incident_type: 'harassment', basis: 'closed_at', days: '14', enabled: 'yes' },
        admin.cookie,
      );
      expect(add.statusCode).toBe(303);
      expect(add.headers.location).toBe('/staff/retention?done=saved');
      const listed = await get('/staff/retention?done=saved');
      expect(listed.body).toContain('Retention rule saved.');
      expect(listed.body).toMatch(/<td>Online harassment<\/td><td>14 days after closure<\/td><td>On<\/td>/);
      expect(listed.body).toContain('href="/staff/retention/delete?status=closed&amp;type=harassment"');
      const rules = await listRules(h.deps);
      expect(rules.filter((r) => r.status === 'closed').map((r) => r.incidentType)).toEqual([null, 'harassment']);

      // The change link fills the form with the type rule.
      const edit = await get('/staff/retention?edit=closed&type=harassment');
      expect(edit.body).toMatch(/name="days"[^>]*value="14"/);
      expect(edit.body).toContain('<option value="harassment" selected>Online harassment</option>');
      await postForm(
        h,
        '/staff/retention',
        { _csrf: admin.csrf, status: 'closed', incident_type: 'harassment', basis: 'closed_at', days: '21' },
        admin.cookie,
      );
      const changed = (await listRules(h.deps)).find((r) => r.status === 'closed' && r.incidentType === 'harassment')!;
      expect([changed.days, changed.enabled]).toEqual([21, false]);
      expect((await get('/staff/retention')).body).toMatch(/<td>Online harassment<\/td><td>21 days after closure<\/td><td>Off: kept<\/td>/);

      // Deleting asks first, saying what then applies.
      const confirm = await get('/staff/retention/delete?status=closed&type=harassment');
      expect(confirm.statusCode).toBe(200);
      expect(confirm.body).toContain('Delete this retention rule?');
      expect(confirm.body).toMatch(/Online harassment cases in the status Closed (follow the general rule|are kept)/);
      const del = await postForm(
        h,
        '/staff/retention/delete',
        { _csrf: admin.csrf, status: 'closed', incident_type: 'harassment' },
        admin.cookie,
      );
      expect(del.statusCode).toBe(303);
      expect(del.headers.location).toBe('/staff/retention?done=deleted');
      expect((await get('/staff/retention?done=deleted')).body).toContain('Retention rule deleted.');
      expect((await listRules(h.deps)).some((r) => r.incidentType === 'harassment')).toBe(false);

      const audit = await h.deps.db
        .selectFrom('audit_log')
        .select(['action', 'actor_id', 'detail'])
        .where('action', 'in', ['retention.rule_saved', 'retention.rule_deleted'])
        .orderBy('id')
        .execute();
      const typed = audit.filter((a) => JSON.parse(a.detail!).incident_type === 'harassment');
      expect(typed.map((a) => [a.action, JSON.parse(a.detail!).previous])).toEqual([
        ['retention.rule_saved', null],
        ['retention.rule_saved', 'closed_at:14:1'],
        ['retention.rule_deleted', 'closed_at:21:0'],
      ]);
      expect(typed.every((a) => a.actor_id === admin.userId)).toBe(true);
    });

    it('refuses handlers and coordinators (403) for type rules and their deletion', async () => {
      await postForm(
        h,
        '/staff/retention',
        { _csrf: admin.csrf, status: 'closed', incident_type: 'doxing', basis: 'closed_at', days: '30', enabled: 'yes' },
        admin.cookie,
      );
      for (const who of [handler, coordinator]) {
        const add = await postForm(
          h,
          '/staff/retention',
          { _csrf: who.csrf, status: 'closed', incident_type: 'ncii', basis: 'closed_at', days: '1', enabled: 'yes' },
          who.cookie,
        );
        expect(add.statusCode).toBe(403);
        const confirm = await h.app.inject({ url: '/staff/retention/delete?status=closed&type=doxing', headers: { cookie: who.cookie } });
        expect(confirm.statusCode).toBe(403);
        const del = await postForm(h, '/staff/retention/delete', { _csrf: who.csrf, status: 'closed', incident_type: 'doxing' }, who.cookie);
        expect(del.statusCode).toBe(403);
      }
      const rules = await listRules(h.deps);
      expect(rules.some((r) => r.incidentType === 'ncii')).toBe(false);
      expect(rules.some((r) => r.incidentType === 'doxing')).toBe(true);
    });

    it('re-renders a type rule with 422 on an unknown type, days out of range or oversized fields, saving nothing', async () => {
      const before = await listRules(h.deps);
      const auditBefore = await h.deps.db.selectFrom('audit_log').select('id').execute();
      const huge = 'x'.repeat(5000);
      for (const [fields, field, message] of [
        [{ status: 'closed', incident_type: 'not_a_type', days: '9' }, 'incident_type', 'Choose an incident type from the list.'],
        [{ status: 'closed', incident_type: 'Harassment', days: '9' }, 'incident_type', 'Choose an incident type from the list.'],
        [{ status: 'closed', incident_type: huge, days: '9' }, 'incident_type', 'Choose an incident type from the list.'],
        [{ status: 'closed', incident_type: `harassment${' '.repeat(80)}x`, days: '9' }, 'incident_type', 'Choose an incident type from the list.'],
        [{ status: huge, incident_type: 'harassment', days: '9' }, 'status', 'Choose a status from the list.'],
        [{ status: 'closed', incident_type: 'harassment', days: '0' }, 'days', 'Write a whole number of days from 1 to 3650.'],
        [{ status: 'closed', incident_type: 'harassment', days: '3651' }, 'days', 'Write a whole number of days from 1 to 3650.'],
        [{ status: 'closed', incident_type: 'harassment', days: '9'.repeat(400) }, 'days', 'Write a whole number of days from 1 to 3650.'],
      ] as const) {
        const res = await postForm(h, '/staff/retention', { _csrf: admin.csrf, basis: 'closed_at', enabled: 'yes', ...fields }, admin.cookie);
        expect(res.statusCode, JSON.stringify(fields).slice(0, 80)).toBe(422);
        expect(res.body).toContain(message);
        expect(res.body).toContain(`href="#f-${field}"`);
        // An oversized value is not echoed back whole.
        expect(res.body).not.toContain('x'.repeat(65));
      }
      expect(await listRules(h.deps)).toEqual(before);
      expect(await h.deps.db.selectFrom('audit_log').select('id').execute()).toHaveLength(auditBefore.length);
    });

    it('answers 404 for deleting an unknown rule or a general rule, and 403 without the session token', async () => {
      for (const fields of <Record<string, string>[]>[
        { status: 'closed', incident_type: 'surveillance' },
        { status: 'nosuch', incident_type: 'doxing' },
        { status: 'closed', incident_type: '' },
        { status: 'closed' },
        { status: 'x'.repeat(5000), incident_type: 'doxing' },
      ]) {
        const res = await postForm(h, '/staff/retention/delete', { _csrf: admin.csrf, ...fields }, admin.cookie);
        expect(res.statusCode, JSON.stringify(fields).slice(0, 80)).toBe(404);
      }
      const page = await h.app.inject({ url: '/staff/retention/delete?status=closed', headers: { cookie: admin.cookie } });
      expect(page.statusCode).toBe(404);
      expect((await listRules(h.deps)).some((r) => r.status === 'closed' && r.incidentType === null)).toBe(true);

      const noToken = await postForm(h, '/staff/retention/delete', { status: 'closed', incident_type: 'doxing' }, admin.cookie);
      expect(noToken.statusCode).toBe(403);
      const noTokenSave = await postForm(
        h,
        '/staff/retention',
        { status: 'closed', incident_type: 'ncii', basis: 'closed_at', days: '1', enabled: 'yes' },
        admin.cookie,
      );
      expect(noTokenSave.statusCode).toBe(403);
      const rules = await listRules(h.deps);
      expect(rules.some((r) => r.incidentType === 'doxing')).toBe(true);
      expect(rules.some((r) => r.incidentType === 'ncii')).toBe(false);
    });

    it('refuses a post without the session token', async () => {
      const res = await postForm(h, '/staff/retention', { status: 'closed', basis: 'closed_at', days: '1' }, admin.cookie);
      expect(res.statusCode).toBe(403);
    });
  });
}
