import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import type { SurfaceAssets } from '../../contracts/module.js';
import { parseForm } from '../../platform/http/form.js';
import { sendPage } from '../../platform/views/render.js';
import { staffContext, staffErrorPage } from '../../platform/views/staff-layout.js';
import { auditPolicy } from './audit.policy.js';
import { AuditQuery, FILTER_FIELDS } from './audit.schema.js';
import { auditOptions, auditPage, exportCsv, unknownFilters } from './audit.service.js';
import { AuditPage } from './views/audit.js';

/** The filters of a request's address, as they were typed, for the links that keep them. */
function filterParams(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(FILTER_FIELDS.flatMap((k) => (values[k] ? [[k, values[k]]] : [])));
}

function href(path: string, params: Record<string, string>): string {
  const qs = new URLSearchParams(params).toString();
  return qs ? `${path}?${qs}` : path;
}

/**
 * /staff/audit and /staff/audit.csv: the audit log with its filters, a page at a time, and
 * the filtered entries as CSV. The filters are a GET form; one that is malformed or names
 * nothing Haven knows is answered by the page with the field named (422), never a query.
 */
export function registerAuditRoutes(app: FastifyInstance, deps: Deps, assets: SurfaceAssets): void {
  const errorPage = staffErrorPage(assets.cssUrl);

  /**
   * Actions in words in the reader's language. Every action Haven writes has its words
   * (test/audit-actions.test.ts); one written by an older version may not, and stays a code.
   */
  const labels =
    (req: FastifyRequest) =>
    (action: string): string | null =>
      deps.i18n.has('en', `audit.action.${action}`) ? req.t(`audit.action.${action}`) : null;

  /** The query, checked against the form's own choices; or null once the 422 page is sent. */
  async function readQuery(req: FastifyRequest, reply: FastifyReply) {
    const options = await auditOptions(deps);
    const form = parseForm(AuditQuery, req.query, { blank: 'drop' });
    const errors = form.ok ? unknownFilters(form.data, options) : form.errors;
    if (form.ok && Object.keys(errors).length === 0) return { query: form.data, values: form.values, options };
    // A malformed cursor is no field of the form: the generic refusal says so.
    if (errors.cursor !== undefined && Object.keys(errors).length === 1) {
      await errorPage(req, reply, 'VALIDATION_FAILED');
      return null;
    }
    delete errors.cursor;
    await sendPage(
      reply,
      422,
      <AuditPage
        ctx={staffContext(req, assets.cssUrl)}
        values={form.values}
        errors={errors}
        options={options}
        rows={[]}
        nextHref={null}
        firstHref={null}
        csvHref={null}
        actionLabel={labels(req)}
      />,
    );
    return null;
  }

  app.get('/audit', { config: { action: 'audit.view' } }, async (req, reply) => {
    const read = await readQuery(req, reply);
    if (!read) return reply;
    const page = await auditPage(deps, req.principal!, read.query);
    const params = filterParams(read.values);
    return sendPage(
      reply,
      200,
      <AuditPage
        ctx={staffContext(req, assets.cssUrl)}
        values={read.values}
        errors={{}}
        options={read.options}
        rows={page.rows}
        nextHref={page.nextCursor ? href('/staff/audit', { ...params, cursor: page.nextCursor }) : null}
        firstHref={read.query.cursor ? href('/staff/audit', params) : null}
        csvHref={auditPolicy.can(req.principal, 'audit.export') ? href('/staff/audit.csv', params) : null}
        actionLabel={labels(req)}
      />,
    );
  });

  // Streamed: each batch of entries is read, written and let go, however long the log.
  app.get('/audit.csv', { config: { action: 'audit.export' } }, async (req, reply) => {
    const read = await readQuery(req, reply);
    if (!read) return reply;
    const day = new Date(deps.now()).toISOString().slice(0, 10);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="haven-audit-${day}.csv"`)
      .header('cache-control', 'no-store')
      .send(Readable.from(exportCsv(deps, req.principal!, { ...read.query, cursor: undefined })));
  });
}
