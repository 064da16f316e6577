import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z, type ZodError } from 'zod';
import type { OpenApiFragment } from '../../contracts/module.js';
import type { Deps } from '../../deps.js';
import { apiErrorResponse as error, json, schemaOf, standardErrors } from '../../platform/http/openapi.js';
import { sendApiError } from '../../platform/http/surfaces.js';
import { fieldErrors } from '../../platform/http/validation.js';
import { LADDER_ID, STEP_ACTIONS, STEP_URGENCIES, type Ladder } from './escalation.js';
import { LadderInput } from './escalation.schema.js';
import { loadLadders, saveLadder } from './escalation.service.js';

// The escalation ladders under /api/v1 (ADR 34): the same schema, policy and service as the
// page, in JSON. A team's ladder is added or removed on the page.

/** A ladder as the API shows it. */
export const LadderView = z.object({
  id: z.string(),
  team_id: z.string().nullable(),
  resolution_hours: z.number().int(),
  version: z.number().int(),
  steps: z.array(
    z.object({
      id: z.string(),
      minutes: z.number().int(),
      action: z.enum(STEP_ACTIONS),
      urgency: z.enum(STEP_URGENCIES).nullable(),
      severity: z.string().nullable(),
    }),
  ),
});
export type LadderView = z.infer<typeof LadderView>;

export const LadderList = z.object({ ladders: z.array(LadderView) });

function toView(l: Ladder): LadderView {
  return {
    id: l.id,
    team_id: l.teamId,
    resolution_hours: l.resolutionHours,
    version: l.version,
    steps: l.steps.map((s) => ({
      id: s.id,
      minutes: s.minutes,
      action: s.action,
      urgency: (STEP_URGENCIES as readonly string[]).includes(s.urgency ?? '') ? (s.urgency as LadderView['steps'][number]['urgency']) : null,
      severity: s.severity,
    })),
  };
}

/** A zod failure as the API's error: the first field's message, in English (`steps.1.minutes`). */
function invalid(req: FastifyRequest, reply: FastifyReply, failure: ZodError): FastifyReply {
  const first = failure.issues[0];
  const field = first && first.path.length > 0 ? first.path.map(String).join('.') : '_body';
  const key = Object.values(fieldErrors(failure))[0] ?? 'common.error.validation';
  return reply.code(422).send({ error: { code: 'VALIDATION_FAILED', message: req.t(key), field } });
}

/** Registers GET /escalation/ladders and PUT /escalation/ladders/{id}. */
export function registerEscalationApi(app: FastifyInstance, deps: Deps): void {
  app.get('/escalation/ladders', { config: { action: 'escalation.view' } }, async (_req, reply) =>
    reply.send({ ladders: (await loadLadders(deps)).map(toView) }),
  );

  app.put('/escalation/ladders/:id', { config: { action: 'escalation.edit' } }, async (req, reply) => {
    const id = (req.params as { id?: string }).id ?? '';
    if (!LADDER_ID.test(id)) return sendApiError(req, reply, 'NOT_FOUND');
    const parsed = LadderInput.safeParse(req.body);
    if (!parsed.success) return invalid(req, reply, parsed.error);
    const saved = await saveLadder(deps, req.principal!, id, parsed.data);
    if (!saved.ok) {
      if (saved.field) return reply.code(422).send({ error: { code: 'VALIDATION_FAILED', message: req.t('escalation.error.severity'), field: saved.field } });
      return sendApiError(req, reply, saved.code);
    }
    const ladder = (await loadLadders(deps)).find((l) => l.id === id)!;
    return reply.send(toView(ladder));
  });
}

/** The escalation API's part of the OpenAPI document, from the same schemas. */
export const escalationOpenApi: OpenApiFragment = {
  tags: [{ name: 'escalation', description: 'Escalation ladders: after so many minutes unanswered, who is told' }],
  paths: {
    '/escalation/ladders': {
      get: {
        operationId: 'listEscalationLadders',
        tags: ['escalation'],
        summary: 'The global ladder (as configured until saved) and each team’s',
        responses: { '200': { description: 'The ladders', ...json('EscalationLadderList') }, ...standardErrors },
      },
    },
    '/escalation/ladders/{id}': {
      put: {
        operationId: 'putEscalationLadder',
        tags: ['escalation'],
        summary: 'Replaces a ladder’s steps and resolution target, at the version last read; audited',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: '`global` or a team ladder’s id' }],
        requestBody: { required: true, ...json('EscalationLadderInput') },
        responses: {
          '200': { description: 'The ladder as saved', ...json('EscalationLadder') },
          ...standardErrors,
          '400': error('The body cannot be read'),
          '404': error('No such ladder'),
          '409': error('The ladder was saved since `version` was read; nothing was saved'),
          '415': error('The body is not `application/json`'),
          '422': error('A field is refused (named in `field`, e.g. `steps.1.minutes`); nothing was saved'),
        },
      },
    },
  },
  schemas: {
    EscalationLadder: schemaOf(LadderView, 'output'),
    EscalationLadderList: schemaOf(LadderList, 'output'),
    EscalationLadderInput: schemaOf(LadderInput, 'input'),
  },
};
