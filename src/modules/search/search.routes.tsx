import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SurfaceAssets } from '../../contracts/module.js';
import type { Deps } from '../../deps.js';
import { formValues } from '../../platform/http/form.js';
import { fieldErrors } from '../../platform/http/validation.js';
import type { FieldErrors } from '../../platform/views/form.js';
import { sendPage } from '../../platform/views/render.js';
import { staffContext, staffErrorPage } from '../../platform/views/staff-layout.js';
import { queueOptions, type QueueRow } from '../cases/index.js';
import { SearchQuery } from './search.schema.js';
import { searchCases } from './search.service.js';
import { SearchPage } from './views/search.js';

/** The search page's address for a query and a page. */
export function searchHref(q: string, cursor?: string): string {
  const params = new URLSearchParams({ q });
  if (cursor) params.set('cursor', cursor);
  return `/staff/search?${params.toString()}`;
}

/**
 * `GET /staff/search?q=…&cursor=…`: the box, and the cases found (ADR 37). Without `q`, the box
 * alone. A refused query (empty, too long, too many words, control characters, a broken
 * cursor): the box again with its error, 422. A query that is a case number the person may
 * know: 303 to its page. The staff surface has checked the session and the route's action.
 */
export function registerSearchRoutes(app: FastifyInstance, deps: Deps, assets: SurfaceAssets): void {
  const errorPage = staffErrorPage(assets.cssUrl);

  async function render(
    req: FastifyRequest,
    reply: FastifyReply,
    status: number,
    p: { q: string; rows: QueueRow[] | null; errors?: FieldErrors; nextCursor?: string | null; paged?: boolean },
  ): Promise<FastifyReply> {
    const { labels } = await queueOptions(deps, req.locale);
    return sendPage(
      reply,
      status,
      SearchPage({
        ctx: staffContext(req, assets.cssUrl),
        q: p.q,
        rows: p.rows,
        labels,
        now: deps.now(),
        nextHref: p.nextCursor ? searchHref(p.q, p.nextCursor) : null,
        firstHref: p.paged ? searchHref(p.q) : null,
        errors: p.errors ?? {},
      }),
    );
  }

  app.get('/search', { config: { action: 'search.cases' } }, async (req, reply) => {
    const all = formValues(req.query, 'keep');
    const raw: Record<string, unknown> = {};
    for (const k of ['q', 'cursor'] as const) if (all[k] !== undefined) raw[k] = all[k];
    if (raw.q === undefined && raw.cursor === undefined) return render(req, reply, 200, { q: '', rows: null });
    const typed = typeof raw.q === 'string' ? raw.q : '';
    const parsed = SearchQuery.safeParse(raw);
    if (!parsed.success) {
      const errors = fieldErrors(parsed.error);
      // The box is the only field a person sees: a broken cursor is said there too.
      return render(req, reply, 422, { q: typed, rows: null, errors: { q: errors.q ?? errors.cursor ?? 'common.form.invalid' } });
    }
    const page = await searchCases(deps, req.principal!, parsed.data);
    if (!page.ok) {
      if (page.code !== 'VALIDATION_FAILED') return errorPage(req, reply, page.code);
      return render(req, reply, 422, { q: typed, rows: null, errors: { q: 'search.error.no_words' } });
    }
    if (page.value.jump !== null) return reply.redirect(`/staff/cases/${page.value.jump}`, 303);
    return render(req, reply, 200, {
      q: parsed.data.q,
      rows: page.value.rows,
      nextCursor: page.value.nextCursor,
      paged: parsed.data.cursor !== undefined,
    });
  });
}
