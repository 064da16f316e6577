import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import type { SurfaceAssets } from '../../contracts/module.js';
import { listField } from '../../platform/http/form.js';
import { staffErrorPage } from '../../platform/views/staff-layout.js';
import { parseCaseId } from './case.js';
import { caseFlashes } from './case.flash.js';
import { markSpam, MARK_SPAM_MAX, notSpam } from './spam.service.js';

// The suspected-spam queue's two plain forms (ADR 13). The staff surface has already checked
// the CSRF token. Both answer with a 303 back to the suspected-spam queue and a flash.

/** The ticked case ids of the bulk form, or null when one is not an id at all. */
function selectedIds(body: unknown): number[] | null {
  const list = listField(body, 'case', MARK_SPAM_MAX);
  if (list === null) return null;
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

  app.post('/cases/mark-spam', { config: { action: 'case.mark_spam' } }, async (req, reply) => {
    const ids = selectedIds(req.body);
    // A malformed id is a broken or forged form, not a stale page: refuse it whole (422).
    if (ids === null) return errorPage(req, reply, 'VALIDATION_FAILED');
    const result = await markSpam(deps, me(req), ids);
    if (!result.ok) return errorPage(req, reply, result.code);
    return caseFlashes.redirect(reply, '/staff?view=spam', 'marked_spam', { count: result.value.marked });
  });

  app.post('/cases/:id/not-spam', { config: { action: 'case.not_spam' } }, async (req, reply) => {
    const id = parseCaseId((req.params as { id?: string }).id);
    if (id === null) return errorPage(req, reply, 'NOT_FOUND');
    const result = await notSpam(deps, me(req), id);
    if (!result.ok) return errorPage(req, reply, result.code);
    // From the case page, back to the case; from the queue, back to the queue.
    const fromCase = (req.body as Record<string, unknown> | null)?.from === 'case';
    return caseFlashes.redirect(reply, fromCase ? `/staff/cases/${id}` : '/staff?view=spam', 'not_spam');
  });
}
