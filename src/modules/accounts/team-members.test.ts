import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { postForm, signInAs, type StaffSignIn } from '../../../test/staff-session.js';
import { insertStaffRow } from '../../../test/staff-row.js';

// Who is in which team (ADR 20): administrators put active people in a team and take them
// out on /staff/teams, each change audited in its transaction; the people page shows each
// person's teams.

for (const engine of engines) {
  describe.skipIf(!engine.available)(`team members (${engine.name})`, () => {
    let h: Harness;
    let admin: StaffSignIn;
    beforeAll(async () => {
      h = await createHarness(engine);
      admin = await signInAs(h, 'admin');
    });
    afterAll(async () => {
      await h?.close();
    });

    let n = 0;
    /** A team added through its form; its id. */
    const team = async (name: string) => {
      const res = await postForm(h, '/staff/teams', { _csrf: admin.csrf, name, time_zone: 'UTC', region: '' }, admin.cookie);
      expect(res.statusCode, res.body).toBe(303);
      return (await h.deps.db.selectFrom('teams').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
    };
    /** A person written straight into `users`, active unless `status` says otherwise; their id. */
    const person = async (displayName: string, status: 'active' | 'disabled' | 'pending' = 'active') => {
      const id = crypto.randomUUID();
      n += 1;
      await insertStaffRow(h.deps.db, { id, email: `member.${n}@example.org`, displayName, role: 'handler', at: h.clock.now() });
      if (status !== 'active') await h.deps.db.updateTable('users').set({ status }).where('id', '=', id).execute();
      return id;
    };
    const add = (teamId: string, userId: string, who = admin) =>
      postForm(h, `/staff/teams/${teamId}/members`, { _csrf: who.csrf, user_id: userId }, who.cookie);
    const remove = (teamId: string, userId: string, who = admin) =>
      postForm(h, `/staff/teams/${teamId}/members/remove`, { _csrf: who.csrf, user_id: userId }, who.cookie);
    const members = async (teamId: string) =>
      (await h.deps.db.selectFrom('team_members').select('user_id').where('team_id', '=', teamId).execute()).map((r) => r.user_id);
    const audits = async (teamId: string) =>
      (
        await h.deps.db
          .selectFrom('audit_log')
          .select(['action', 'actor_kind', 'actor_id', 'detail'])
          .where('action', 'in', ['team.member_added', 'team.member_removed'])
          .orderBy('id')
          .execute()
      ).filter((a) => (JSON.parse(a.detail ?? '{}') as { team?: string }).team === teamId);
    const teamsPage = async (query = '') => {
      const res = await h.app.inject({ method: 'GET', url: `/staff/teams${query}`, headers: { cookie: admin.cookie } });
      expect(res.statusCode).toBe(200);
      return res.body;
    };
    /** The part of the teams page that is the row of the team named `name`. */
    const rowOf = (html: string, name: string) => html.split('<tr>').find((r) => r.includes(`<bdi>${name}</bdi>`)) ?? '';

    it('adds an active person and removes them, each audited with the team and the person, and lists them', async () => {
      const teamId = await team('Night desk');
      const salma = await person('سلمى الحداد');

      const before = rowOf(await teamsPage(), 'Night desk');
      expect(before).toContain('No one yet.');
      expect(before).toContain(`action="/staff/teams/${teamId}/members"`);
      expect(before).toContain(`<option value="${salma}">سلمى الحداد</option>`);

      const res = await add(teamId, salma);
      expect(res.statusCode, res.body).toBe(303);
      expect(res.headers.location).toBe('/staff/teams?done=member_added');
      expect(await members(teamId)).toEqual([salma]);
      const added = await audits(teamId);
      expect(added).toHaveLength(1);
      expect(added[0]).toMatchObject({ action: 'team.member_added', actor_kind: 'staff', actor_id: admin.userId });
      expect(JSON.parse(added[0]!.detail!)).toEqual({ team: teamId, user: salma });

      const page = await teamsPage('?done=member_added');
      expect(page).toContain('Person added to the team.');
      const row = rowOf(page, 'Night desk');
      expect(row).toContain('<bdi>سلمى الحداد</bdi>');
      expect(row).toContain(`action="/staff/teams/${teamId}/members/remove"`);
      expect(row).toContain(`name="user_id" value="${salma}"`);
      expect(row).toContain('aria-label="Remove \u2068سلمى الحداد\u2069 from \u2068Night desk\u2069"');
      // Someone in the team is no longer offered to it.
      expect(row).not.toContain(`<option value="${salma}"`);

      // The people page names the person's teams.
      const people = await h.app.inject({ method: 'GET', url: '/staff/users', headers: { cookie: admin.cookie } });
      const personRow = people.body.split('<tr>').find((r) => r.includes('سلمى الحداد'));
      expect(personRow).toContain('<bdi>Night desk</bdi>');

      // Adding them again changes nothing, audits nothing, and says so.
      const again = await add(teamId, salma);
      expect(again.statusCode).toBe(303);
      expect(again.headers.location).toBe('/staff/teams?done=member_already');
      expect(await teamsPage('?done=member_already')).toContain('That person was already in the team; nothing changed.');
      expect(await members(teamId)).toEqual([salma]);
      expect(await audits(teamId)).toHaveLength(1);

      const out = await remove(teamId, salma);
      expect(out.statusCode, out.body).toBe(303);
      expect(out.headers.location).toBe('/staff/teams?done=member_removed');
      expect(await members(teamId)).toEqual([]);
      const both = await audits(teamId);
      expect(both.map((a) => a.action)).toEqual(['team.member_added', 'team.member_removed']);
      expect(both[1]!.actor_id).toBe(admin.userId);
      expect(JSON.parse(both[1]!.detail!)).toEqual({ team: teamId, user: salma });
      expect(await teamsPage('?done=member_removed')).toContain('Person removed from the team.');

      // Removing someone not in the team changes nothing, audits nothing, and says so.
      const absent = await remove(teamId, salma);
      expect(absent.statusCode).toBe(303);
      expect(absent.headers.location).toBe('/staff/teams?done=member_absent');
      expect(await audits(teamId)).toHaveLength(2);
    });

    it('keeps a person in several teams, and each team its own members', async () => {
      const a = await team('Desk A');
      const b = await team('Desk B');
      const ana = await person('Ana Pérez');
      const bo = await person('Bo Lind');
      for (const [t, p] of [[a, ana], [b, ana], [b, bo]] as const) expect((await add(t, p)).statusCode).toBe(303);
      expect(await members(a)).toEqual([ana]);
      expect((await members(b)).sort()).toEqual([ana, bo].sort());
      const page = await teamsPage();
      expect(rowOf(page, 'Desk A')).toContain(`<option value="${bo}">Bo Lind</option>`);
      expect(rowOf(page, 'Desk A')).not.toContain('<bdi>Bo Lind</bdi>');
      const people = await h.app.inject({ method: 'GET', url: '/staff/users', headers: { cookie: admin.cookie } });
      const anaRow = people.body.split('<tr>').find((r) => r.includes('Ana Pérez'))!;
      expect(anaRow).toContain('<bdi>Desk A</bdi>, <bdi>Desk B</bdi>');
    });

    it('refuses an unknown team or person, a person who is not active, and an empty choice, writing nothing', async () => {
      const teamId = await team('Regional desk');
      const member = await person('Kept Member');
      expect((await add(teamId, member)).statusCode).toBe(303);
      const disabled = await person('Dora Disabled', 'disabled');
      const pending = await person('Pia Pending', 'pending');
      const rows = async () => (await h.deps.db.selectFrom('team_members').select('user_id').execute()).length;
      const audited = async () =>
        (await h.deps.db.selectFrom('audit_log').select('id').where('action', 'in', ['team.member_added', 'team.member_removed']).execute()).length;
      const [rowsBefore, auditsBefore] = [await rows(), await audited()];

      expect((await add('no-such-team', member)).statusCode).toBe(404);
      expect((await remove('no-such-team', member)).statusCode).toBe(404);
      expect((await add('x'.repeat(65), member)).statusCode).toBe(404);
      // An unknown team is 404 even when the choice is empty.
      expect((await add('no-such-team', '')).statusCode).toBe(404);

      const unknown = await add(teamId, 'no-such-person');
      expect(unknown.statusCode).toBe(422);
      expect(unknown.body).toContain('Choose a person from the list.');
      expect(unknown.body).toContain(`href="#f-member-${teamId}"`);
      expect((await remove(teamId, 'no-such-person')).statusCode).toBe(404);

      const empty = await add(teamId, '');
      expect(empty.statusCode).toBe(422);
      expect(empty.body).toContain('Choose a person.');
      expect((await remove(teamId, '')).statusCode).toBe(404);

      for (const id of [disabled, pending]) {
        const res = await add(teamId, id);
        expect(res.statusCode).toBe(422);
        expect(res.body).toContain('Only active people can join a team.');
      }
      // Neither is offered in the first place.
      const row = rowOf(await teamsPage(), 'Regional desk');
      expect(row).not.toContain(`value="${disabled}"`);
      expect(row).not.toContain(`value="${pending}"`);

      expect(await rows()).toBe(rowsBefore);
      expect(await audited()).toBe(auditsBefore);
      expect(await members(teamId)).toEqual([member]);
    });

    it('refuses anyone but administrators, and a form without the session token', async () => {
      const teamId = await team('Closed desk');
      const member = await person('Mo Member');
      const other = await person('Oz Other');
      expect((await add(teamId, member)).statusCode).toBe(303);
      const auditsBefore = (await audits(teamId)).length;

      for (const role of ['coordinator', 'handler'] as const) {
        const who = await signInAs(h, role);
        expect((await add(teamId, other, who)).statusCode).toBe(403);
        expect((await remove(teamId, member, who)).statusCode).toBe(403);
      }

      const noToken = await postForm(h, `/staff/teams/${teamId}/members`, { user_id: other }, admin.cookie);
      expect(noToken.statusCode).toBe(403);
      const wrongToken = await postForm(h, `/staff/teams/${teamId}/members/remove`, { _csrf: 'x'.repeat(43), user_id: member }, admin.cookie);
      expect(wrongToken.statusCode).toBe(403);
      const signedOut = await postForm(h, `/staff/teams/${teamId}/members`, { _csrf: admin.csrf, user_id: other });
      expect(signedOut.statusCode).toBe(303);
      expect(signedOut.headers.location).toBe('/staff/sign-in');

      expect(await members(teamId)).toEqual([member]);
      expect(await audits(teamId)).toHaveLength(auditsBefore);
    });

    it('speaks Spanish on the teams page', async () => {
      const teamId = await team('Mesa sur');
      const luz = await person('Luz Gómez');
      expect((await add(teamId, luz)).statusCode).toBe(303);
      const res = await h.app.inject({ method: 'GET', url: '/staff/teams?done=member_added&lang=es', headers: { cookie: admin.cookie } });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('Persona añadida al equipo.');
      expect(res.body).toContain('aria-label="Quitar a \u2068Luz Gómez\u2069 de \u2068Mesa sur\u2069"');
      expect(res.body).toContain('Añadir a una persona');
    });
  });
}
