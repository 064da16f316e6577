import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { postForm, signInAs, type StaffSignIn } from '../../../test/staff-session.js';

// A team's own page (ADR 20): its time zone with the time there now, its members with their
// roles, and its regions and languages, which administrators choose with checkboxes among
// the vocabularies' terms, each change audited in its transaction. teams.region follows the
// first region, so what reads the single column stays right.

for (const engine of engines) {
  describe.skipIf(!engine.available)(`a team's page (${engine.name})`, () => {
    let h: Harness;
    let admin: StaffSignIn;
    let handler: StaffSignIn;
    let coordinator: StaffSignIn;
    beforeAll(async () => {
      h = await createHarness(engine);
      admin = await signInAs(h, 'admin');
      handler = await signInAs(h, 'handler', { displayName: 'Nadia Handler' });
      coordinator = await signInAs(h, 'coordinator');
    });
    afterAll(async () => {
      await h?.close();
    });

    /** A team added through its form; its id. */
    const team = async (name: string, region = '') => {
      const res = await postForm(h, '/staff/teams', { _csrf: admin.csrf, name, time_zone: 'Africa/Nairobi', region }, admin.cookie);
      expect(res.statusCode, res.body).toBe(303);
      return (await h.deps.db.selectFrom('teams').select('id').where('name', '=', name).executeTakeFirstOrThrow()).id;
    };
    /** POSTs the boxes `codes` checked in the team's `field` form, as a browser sends them. */
    const choose = (teamId: string, field: 'regions' | 'languages', codes: string[], who = admin) => {
      const body = new URLSearchParams([['_csrf', who.csrf], ...codes.map((c) => [field, c] as [string, string])]);
      return h.app.inject({
        method: 'POST',
        url: `/staff/teams/${teamId}/${field}`,
        payload: body.toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: who.cookie },
      });
    };
    const get = (url: string, who = admin) => h.app.inject({ method: 'GET', url, headers: { cookie: who.cookie } });
    const regions = async (teamId: string) =>
      (await h.deps.db.selectFrom('team_regions').select('region').where('team_id', '=', teamId).orderBy('region').execute()).map((r) => r.region);
    const languages = async (teamId: string) =>
      (await h.deps.db.selectFrom('team_languages').select('language').where('team_id', '=', teamId).orderBy('language').execute()).map(
        (r) => r.language,
      );
    const audits = async (teamId: string, action: string) =>
      (await h.deps.db.selectFrom('audit_log').select(['action', 'actor_id', 'detail']).where('action', '=', action).orderBy('id').execute()).filter(
        (a) => (JSON.parse(a.detail ?? '{}') as { team?: string }).team === teamId,
      );

    it('shows the time zone with the time there, the members with their roles, and the region the team was added with', async () => {
      const teamId = await team('Nairobi nights', 'africa');
      expect(await regions(teamId)).toEqual(['africa']);
      await h.deps.db.insertInto('team_members').values({ team_id: teamId, user_id: handler.userId }).execute();

      const list = await get('/staff/teams');
      expect(list.body).toContain(`<a href="/staff/teams/${teamId}"><bdi>Nairobi nights</bdi></a>`);
      const res = await get(`/staff/teams/${teamId}`);
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('<bdi>Africa/Nairobi</bdi>');
      expect(res.body).toMatch(/there now: .*East Africa Time/);
      expect(res.body).toMatch(/<bdi>Nadia Handler<\/bdi><\/td><td>Handler<\/td>/);
      expect(res.body).toMatch(/id="f-regions-africa" name="regions" value="africa" checked/);
      expect(res.body).not.toMatch(/id="f-regions-mena" name="regions" value="mena" checked/);
      expect(res.body).toContain(`action="/staff/teams/${teamId}/languages"`);

      const es = await get(`/staff/teams/${teamId}?lang=es`);
      expect(es.body).toContain('<html lang="es"');
      expect(es.body).toMatch(/ahora allí: .*hora de África oriental/);
      expect(es.body).toContain('Regiones que cubre');
      expect(es.body).toContain('Guardar los idiomas');
    });

    it('saves regions and languages, audited with what they were and are, and keeps teams.region the first', async () => {
      const teamId = await team('Desk of the south', 'africa');
      const res = await choose(teamId, 'regions', ['mena', 'africa']);
      expect(res.statusCode, res.body).toBe(303);
      expect(res.headers.location).toBe(`/staff/teams/${teamId}?done=regions_changed`);
      expect(await regions(teamId)).toEqual(['africa', 'mena']);
      const row = await h.deps.db.selectFrom('teams').select('region').where('id', '=', teamId).executeTakeFirstOrThrow();
      expect(row.region).toBe('mena');
      const changed = await audits(teamId, 'team.regions_changed');
      expect(changed).toHaveLength(1);
      expect(changed[0]!.actor_id).toBe(admin.userId);
      expect(JSON.parse(changed[0]!.detail!)).toEqual({ team: teamId, from: 'africa', to: 'africa,mena' });
      const list = await get('/staff/teams');
      const listed = list.body.split('<tr>').find((r) => r.includes('<bdi>Desk of the south</bdi>')) ?? '';
      expect(listed).toContain('Sub-Saharan Africa, Middle East and North Africa');

      const langs = await choose(teamId, 'languages', ['sw', 'en', 'sw']);
      expect(langs.statusCode, langs.body).toBe(303);
      expect(await languages(teamId)).toEqual(['en', 'sw']);
      expect(JSON.parse((await audits(teamId, 'team.languages_changed'))[0]!.detail!)).toEqual({ team: teamId, from: '', to: 'en,sw' });
      const page = await get(`/staff/teams/${teamId}?done=languages_changed`);
      expect(page.body).toContain("The team's languages were saved.");
      expect(page.body).toMatch(/id="f-languages-sw" name="languages" value="sw" checked/);

      // The same choice again changes and audits nothing.
      const again = await choose(teamId, 'languages', ['en', 'sw']);
      expect(again.headers.location).toBe(`/staff/teams/${teamId}?done=team_unchanged`);
      expect(await audits(teamId, 'team.languages_changed')).toHaveLength(1);
    });

    it('refuses none, an unknown code and a newly chosen retired term with a 422, writing nothing', async () => {
      const teamId = await team('Refusals', 'africa');
      await choose(teamId, 'languages', ['fr']);

      const none = await choose(teamId, 'regions', []);
      expect(none.statusCode).toBe(422);
      expect(none.body).toContain('Choose at least one region.');
      const unknown = await choose(teamId, 'regions', ['africa', 'atlantis']);
      expect(unknown.statusCode).toBe(422);
      expect(unknown.body).toContain('Choose regions from the list.');
      expect(unknown.body).toContain('href="#f-regions"');
      const tooLong = await choose(teamId, 'languages', ['x'.repeat(65)]);
      expect(tooLong.statusCode).toBe(422);
      expect(tooLong.body).toContain('Choose languages from the list.');
      expect(await regions(teamId)).toEqual(['africa']);
      expect(await languages(teamId)).toEqual(['fr']);
      expect(await audits(teamId, 'team.regions_changed')).toHaveLength(0);

      // Retired: no longer offered as a new choice, but a team that has it may keep it.
      await h.deps.db.updateTable('taxonomy_terms').set({ active: 0 }).where('vocabulary', '=', 'language').where('code', 'in', ['fr', 'pt']).execute();
      try {
        const retired = await choose(teamId, 'languages', ['fr', 'pt']);
        expect(retired.statusCode).toBe(422);
        expect(await languages(teamId)).toEqual(['fr']);
        const kept = await choose(teamId, 'languages', ['fr', 'es']);
        expect(kept.statusCode, kept.body).toBe(303);
        expect(await languages(teamId)).toEqual(['es', 'fr']);
      } finally {
        await h.deps.db.updateTable('taxonomy_terms').set({ active: 1 }).where('vocabulary', '=', 'language').where('code', 'in', ['fr', 'pt']).execute();
      }
    });

    it('saves two choices of regions sent at once one after the other: both answered, the last one kept, each audited', async () => {
      const teamId = await team('Two desks at once', 'africa');
      const answers = await Promise.all([choose(teamId, 'regions', ['mena', 'asia_pacific']), choose(teamId, 'regions', ['americas'])]);
      expect(answers.map((r) => r.statusCode)).toEqual([303, 303]);
      const kept = await regions(teamId);
      expect([['asia_pacific', 'mena'], ['americas']]).toContainEqual(kept);
      const changes = await audits(teamId, 'team.regions_changed');
      expect(changes).toHaveLength(2);
      expect((JSON.parse(changes[1]!.detail!) as { to: string }).to).toBe(kept.join(','));
      const row = await h.deps.db.selectFrom('teams').select('region').where('id', '=', teamId).executeTakeFirstOrThrow();
      expect(kept).toContain(row.region);
    });

    it('answers 404 for an unknown team and 403 to a handler, changing nothing', async () => {
      const teamId = await team('Closed doors', 'africa');
      expect((await get('/staff/teams/no-such-team')).statusCode).toBe(404);
      expect((await choose('no-such-team', 'regions', ['africa'])).statusCode).toBe(404);
      expect((await get(`/staff/teams/${'x'.repeat(65)}`)).statusCode).toBe(404);
      expect((await get(`/staff/teams/${teamId}`, handler)).statusCode).toBe(403);
      expect((await choose(teamId, 'regions', ['mena'], handler)).statusCode).toBe(403);
      expect(await regions(teamId)).toEqual(['africa']);
    });

    const settings = (teamId: string, name: string, timeZone: string, who = admin) =>
      postForm(h, `/staff/teams/${teamId}/settings`, { _csrf: who.csrf, name, time_zone: timeZone }, who.cookie);
    const removeTeam = (teamId: string, who = admin) => postForm(h, `/staff/teams/${teamId}/remove`, { _csrf: who.csrf }, who.cookie);
    const row = (teamId: string) => h.deps.db.selectFrom('teams').select(['name', 'time_zone']).where('id', '=', teamId).executeTakeFirst();

    it('renames a team and moves its time zone, audited as team.renamed and team.updated in one change', async () => {
      const teamId = await team('Old name', 'africa');
      const res = await settings(teamId, 'Bogotá evenings', 'America/Bogota');
      expect(res.statusCode, res.body).toBe(303);
      expect(res.headers.location).toBe(`/staff/teams/${teamId}?done=team_updated`);
      expect(await row(teamId)).toEqual({ name: 'Bogotá evenings', time_zone: 'America/Bogota' });
      expect(JSON.parse((await audits(teamId, 'team.renamed'))[0]!.detail!)).toEqual({ team: teamId, from: 'Old name', to: 'Bogotá evenings' });
      expect(JSON.parse((await audits(teamId, 'team.updated'))[0]!.detail!)).toEqual({ team: teamId, from: 'Africa/Nairobi', to: 'America/Bogota' });
      const page = await get(`/staff/teams/${teamId}`);
      expect(page.body).toMatch(/there now: .*Colombia Standard Time/);

      const same = await settings(teamId, 'Bogotá evenings', 'America/Bogota');
      expect(same.headers.location).toBe(`/staff/teams/${teamId}?done=team_unchanged`);
      expect(await audits(teamId, 'team.renamed')).toHaveLength(1);
    });

    it('takes a zone by either of its IANA names, as the account page does, and stores the one Haven lists', async () => {
      const teamId = await team('Kolkata days', 'africa');
      // Node lists Asia/Calcutta; Asia/Kolkata is the same zone's current name.
      const res = await settings(teamId, 'Kolkata days', 'Asia/Kolkata');
      expect(res.statusCode, res.body).toBe(303);
      expect((await row(teamId))!.time_zone).toMatch(/^Asia\/(Kolkata|Calcutta)$/);
      expect(new Intl.DateTimeFormat('en', { timeZone: (await row(teamId))!.time_zone, timeZoneName: 'short' }).format(0)).toContain('GMT+5:30');
    });

    it('refuses a bad time zone, too long a name and a name another team has, with a 422 and nothing written', async () => {
      const teamId = await team('Stays as it is', 'africa');
      await team('Taken name');
      const zone = await settings(teamId, 'Stays as it is', 'Mars/Olympus');
      expect(zone.statusCode).toBe(422);
      expect(zone.body).toContain('Enter a time zone such as Africa/Nairobi.');
      expect(zone.body).toContain('value="Mars/Olympus"');
      const long = await settings(teamId, 'n'.repeat(101), 'UTC');
      expect(long.statusCode).toBe(422);
      expect(long.body).toContain('The name is too long.');
      const taken = await settings(teamId, 'Taken name', 'UTC');
      expect(taken.statusCode).toBe(422);
      expect(taken.body).toContain('A team already has this name.');
      expect(await row(teamId)).toEqual({ name: 'Stays as it is', time_zone: 'Africa/Nairobi' });
      expect(await audits(teamId, 'team.renamed')).toHaveLength(0);
      expect(await audits(teamId, 'team.updated')).toHaveLength(0);
    });

    it('gives one success when two teams are renamed to the same name at once', async () => {
      const a = await team('Race A');
      const b = await team('Race B');
      const answers = await Promise.all([settings(a, 'Finish line', 'UTC'), settings(b, 'Finish line', 'UTC')]);
      expect(answers.map((r) => r.statusCode).sort()).toEqual([303, 422]);
      const named = await h.deps.db.selectFrom('teams').select('id').where('name', '=', 'Finish line').execute();
      expect(named).toHaveLength(1);
      const renamed = [...(await audits(a, 'team.renamed')), ...(await audits(b, 'team.renamed'))];
      expect(renamed).toHaveLength(1);
    });

    it('refuses to remove a team people are in, and removes an empty one with its regions and languages, audited', async () => {
      const teamId = await team('To be removed', 'africa');
      await choose(teamId, 'languages', ['en']);
      await h.deps.db.insertInto('team_members').values({ team_id: teamId, user_id: handler.userId }).execute();
      const refused = await removeTeam(teamId);
      expect(refused.statusCode).toBe(422);
      expect(refused.body).toContain('People are still in this team: take them out first, then remove it.');
      expect(await row(teamId)).toBeDefined();
      expect(await audits(teamId, 'team.removed')).toHaveLength(0);

      await h.deps.db.deleteFrom('team_members').where('team_id', '=', teamId).execute();
      const res = await removeTeam(teamId);
      expect(res.statusCode, res.body).toBe(303);
      expect(res.headers.location).toBe('/staff/teams?done=team_removed');
      expect(await row(teamId)).toBeUndefined();
      expect(await regions(teamId)).toEqual([]);
      expect(await languages(teamId)).toEqual([]);
      const removed = await audits(teamId, 'team.removed');
      expect(removed).toHaveLength(1);
      expect(JSON.parse(removed[0]!.detail!)).toEqual({ team: teamId, name: 'To be removed' });
      expect((await get(`/staff/teams/${teamId}`)).statusCode).toBe(404);
      expect((await removeTeam(teamId)).statusCode).toBe(404);
      expect((await settings(teamId, 'Ghost', 'UTC')).statusCode).toBe(404);
    });

    it('never both removes a team and adds a person to it when the two are sent at once', async () => {
      const teamId = await team('Last moment');
      const [removed, added] = await Promise.all([
        removeTeam(teamId),
        postForm(h, `/staff/teams/${teamId}/members`, { _csrf: admin.csrf, user_id: handler.userId }, admin.cookie),
      ]);
      const outcome = [removed.statusCode, added.statusCode];
      expect([[303, 404], [422, 303]]).toContainEqual(outcome);
      const members = await h.deps.db.selectFrom('team_members').select('user_id').where('team_id', '=', teamId).execute();
      expect(members).toHaveLength(outcome[0] === 303 ? 0 : 1);
      expect(await row(teamId)).toEqual(outcome[0] === 303 ? undefined : { name: 'Last moment', time_zone: 'Africa/Nairobi' });
    });

    it('lets a coordinator read the teams and a team, with no form to change them, and refuses their changes', async () => {
      const teamId = await team('Read only', 'africa');
      const list = await get('/staff/teams', coordinator);
      expect(list.statusCode).toBe(200);
      expect(list.body).toContain('<bdi>Read only</bdi>');
      expect(list.body).not.toContain('action="/staff/teams"');
      expect(list.body).not.toContain('/members"');
      const page = await get(`/staff/teams/${teamId}`, coordinator);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('<bdi>Africa/Nairobi</bdi>');
      expect(page.body).not.toContain('<form method="post" action="/staff/teams/');
      expect((await settings(teamId, 'Mine now', 'UTC', coordinator)).statusCode).toBe(403);
      expect((await removeTeam(teamId, coordinator)).statusCode).toBe(403);
      expect((await choose(teamId, 'languages', ['en'], coordinator)).statusCode).toBe(403);
      expect(await row(teamId)).toEqual({ name: 'Read only', time_zone: 'Africa/Nairobi' });
    });
  });
}
