import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import { readForm } from '../../platform/http/form.js';
import type { ErrorPage } from '../../platform/http/surfaces.js';
import type { FieldErrors } from '../../platform/views/form.js';
import { sendPage } from '../../platform/views/render.js';
import { staffContext } from '../../platform/views/staff-layout.js';
import { taxonomyOptions } from '../taxonomies/index.js';
import { accountFlashes } from './http.js';
import { NewTeamInput } from './user.schema.js';
import { addTeam, listTeams } from './user.service.js';
import { TeamsPage, type NewTeamValues } from './views/teams.js';

/** Administrators list and add teams (ADR 20); members and changes come later. */
export function registerTeamRoutes(app: FastifyInstance, deps: Deps, opts: { cssUrl: string; errorPage: ErrorPage }): void {
  const { cssUrl } = opts;

  const page = async (req: FastifyRequest, reply: FastifyReply, status: number, values?: NewTeamValues, errors?: FieldErrors, flash?: string) => {
    const [teams, regions] = await Promise.all([listTeams(deps), taxonomyOptions(deps, 'region', req.locale)]);
    return sendPage(
      reply,
      status,
      <TeamsPage ctx={staffContext(req, cssUrl, flash)} teams={teams} regions={regions} values={values} errors={errors} />,
    );
  };

  app.get('/teams', { config: { action: 'team.list' } }, async (req, reply) => page(req, reply, 200, undefined, undefined, accountFlashes.read(req)));

  app.post('/teams', { config: { action: 'team.create' } }, async (req, reply) => {
    const form = readForm(req, NewTeamInput);
    if (!form.ok) return page(req, reply, 422, form.values, form.errors);
    const region = form.data.region ?? null;
    if (region !== null && !(await taxonomyOptions(deps, 'region', req.locale)).some((o) => o.value === region))
      return page(req, reply, 422, form.values, { region: 'accounts.error.region_invalid' });
    const res = await addTeam(deps, req.principal!, { name: form.data.name, timeZone: form.data.time_zone, region });
    if (!res.ok) return page(req, reply, 422, form.values, { name: 'accounts.error.team_name_taken' });
    return accountFlashes.redirect(reply, '/staff/teams', 'team_added');
  });
}
