import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import type { SurfaceAssets } from '../../contracts/module.js';
import { staffErrorPage } from '../../platform/views/staff-layout.js';
import { parseCaseId } from './case.js';
import { authorize } from './case.policy.js';
import { markSpam, MARK_SPAM_MAX, notSpam } from './spam.service.js';

// The suspected-spam queue's two plain forms (ADR 13). The staff surface has already checked
// the CSRF token. Both answer with a 303 back to the suspected-spam queue and a flash.

/** The ticked case ids of the bulk form, or null when one is not an id at all. */
function selectedIds(body: unknown): number[] | null {
  const raw = (body as Record<string, unknown> | null)?.case;
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  if (list.length > MARK_SPAM_MAX) return null;
  const ids: number[] = [];
  for (const v of list) {
    const id = parseCaseId(v);
    if (id === null) return null;
    ids.push(id);
  }
  return ids;
}

/** Registers `POST /staff/cases/mark-spam` (bulk) and `POST /staff/cases/:id/not-spam`. */
export function registerSpamRoutes(app: FastifyInstance, deps: Deps, assets: SurfaceAssets): void {
  const errorPage = staffErrorPage(assets.cssUrl);
  const me = (req: FastifyRequest) => req.principal!;

  app.post('/cases/mark-spam', async (req, reply) => {
    const allowed = authorize(me(req), 'case.mark_spam');
    if (!allowed.ok) return errorPage(req, reply, allowed.code);
    const ids = selectedIds(req.body);
    // A malformed id is a broken or forged form, not a stale page: refuse it whole (422).
    if (ids === null) return errorPage(req, reply, 'VALIDATION_FAILED');
    const result = await markSpam(deps, me(req), ids);
    if (!result.ok) return errorPage(req, reply, result.code);
    return reply.redirect(`/staff?view=spam&done=marked_spam&count=${result.value.marked}`, 303);
  });

  app.post('/cases/:id/not-spam', async (req, reply) => {
    const id = parseCaseId((req.params as { id?: string }).id);
    if (id === null) return errorPage(req, reply, 'NOT_FOUND');
    const allowed = authorize(me(req), 'case.not_spam');
    if (!allowed.ok) return errorPage(req, reply, allowed.code);
    const result = await notSpam(deps, me(req), id);
    if (!result.ok) return errorPage(req, reply, result.code);
    // From the case page, back to the case; from the queue, back to the queue.
    const fromCase = (req.body as Record<string, unknown> | null)?.from === 'case';
    return reply.redirect(
      fromCase ? `/staff/cases/${id}?done=not_spam` : '/staff?view=spam&done=not_spam',
      303,
    );
  });
}
