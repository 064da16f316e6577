import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import { readForm } from '../../platform/http/form.js';
import type { ErrorPage } from '../../platform/http/surfaces.js';
import type { FieldErrors } from '../../platform/views/form.js';
import { sendPage } from '../../platform/views/render.js';
import { staffContext } from '../../platform/views/staff-layout.js';
import type { Option } from '../../platform/views/form.js';
import { listField } from '../../platform/http/form.js';
import { findTerm, taxonomyOptions, termLabels } from '../taxonomies/index.js';
import { can } from './user.policy.js';
import { accountFlashes } from './http.js';
import { NewTeamInput, TeamMemberInput, TeamSettingsInput } from './user.schema.js';
import type { TeamWithMembers } from './user.repo.js';
import {
  addTeam,
  addTeamMember,
  listActivePeople,
  listTeams,
  removeTeam,
  removeTeamMember,
  setTeamCodes,
  TEAM_CODES_MAX,
  updateTeamSettings,
  viewTeam,
} from './user.service.js';
import { TeamPage, type TeamSettingsValues } from './views/team.js';
import { TeamsPage, type MemberError, type NewTeamValues } from './views/teams.js';

/** The messages for a refused choice of a team's regions or languages: none chosen, or one not in the list. */
const CODE_ERRORS = {
  regions: { required: 'accounts.error.team_regions_required', invalid: 'accounts.error.team_regions_invalid' },
  languages: { required: 'accounts.error.team_languages_required', invalid: 'accounts.error.team_languages_invalid' },
} as const;

