import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { postForm, signInAs, type StaffSignIn } from '../../../test/staff-session.js';
import { insertStaffRow } from '../../../test/staff-row.js';
import { principalForToken } from '../../platform/auth/api-token.js';
import { createTokenForEmail, listAssignableStaff } from './index.js';

// Several roles per person (ADR 20): an administrator gives them on the people page, each
// change audited in the same transaction; sessions and tokens carry every role, and the
// policy engine lets a person do what any of their roles may.

for (const engine of engines) {
  describe.skipIf(!engine.available)(`several roles per person (${engine.name})`, () => {
    let h: Harness;
    let admin: StaffSignIn;
    beforeAll(async () => {
      h = await createHarness(engine);
      admin = await signInAs(h, 'admin');
    });
    afterAll(async () => {
      await h?.close();
    });

    /** The form body with several `roles` values, as checkboxes send it. */
    const setRoles = (userId: string, roles: string[], who = admin) =>
      h.app.inject({
        method: 'POST',
        url: `/staff/users/${userId}/roles`,
        payload: [`_csrf=${encodeURIComponent(who.csrf)}`, ...roles.map((r) => `roles=${r}`)].join('&'),
        headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      });

    const audits = async (userId: string) =>
      (await h.deps.db.selectFrom('audit_log').select(['action', 'actor_id', 'detail']).where('action', '=', 'account.roles_changed').execute()).filter(
        (a) => (JSON.parse(a.detail ?? '{}') as { user?: string }).user === userId,
      );

    it('gives a handler a second role: both count, the primary stays, the change is audited', async () => {
      const handler = await signInAs(h, 'handler');
      const token = await createTokenForEmail(h.deps, handler.email);
      expect((await h.app.inject({ method: 'GET', url: '/staff/users', headers: { cookie: handler.cookie } })).statusCode).toBe(403);

      const page = await h.app.inject({ method: 'GET', url: '/staff/users', headers: { cookie: admin.cookie } });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain(`action="/staff/users/${handler.userId}/roles"`);

      const res = await setRoles(handler.userId, ['handler', 'coordinator']);
      expect(res.statusCode, res.body).toBe(303);
      expect(res.headers.location).toBe('/staff/users?done=roles_changed');

      // The same session now has both roles: marking spam is for coordinators.
      const spam = await postForm(h, '/staff/cases/mark-spam', { _csrf: handler.csrf }, handler.cookie);
      expect(spam.statusCode).not.toBe(403);
      const principal = await principalForToken(h.deps, token);
      expect(principal?.role).toBe('handler');
      expect(principal?.roles).toEqual(['coordinator', 'handler']);

      const rows = await h.deps.db.selectFrom('user_roles').select('role').where('user_id', '=', handler.userId).orderBy('role').execute();
      expect(rows.map((r) => r.role)).toEqual(['coordinator', 'handler']);
      const audit = await audits(handler.userId);
      expect(audit).toHaveLength(1);
      expect(audit[0]!.actor_id).toBe(admin.userId);
      expect(JSON.parse(audit[0]!.detail!)).toMatchObject({ from: 'handler', to: 'coordinator,handler', primary: 'handler' });

      // Taking the primary role away makes the first remaining one primary.
      expect((await setRoles(handler.userId, ['coordinator'])).statusCode).toBe(303);
      const user = await h.deps.db.selectFrom('users').select('role').where('id', '=', handler.userId).executeTakeFirstOrThrow();
      expect(user.role).toBe('coordinator');
      const still = await postForm(h, '/staff/cases/mark-spam', { _csrf: handler.csrf }, handler.cookie);
      expect(still.statusCode).not.toBe(403);
      expect(await audits(handler.userId)).toHaveLength(2);

      // The same roles again change and audit nothing.
      expect((await setRoles(handler.userId, ['coordinator'])).statusCode).toBe(303);
      expect(await audits(handler.userId)).toHaveLength(2);
    });

    it('refuses no role at all, an administrator dropping their own, and anyone but administrators', async () => {
      const handler = await signInAs(h, 'handler');
      expect((await setRoles(handler.userId, [])).statusCode).toBe(422);
      expect((await setRoles(handler.userId, ['nobody'])).statusCode).toBe(422);
      expect((await setRoles(admin.userId, ['handler'])).statusCode).toBe(403);
      expect((await setRoles(admin.userId, ['admin', 'handler'])).statusCode).toBe(303);
      const coordinator = await signInAs(h, 'coordinator');
      expect((await setRoles(handler.userId, ['admin'], coordinator)).statusCode).toBe(403);
      expect((await setRoles('no-such-person', ['handler'])).statusCode).toBe(404);
      const rows = await h.deps.db.selectFrom('user_roles').select('role').where('user_id', '=', handler.userId).execute();
      expect(rows.map((r) => r.role)).toEqual(['handler']);
    });

    it('lists a role Haven does not know as unknown, and never offers that person as a case holder', async () => {
      // A row written by a newer release or edited by hand: the primary role is no role here.
      const id = crypto.randomUUID();
      await insertStaffRow(h.deps.db, { id, email: 'una@example.org', displayName: 'Una Known', role: 'superuser', at: h.clock.now() });
      await h.deps.db.insertInto('user_roles').values([{ user_id: id, role: 'superuser' }, { user_id: id, role: 'handler' }]).execute();

      const page = await h.app.inject({ method: 'GET', url: '/staff/users', headers: { cookie: admin.cookie } });
      expect(page.statusCode).toBe(200);
      const row = page.body.split('<tr>').find((r) => r.includes('Una Known'));
      expect(row).toBeDefined();
      const shown = row!.slice(row!.indexOf('una@example.org'), row!.indexOf('<details>'));
      expect(shown).toContain('Unknown role');
      expect(shown).not.toMatch(/Handler|Administrator|Coordinator/);
      expect(row).not.toMatch(/<input[^>]*checked/);

      expect((await listAssignableStaff(h.deps)).some((u) => u.id === id)).toBe(false);
    });

    it('lets administrators list and add teams, audited, refusing a bad time zone, region or a taken name', async () => {
      const add = (fields: Record<string, string>) => postForm(h, '/staff/teams', { _csrf: admin.csrf, ...fields }, admin.cookie);
      const empty = await h.app.inject({ method: 'GET', url: '/staff/teams', headers: { cookie: admin.cookie } });
      expect(empty.statusCode).toBe(200);
      expect(empty.body).toContain('No teams yet.');

      const res = await add({ name: 'Nairobi nights', time_zone: 'Africa/Nairobi', region: 'africa' });
      expect(res.statusCode, res.body).toBe(303);
      expect(res.headers.location).toBe('/staff/teams?done=team_added');
      const page = await h.app.inject({ method: 'GET', url: '/staff/teams?done=team_added', headers: { cookie: admin.cookie } });
      expect(page.body).toContain('Team added.');
      expect(page.body).toContain('Nairobi nights');
      expect(page.body).toContain('Africa/Nairobi');
      const audit = await h.deps.db.selectFrom('audit_log').select(['actor_id', 'detail']).where('action', '=', 'team.created').execute();
      expect(audit).toHaveLength(1);
      expect(audit[0]!.actor_id).toBe(admin.userId);

      expect((await add({ name: 'Nairobi nights', time_zone: 'UTC', region: '' })).statusCode).toBe(422);
      const badZone = await add({ name: 'Elsewhere', time_zone: 'Mars/Olympus', region: '' });
      expect(badZone.statusCode).toBe(422);
      expect(badZone.body).toContain('Enter a time zone such as Africa/Nairobi.');
      expect((await add({ name: 'Elsewhere', time_zone: 'UTC', region: 'atlantis' })).statusCode).toBe(422);
      expect(await h.deps.db.selectFrom('teams').select('id').execute()).toHaveLength(1);

      const coordinator = await signInAs(h, 'coordinator');
      // Coordinators read the teams (ADR 20, addendum) but add none.
      expect((await h.app.inject({ method: 'GET', url: '/staff/teams', headers: { cookie: coordinator.cookie } })).statusCode).toBe(200);
      expect((await postForm(h, '/staff/teams', { _csrf: coordinator.csrf, name: 'Theirs', time_zone: 'UTC', region: '' }, coordinator.cookie)).statusCode).toBe(403);
      expect(await h.deps.db.selectFrom('teams').select('id').execute()).toHaveLength(1);
    });
  });
}
