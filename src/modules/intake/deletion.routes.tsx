import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import type { SurfaceAssets } from '../../contracts/module.js';
import { safeEqual } from '../../platform/crypto/vault.js';
import { formBody } from '../../platform/http/form.js';
import { publicErrorPage } from '../../platform/views/public-layout.js';
import { sendPage } from '../../platform/views/render.js';
import { deleteOwnRequest } from './deletion.service.js';
import { FOLLOWUP_COOKIE, resumeFollowup } from './intake.service.js';
import { intakeContext } from './views/context.js';
import { DeleteConfirmPage, DeletedPage } from './views/deletion.js';

/**
 * A requester's "delete my request", from the conversation page: POST /followup/delete (with
 * the session's CSRF token) shows what will be deleted; POST /followup/delete/confirm deletes
 * it, ends the session and redirects (303) to /followup/deleted. Without a live session both
 * lead back to /followup; with a wrong token nothing happens (403).
 */
export function registerDeletionRoutes(app: FastifyInstance, deps: Deps, assets: SurfaceAssets): void {
  // The same cookie the follow-up routes set (intake.routes.tsx): clearing needs the same path.
  const cookieOptions = {
    httpOnly: true,
    sameSite: 'strict' as const,
    path: '/followup',
    secure: deps.config.secureCookies,
  };

  const errorPage = publicErrorPage(assets.cssUrl);

  /** The live session with a matching CSRF token, or the answer to send instead. */
  async function sessionFor(req: FastifyRequest, reply: FastifyReply) {
    const token = formBody(req.body)._csrf;
    const session = await resumeFollowup(deps, req.cookies[FOLLOWUP_COOKIE]);
    const ctx = intakeContext(req, assets.cssUrl, '/followup');
    if (!session) {
      reply.clearCookie(FOLLOWUP_COOKIE, cookieOptions);
      return { answer: reply.redirect(ctx.link('/followup?done=expired'), 303) };
    }
    if (typeof token !== 'string' || !safeEqual(token, session.csrfToken)) {
      return { answer: errorPage(req, reply, 'CSRF_INVALID') };
    }
    return { session };
  }

  app.post('/followup/delete', async (req, reply) => {
    const s = await sessionFor(req, reply);
    if (!s.session) return s.answer;
    const ctx = intakeContext(req, assets.cssUrl, '/followup/delete');
    return sendPage(reply, 200, <DeleteConfirmPage ctx={ctx} csrfToken={s.session.csrfToken} />);
  });

  app.post('/followup/delete/confirm', async (req, reply) => {
    const s = await sessionFor(req, reply);
    if (!s.session) return s.answer;
    await deleteOwnRequest(deps, s.session);
    reply.clearCookie(FOLLOWUP_COOKIE, cookieOptions);
    const ctx = intakeContext(req, assets.cssUrl, '/followup');
    return reply.redirect(ctx.link('/followup/deleted'), 303);
  });

  // A plain page that reads nothing: there is no session or case behind it any more.
  app.get('/followup/deleted', async (req, reply) =>
    sendPage(reply, 200, <DeletedPage ctx={intakeContext(req, assets.cssUrl, '/followup/deleted')} />),
  );
}