/** Administrators list and add teams, and put people in them or take them out (ADR 20). */
export function registerTeamRoutes(app: FastifyInstance, deps: Deps, opts: { cssUrl: string; errorPage: ErrorPage }): void {
  const { cssUrl, errorPage } = opts;

  const page = async (
    req: FastifyRequest,
    reply: FastifyReply,
    status: number,
    shown: { values?: NewTeamValues; errors?: FieldErrors; member?: MemberError; flash?: string; teams?: TeamWithMembers[] } = {},
  ) => {
    const [teams, people, regions] = await Promise.all([
      shown.teams ?? listTeams(deps),
      listActivePeople(deps),
      taxonomyOptions(deps, 'region', req.locale),
    ]);
    return sendPage(
      reply,
      status,
      <TeamsPage
        ctx={staffContext(req, cssUrl, shown.flash)}
        teams={teams}
        people={people}
        regions={regions}
        canManage={can(req.principal ?? null, 'team.manage')}
        values={shown.values}
        errors={shown.errors}
        member={shown.member}
      />,
    );
  };

  /** The page again (422) with a message at the team's add-a-person form; 404 for no such team. */
  const memberRefused = async (req: FastifyRequest, reply: FastifyReply, teamId: string, error: string) => {
    const teams = await listTeams(deps);
    if (!teams.some((t) => t.id === teamId)) return errorPage(req, reply, 'NOT_FOUND');
    return page(req, reply, 422, { teams, member: { teamId, error } });
  };

  /** A vocabulary's terms in use, with any retired one in `held` after them: what the team's boxes offer. */
  const choices = async (req: FastifyRequest, kind: 'region' | 'language', held: string[]): Promise<Option[]> => {
    const [options, labels] = await Promise.all([taxonomyOptions(deps, kind, req.locale), termLabels(deps, kind, req.locale)]);
    const kept = held.filter((c) => !options.some((o) => o.value === c)).map((c) => ({ value: c, label: labels.get(c) ?? c }));
    return [...options, ...kept];
  };

  /** A team's own page; 404 for no such team. */
  const teamPage = async (
    req: FastifyRequest<{ Params: { id: string } }>,
    reply: FastifyReply,
    status: number,
    shown: {
      flash?: string;
      chosen?: { regions?: string[]; languages?: string[] };
      values?: TeamSettingsValues;
      errors?: FieldErrors;
    } = {},
  ) => {
    const team = req.params.id.length > 64 ? undefined : await viewTeam(deps, req.params.id);
    if (!team) return errorPage(req, reply, 'NOT_FOUND');
    const [regions, languages] = await Promise.all([choices(req, 'region', team.regions), choices(req, 'language', team.languages)]);
    return sendPage(
      reply,
      status,
      <TeamPage
        ctx={staffContext(req, cssUrl, shown.flash)}
        team={team}
        now={deps.now()}
        regions={regions}
        languages={languages}
        canManage={can(req.principal ?? null, 'team.manage')}
        chosen={shown.chosen}
        values={shown.values}
        errors={shown.errors}
      />,
    );
  };

  app.get<{ Params: { id: string } }>('/teams/:id', { config: { action: 'team.list' } }, async (req, reply) =>
    teamPage(req, reply, 200, { flash: accountFlashes.read(req) }),
  );

  // The checked boxes are the team's regions (or languages): one or more terms of the
  // vocabulary; the page again (422) with the boxes as sent when refused.
  for (const field of ['regions', 'languages'] as const) {
    const kind = field === 'regions' ? 'region' : 'language';
    app.post<{ Params: { id: string } }>(`/teams/:id/${field}`, { config: { action: 'team.manage' } }, async (req, reply) => {
      if (req.params.id.length > 64) return errorPage(req, reply, 'NOT_FOUND');
      const given = listField(req.body, field, TEAM_CODES_MAX) ?? [];
      const res = await setTeamCodes(deps, req.principal!, req.params.id, kind, given);
      if (!res.ok) {
        if (res.code === 'NOT_FOUND') return errorPage(req, reply, 'NOT_FOUND');
        const error = CODE_ERRORS[field][given.length === 0 ? 'required' : 'invalid'];
        return teamPage(req, reply, 422, { chosen: { [field]: given }, errors: { [field]: error } });
      }
      const done = !res.value.changed ? 'team_unchanged' : field === 'regions' ? 'regions_changed' : 'languages_changed';
      return accountFlashes.redirect(reply, `/staff/teams/${req.params.id}`, done);
    });
  }

  // A new name or time zone; a name another team has is refused (the unique index decides
  // between two renames sent at once).
  app.post<{ Params: { id: string } }>('/teams/:id/settings', { config: { action: 'team.manage' } }, async (req, reply) => {
    if (req.params.id.length > 64) return errorPage(req, reply, 'NOT_FOUND');
    const form = readForm(req, TeamSettingsInput);
    if (!form.ok) return teamPage(req, reply, 422, { values: form.values, errors: form.errors });
    const res = await updateTeamSettings(deps, req.principal!, req.params.id, { name: form.data.name, timeZone: form.data.time_zone });
    if (!res.ok) {
      if (res.code === 'NOT_FOUND') return errorPage(req, reply, 'NOT_FOUND');
      return teamPage(req, reply, 422, { values: form.values, errors: { name: 'accounts.error.team_name_taken' } });
    }
    return accountFlashes.redirect(reply, `/staff/teams/${req.params.id}`, res.value.changed ? 'team_updated' : 'team_unchanged');
  });

  // Only a team no one is in can go: its people are taken out first, each of them a decision.
  app.post<{ Params: { id: string } }>('/teams/:id/remove', { config: { action: 'team.manage' } }, async (req, reply) => {
    if (req.params.id.length > 64) return errorPage(req, reply, 'NOT_FOUND');
    const res = await removeTeam(deps, req.principal!, req.params.id);
    if (!res.ok) {
      if (res.code === 'NOT_FOUND') return errorPage(req, reply, 'NOT_FOUND');
      return teamPage(req, reply, 422, { errors: { remove: 'accounts.error.team_has_members' } });
    }
    return accountFlashes.redirect(reply, '/staff/teams', 'team_removed');
  });

  app.get('/teams', { config: { action: 'team.list' } }, async (req, reply) => page(req, reply, 200, { flash: accountFlashes.read(req) }));

  app.post('/teams', { config: { action: 'team.create' } }, async (req, reply) => {
    const form = readForm(req, NewTeamInput);
    if (!form.ok) return page(req, reply, 422, { values: form.values, errors: form.errors });
    const region = form.data.region ?? null;
    // A write checks the table itself, not the pages' kept copy of the terms.
    if (region !== null && !(await findTerm(deps, 'region', region)))
      return page(req, reply, 422, { values: form.values, errors: { region: 'accounts.error.region_invalid' } });
    const res = await addTeam(deps, req.principal!, { name: form.data.name, timeZone: form.data.time_zone, region });
    if (!res.ok) return page(req, reply, 422, { values: form.values, errors: { name: 'accounts.error.team_name_taken' } });
    return accountFlashes.redirect(reply, '/staff/teams', 'team_added');
  });

  // An active person chosen from the team's select joins it; someone already in it stays as
  // they are, and the flash says nothing changed.
  app.post<{ Params: { id: string } }>('/teams/:id/members', { config: { action: 'team.manage' } }, async (req, reply) => {
    const teamId = req.params.id;
    if (teamId.length > 64) return errorPage(req, reply, 'NOT_FOUND');
    const form = readForm(req, TeamMemberInput, { fields: ['user_id'] });
    if (!form.ok) return memberRefused(req, reply, teamId, form.errors.user_id ?? 'accounts.error.member_required');
    const res = await addTeamMember(deps, req.principal!, teamId, form.data.user_id);
    if (!res.ok) {
      if (res.code === 'NOT_FOUND') return errorPage(req, reply, 'NOT_FOUND');
      return memberRefused(req, reply, teamId, res.code === 'CONFLICT' ? 'accounts.error.member_not_active' : 'accounts.error.member_unknown');
    }
    return accountFlashes.redirect(reply, '/staff/teams', res.value.added ? 'member_added' : 'member_already');
  });

  // A member's remove button names them; someone not in the team: nothing changes, and the
  // flash says so.
  app.post<{ Params: { id: string } }>('/teams/:id/members/remove', { config: { action: 'team.manage' } }, async (req, reply) => {
    const teamId = req.params.id;
    if (teamId.length > 64) return errorPage(req, reply, 'NOT_FOUND');
    const form = readForm(req, TeamMemberInput, { fields: ['user_id'] });
    // The button sends the id; without one there is nobody to take out.
    if (!form.ok) return errorPage(req, reply, 'NOT_FOUND');
    const res = await removeTeamMember(deps, req.principal!, teamId, form.data.user_id);
    if (!res.ok) return errorPage(req, reply, res.code);
    return accountFlashes.redirect(reply, '/staff/teams', res.value.removed ? 'member_removed' : 'member_absent');
  });
}
