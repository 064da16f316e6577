import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodError } from 'zod';
import type { Deps } from '../../deps.js';
import type { Principal } from '../../platform/auth/roles.js';
import { sendApiError } from '../../platform/http/surfaces.js';
import { fieldErrors } from '../../platform/http/validation.js';
import { AccessInput, type CaseAccess } from './access.schema.js';
import { caseAccess, putAccess, type CaseAccessView } from './access.service.js';
import { parseCaseId } from './case.js';

// Need-to-know in the API (ADR 32): `GET` and `PUT /api/v1/cases/{id}/access`, the same service
// as the case page's section. A restricted case the caller may not know is 404, as an unknown id.

function toCaseAccess(v: CaseAccessView): CaseAccess {
  return {
    case_id: v.caseId,
    restricted: v.restricted,
    people: v.people.map((p) => ({
      id: p.userId,
      display_name: p.displayName,
      added_by: p.addedBy,
      added_at: new Date(p.addedAt).toISOString(),
    })),
    version: v.version,
  };
}

/** A zod failure as the API's error: the first field's message, in the caller's language. */
function invalid(req: FastifyRequest, reply: FastifyReply, error: ZodError): FastifyReply {
  const unknownKey = error.issues.find((i) => i.code === 'unrecognized_keys')?.keys[0];
  const [field, key] = unknownKey
    ? [unknownKey, 'common.form.invalid']
    : (Object.entries(fieldErrors(error))[0] ?? ['_body', 'common.error.validation']);
  return reply.code(422).send({ error: { code: 'VALIDATION_FAILED', message: req.t(key), field } });
}

/** Registers `GET` and `PUT /cases/:id/access` on the API surface. */
export function registerAccessApi(app: FastifyInstance, deps: Deps): void {
  const me = (req: FastifyRequest): Principal => req.principal!;

  app.get('/cases/:id/access', { config: { action: 'case.view' } }, async (req, reply) => {
    const caseId = parseCaseId((req.params as { id?: string }).id);
    if (caseId === null) return sendApiError(req, reply, 'NOT_FOUND');
    const access = await caseAccess(deps, me(req), caseId, { audit: true });
    if (!access.ok) return sendApiError(req, reply, access.code, access.field);
    return reply.send(toCaseAccess(access.value));
  });

  app.put('/cases/:id/access', { config: { action: 'case.restrict' } }, async (req, reply) => {
    const caseId = parseCaseId((req.params as { id?: string }).id);
    if (caseId === null) return sendApiError(req, reply, 'NOT_FOUND');
    const input = AccessInput.safeParse(req.body ?? {});
    if (!input.success) return invalid(req, reply, input.error);
    const result = await putAccess(deps, me(req), caseId, input.data);
    if (!result.ok) return sendApiError(req, reply, result.code, result.field);
    return reply.send(toCaseAccess(result.value));
  });
}
