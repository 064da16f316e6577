import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import type { SurfaceAssets } from '../../contracts/module.js';
import type { Principal } from '../../platform/auth/roles.js';
import { errorDefinition, type ErrorCode } from '../../platform/errors.js';
import { checkFormToken, issueFormToken } from '../../platform/http/form-token.js';
import { formValues, listField, parseForm } from '../../platform/http/form.js';
import { oneTimeToken } from '../../platform/http/spent-tokens.js';
import type { FieldErrors } from '../../platform/views/form.js';
import { sendPage } from '../../platform/views/render.js';
import { staffContext, staffErrorPage } from '../../platform/views/staff-layout.js';
import { isolate } from '../../platform/text.js';
import { CASE_STATUSES } from '../../contracts/case.js';
import { parseCaseId } from './case.js';
import { caseFlashes } from './case.flash.js';
import { can } from './case.policy.js';
import { queueOptions } from './case.present.js';
import { QueueQuery } from './case.schema.js';
import * as service from './case.service.js';
import { BULK_MAX, bulkUpdate, type BulkChange } from './bulk.service.js';
import { normaliseQuery, readViewQuery, SaveViewForm, VIEW_KEYS, withoutPage } from './saved-view.js';
import { deleteView, listSavedViews, saveView } from './saved-view.service.js';
import { QueuePage } from './views/queue.js';
import { queueNotes } from './case-extensions.js';

// The queue (`GET /staff`), the change to the rows selected on it (`POST /staff/cases/bulk`)
// and a person's saved views of it (`POST /staff/views`, `POST /staff/views/:id/delete`). The
// staff surface has checked the session, the CSRF token and the route's action (`case.list`:
// whoever works the queue); the services ask again, case by case, with the case's facts.

/** The bulk form's one-time token (platform/http/spent-tokens.ts): the same form sent twice changes once. */
const BULK_FORM = 'case-bulk-form';

/** A refused filter's message key: the schema's own when it names one, else a general one. */
function filterErrors(issues: readonly { path: PropertyKey[]; message: string }[]): FieldErrors {
  const errors: FieldErrors = {};
  for (const i of issues) {
    const field = String(i.path[0] ?? 'status');
    errors[field] ??= i.message.startsWith('cases.') ? i.message : 'cases.error.filter_invalid';
  }
  return errors;
}

/** The queue's address for a normalised query. */
const queueHref = (qs: string) => (qs ? `/staff?${qs}` : '/staff');

