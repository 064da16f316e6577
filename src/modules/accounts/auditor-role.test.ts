import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { signInAs, signInWith, TEST_PASSWORD, type StaffSignIn } from '../../../test/staff-session.js';
import { createActiveUser } from './index.js';

// An administrator gives someone the auditor role with the people page's checkboxes. The
// auditor then reads the audit log and no case: once signed in they land on the log, and the
// queue and case pages refuse them.

for (const engine of engines) {
  describe.skipIf(!engine.available)(`the auditor role (${engine.name})`, () => {
    let h: Harness;
    let admin: StaffSignIn;

    beforeAll(async () => {
      h = await createHarness(engine);
      admin = await signInAs(h, 'admin');
    });
    afterAll(async () => h?.close());

    it('is given on the people page, and the auditor lands on the audit log and reads no case', async () => {
      const email = `becomes.auditor.${engine.name}@example.org`;
      const { userId, totpSecret } = await createActiveUser(h.deps, { email, role: 'handler', displayName: 'Ana Auditora', password: TEST_PASSWORD });

      const people = await h.app.inject({ url: '/staff/users', headers: { cookie: admin.cookie } });
      expect(people.body).toContain(`id="roles-${userId}-auditor" name="roles" value="auditor"`);
      expect(people.body).toContain(`<label for="roles-${userId}-auditor">Auditor</label>`);
      const es = await h.app.inject({ url: '/staff/users?lang=es', headers: { cookie: admin.cookie } });
      expect(es.body).toContain(`<label for="roles-${userId}-auditor">Auditoría</label>`);
      // Added directly with that role, too.
      expect(people.body).toContain('<option value="auditor">Auditor</option>');

      const res = await h.app.inject({
        method: 'POST',
        url: `/staff/users/${userId}/roles`,
        headers: { cookie: admin.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: `_csrf=${encodeURIComponent(admin.csrf)}&roles=auditor`,
      });
      expect(res.statusCode, res.body).toBe(303);
      const row = await h.deps.db.selectFrom('users').select('role').where('id', '=', userId).executeTakeFirstOrThrow();
      expect(row.role).toBe('auditor');
      const roles = await h.deps.db.selectFrom('user_roles').select('role').where('user_id', '=', userId).execute();
      expect(roles.map((r) => r.role)).toEqual(['auditor']);

      const { cookie } = await signInWith(h, { email, password: TEST_PASSWORD, totpSecret });
      const start = await h.app.inject({ url: '/staff/sign-in', headers: { cookie } });
      expect(start.headers.location).toBe('/staff/audit');
      expect((await h.app.inject({ url: '/staff/audit', headers: { cookie } })).statusCode).toBe(200);
      expect((await h.app.inject({ url: '/staff/audit.csv', headers: { cookie } })).statusCode).toBe(200);
      for (const refused of ['/staff', '/staff/cases/1', '/staff/cases/go?number=1', '/staff/users', '/staff/jobs']) {
        expect((await h.app.inject({ url: refused, headers: { cookie } })).statusCode, refused).toBe(403);
      }
    });
  });
}
