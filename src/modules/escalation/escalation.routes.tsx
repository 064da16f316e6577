import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SurfaceAssets } from '../../contracts/module.js';
import type { Deps } from '../../deps.js';
import { defineFlashes } from '../../platform/http/flash.js';
import { parseForm } from '../../platform/http/form.js';
import { checkFormToken, issueFormToken } from '../../platform/http/form-token.js';
import { oneTimeToken } from '../../platform/http/spent-tokens.js';
import { sendPage } from '../../platform/views/render.js';
import { staffContext, staffErrorPage } from '../../platform/views/staff-layout.js';
import { listTeamRosters } from '../accounts/index.js';
import { taxonomyOptions } from '../taxonomies/index.js';
import { LADDER_ID } from './escalation.js';
import { LadderInput, ladderFormErrors, NewTeamLadderInput, readLadderForm, stepField } from './escalation.schema.js';
import { addTeamLadder, loadLadders, removeTeamLadder, saveLadder } from './escalation.service.js';
import { ESCALATION_HREF, LaddersPage, type FailedLadder, type LadderView } from './views/ladders.js';

const flashes = defineFlashes({
  saved: 'escalation.done.saved',
  repeated: 'escalation.done.repeated',
  added: 'escalation.done.added',
  removed: 'escalation.done.removed',
});

/** The purpose of a ladder form's one-time token. */
export const LADDER_FORM = 'escalation-ladder';

/**
 * /staff/escalation: the ladders, for coordinators and administrators. Saving a ladder (its
 * steps and resolution target), giving a team a ladder and removing a team's ladder, each one
 * transaction, audited (`escalation.ladder_changed`); a ladder's form is sent once (a one-time
 * token spent in that transaction) and refused when the ladder was saved since it was read.
 */
export function registerEscalationRoutes(app: FastifyInstance, deps: Deps, assets: SurfaceAssets): void {
  const errorPage = staffErrorPage(assets.cssUrl);

  async function page(
    req: FastifyRequest,
    reply: FastifyReply,
    status: number,
    failed: FailedLadder | null,
    newTeam: { value: string; error: string } | null = null,
  ) {
    const [ladders, rosters, severities] = await Promise.all([
      loadLadders(deps),
      listTeamRosters(deps),
      taxonomyOptions(deps, 'severity', req.locale),
    ]);
    const names = new Map(rosters.map((r) => [r.id, r.name]));
    const now = deps.now();
    const views: LadderView[] = ladders
      .filter((l) => l.teamId === null || names.has(l.teamId))
      .map((ladder) => ({
        ladder,
        teamName: ladder.teamId === null ? null : names.get(ladder.teamId)!,
        onceToken: issueFormToken(deps.vault.formKey, LADDER_FORM, now),
      }))
      .sort((a, b) => (a.teamName === null ? -1 : b.teamName === null ? 1 : a.teamName.localeCompare(b.teamName, req.locale)));
    const withLadder = new Set(ladders.map((l) => l.teamId));
    const teamsWithout = rosters.filter((r) => !withLadder.has(r.id)).map((r) => ({ value: r.id, label: r.name }));
    return sendPage(
      reply,
      status,
      <LaddersPage
        ctx={staffContext(req, assets.cssUrl, status === 200 ? flashes.read(req) : undefined)}
        ladders={views}
        teamsWithout={teamsWithout}
        severities={severities}
        failed={failed}
        newTeam={newTeam}
      />,
    );
  }

  app.get('/escalation', { config: { action: 'escalation.view' } }, async (req, reply) => page(req, reply, 200, null));

  app.post('/escalation/ladders/:id', { config: { action: 'escalation.edit' } }, async (req, reply) => {
    const id = (req.params as { id?: string }).id ?? '';
    if (!LADDER_ID.test(id)) return errorPage(req, reply, 'NOT_FOUND');
    const form = readLadderForm(req.body);
    const parsed = LadderInput.safeParse(form.input);
    if (!parsed.success) return page(req, reply, 422, { ladderId: id, values: form.values, errors: ladderFormErrors(parsed.error, form.rows) });
    const body = (req.body ?? {}) as Record<string, unknown>;
    // A valid token makes a second copy of the same form harmless; without one, nothing is saved.
    const check = checkFormToken(deps.vault.formKey, LADDER_FORM, body._once, deps.now());
    if (!check.ok) return errorPage(req, reply, 'VALIDATION_FAILED');
    const once = oneTimeToken(deps.vault, 'escalation-ladder-form-token', String(body._once), check.issuedAt);
    const result = await saveLadder(deps, req.principal!, id, parsed.data, once);
    if (!result.ok) {
      const row = result.field?.match(/^steps\.(\d+)\.severity$/);
      if (row)
        return page(req, reply, 422, {
          ladderId: id,
          values: form.values,
          errors: { [stepField(form.rows[Number(row[1])] ?? 0, 'severity')]: 'escalation.error.severity' },
        });
      return errorPage(req, reply, result.code);
    }
    return flashes.redirect(reply, ESCALATION_HREF, result.value);
  });

  app.post('/escalation/ladders', { config: { action: 'escalation.edit' } }, async (req, reply) => {
    const form = parseForm(NewTeamLadderInput, req.body, { fields: ['team_id'] });
    if (!form.ok) return page(req, reply, 422, null, { value: '', error: form.errors.team_id ?? 'escalation.error.team' });
    const result = await addTeamLadder(deps, req.principal!, form.data.team_id);
    if (!result.ok) {
      const error = result.code === 'CONFLICT' ? 'escalation.error.team_has_one' : 'escalation.error.team';
      return page(req, reply, 422, null, { value: form.data.team_id, error });
    }
    return flashes.redirect(reply, ESCALATION_HREF, 'added');
  });

  app.post('/escalation/ladders/:id/delete', { config: { action: 'escalation.edit' } }, async (req, reply) => {
    const id = (req.params as { id?: string }).id ?? '';
    if (!LADDER_ID.test(id)) return errorPage(req, reply, 'NOT_FOUND');
    const result = await removeTeamLadder(deps, req.principal!, id);
    if (!result.ok) return errorPage(req, reply, result.code);
    return flashes.redirect(reply, ESCALATION_HREF, 'removed');
  });
}