/** Registers the queue, its bulk change and the saved views. */
export function registerQueueRoutes(app: FastifyInstance, deps: Deps, assets: SurfaceAssets): void {
  const errorPage = staffErrorPage(assets.cssUrl);
  const me = (req: FastifyRequest): Principal => req.principal!;

  /**
   * The queue for `raw` (a query's values, blanks dropped): the page with its rows, or with
   * `errors` (422) when a filter is refused; `extra` keeps a refused save form's name.
   */
  async function renderQueue(
    req: FastifyRequest,
    reply: FastifyReply,
    raw: Record<string, unknown>,
    extra: { status?: number; errors?: FieldErrors; values?: Record<string, string> } = {},
  ): Promise<FastifyReply> {
    const parsed = QueueQuery.safeParse(raw);
    const filters = Object.fromEntries(
      [...VIEW_KEYS].flatMap((k) => (typeof raw[k] === 'string' ? [[k, raw[k] as string]] : [])),
    );
    let errors: FieldErrors = parsed.success ? {} : filterErrors(parsed.error.issues);
    const query = parsed.success ? parsed.data : null;
    // The page and what its forms offer, asked for together.
    const [page, { options, labels, workers }, saved] = await Promise.all([
      query ? service.listQueue(deps, me(req), query, { firstLines: true }) : null,
      queueOptions(deps, req.locale),
      listSavedViews(deps, me(req)),
    ]);
    if (page && !page.ok) {
      if (page.code !== 'VALIDATION_FAILED') return errorPage(req, reply, page.code);
      errors = { [page.field ?? 'status']: page.field === 'received_to' ? 'cases.error.range_reversed' : 'cases.error.filter_invalid' };
    }
    const qs = query ? normaliseQuery(query) : '';
    const link = (cursor?: string) => {
      const params = new URLSearchParams(qs);
      if (cursor) params.set('cursor', cursor);
      return queueHref(params.toString());
    };
    const value = page?.ok ? page.value : null;
    // What other modules say of the rows (ADR 31): one call each for the whole page.
    const notes = value ? await queueNotes(deps, value.rows.map((r) => r.id), req.locale) : undefined;
    const allErrors = { ...errors, ...extra.errors };
    return sendPage(
      reply,
      Object.keys(errors).length > 0 ? 422 : (extra.status ?? 200),
      QueuePage({
        ctx: staffContext(req, assets.cssUrl, caseFlashes.read(req)),
        view: query?.view ?? (raw.view === 'spam' ? 'spam' : 'main'),
        may: {
          markSpam: can(me(req), 'case.mark_spam'),
          notSpam: can(me(req), 'case.not_spam'),
          bulk: can(me(req), 'case.status') || can(me(req), 'case.assign'),
        },
        rows: value?.rows ?? [],
        total: value?.total,
        firstLines: value?.firstLines,
        notes,
        filters,
        options,
        bulkStaff: workers.map((w) => ({ value: w.id, label: isolate(w.displayName) })),
        labels,
        now: deps.now(),
        nextHref: value?.nextCursor ? link(value.nextCursor) : null,
        firstHref: query?.cursor ? link() : null,
        errors: allErrors,
        values: extra.values,
        query: value ? qs : undefined,
        bulkToken: issueFormToken(deps.vault.formKey, BULK_FORM, deps.now()),
        savedViews: saved,
      }),
    );
  }

  app.get('/', { config: { action: 'case.list' } }, async (req, reply) =>
    renderQueue(req, reply, formValues(req.query, 'drop')),
  );

  // The rows ticked on the queue, one assignee or one status for all of them, in one transaction.
  app.post('/cases/bulk', { config: { action: 'case.list' } }, async (req, reply) => {
    const body = formValues(req.body, 'drop');
    const back = typeof body.back === 'string' ? readViewQuery(withoutPage(body.back)) : null;
    const backHref = queueHref(back ? normaliseQuery(back) : '');
    const list = listField(req.body, 'case', BULK_MAX);
    // More ids than a page has, or one that is not an id at all: a broken or forged form (422).
    if (list === null) return errorPage(req, reply, 'VALIDATION_FAILED');
    const ids: number[] = [];
    for (const v of list) {
      const id = parseCaseId(v);
      if (id === null) return errorPage(req, reply, 'VALIDATION_FAILED');
      ids.push(id);
    }
    if (ids.length === 0) return caseFlashes.redirect(reply, backHref, 'bulk_none');
    let change: BulkChange;
    if (body.op === 'assign') {
      const who = body.bulk_assignee;
      if (typeof who !== 'string' || who.length > 64) return caseFlashes.redirect(reply, backHref, 'bulk_no_choice');
      change = { assignee_id: who === 'none' ? null : who };
    } else if (body.op === 'status') {
      const status = CASE_STATUSES.find((s) => s === body.bulk_status && s !== 'spam');
      if (!status) return caseFlashes.redirect(reply, backHref, 'bulk_no_choice');
      change = { status };
    } else {
      return errorPage(req, reply, 'VALIDATION_FAILED');
    }
    // A valid token makes a second copy of the same form harmless; a stale one still sends, as the reply form does.
    const check = checkFormToken(deps.vault.formKey, BULK_FORM, body._once, deps.now());
    const once = check.ok ? oneTimeToken(deps.vault, 'case-bulk-form-token', String(body._once), check.issuedAt) : undefined;
    const result = await bulkUpdate(deps, me(req), ids, change, once);
    if (!result.ok) return errorPage(req, reply, result.code as ErrorCode);
    if (result.value.repeated) return caseFlashes.redirect(reply, backHref, 'bulk_repeated');
    return caseFlashes.redirect(reply, backHref, 'bulk_done', {
      count: result.value.changed,
      skipped: result.value.skipped,
    });
  });

  app.post('/views', { config: { action: 'case.list' } }, async (req, reply) => {
    const values = formValues(req.body, 'keep');
    const query = typeof values.query === 'string' ? withoutPage(values.query) : '';
    const raw = Object.fromEntries(new URLSearchParams(query.length <= 1_000 ? query : ''));
    const parsed = parseForm(SaveViewForm, { ...values, query }, { blank: 'keep' });
    const typed = { view_name: typeof values.view_name === 'string' ? values.view_name.slice(0, 200) : '' };
    if (!parsed.ok) return renderQueue(req, reply, raw, { status: 422, errors: parsed.errors, values: typed });
    const saved = await saveView(deps, me(req), parsed.data.view_name, parsed.data.query);
    if (!saved.ok) {
      if (saved.field === 'query') return errorPage(req, reply, 'VALIDATION_FAILED');
      const key = saved.code === 'CONFLICT' ? 'cases.saved.error.name_taken' : errorDefinition(saved.code).messageKey;
      return renderQueue(req, reply, raw, { status: 422, errors: { view_name: key }, values: typed });
    }
    return caseFlashes.redirect(reply, queueHref(normaliseQuery(readViewQuery(parsed.data.query)!)), 'view_saved');
  });

  app.post('/views/:id/delete', { config: { action: 'case.list' } }, async (req, reply) => {
    const id = (req.params as { id?: string }).id ?? '';
    // Someone else's view, or none: the same 404 (a view one may not know about).
    if (!/^[0-9a-f-]{36}$/.test(id)) return errorPage(req, reply, 'NOT_FOUND');
    const result = await deleteView(deps, me(req), id);
    if (!result.ok) return errorPage(req, reply, result.code);
    return caseFlashes.redirect(reply, '/staff', 'view_deleted');
  });
}
