import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import type { SurfaceAssets } from '../../contracts/module.js';
import type { Subject } from '../../platform/auth/policy.js';
import { isolate } from '../../platform/text.js';
import { ErrorSummary, TextField, type FieldErrors } from '../../platform/views/form.js';
import { sendPage } from '../../platform/views/render.js';
import { StaffLayout, staffContext } from '../../platform/views/staff-layout.js';
import { parseCaseId } from './case.js';
import { can, type CaseFacts } from './case.policy.js';
import { getCaseRow } from './case.repo.js';
import { mayKnow } from './access.js';

/** The longest case number the box takes as typed (ids are at most ten digits; room for "#" and spaces). */
const NUMBER_MAX = 20;

/** What was typed, read: a case id, or the message key of why it is not one. */
export function readCaseNumber(raw: unknown): { id: number } | { error: string } {
  if (typeof raw !== 'string') return { error: 'common.goto.malformed' };
  const typed = raw.trim();
  if (typed === '') return { error: 'common.goto.empty' };
  if (typed.length > NUMBER_MAX) return { error: 'common.goto.malformed' };
  // "#1234", as people write a case number in a message, is 1234.
  const id = parseCaseId(typed.replace(/^#\s*/, ''));
  return id === null ? { error: 'common.goto.malformed' } : { id };
}

function GotoPage(props: {
  req: FastifyRequest;
  cssUrl: string;
  value?: string | undefined;
  errors?: FieldErrors;
  notFound?: number;
}) {
  const ctx = staffContext(props.req, props.cssUrl);
  const { t } = ctx;
  const errors = props.errors ?? {};
  return (
    <StaffLayout ctx={ctx} title={t('common.goto.title')}>
      <h1>{t('common.goto.title')}</h1>
      <ErrorSummary t={t} errors={errors} labels={{ number: t('common.goto.number') }} locale={ctx.locale} />
      {props.notFound !== undefined ? (
        <p role="status">{t('common.goto.not_found', { number: isolate(String(props.notFound)) })}</p>
      ) : null}
      <form method="get" action="/staff/cases/go" novalidate>
        <TextField
          t={t}
          name="number"
          label={t('common.goto.number')}
          hint={t('common.goto.hint')}
          error={errors.number}
          value={props.value}
          inputmode="numeric"
          maxLength={NUMBER_MAX}
        />
        <button type="submit">{t('common.goto.submit')}</button>
      </form>
    </StaffLayout>
  );
}

/**
 * `GET /staff/cases/go?number=…`, the staff bar's "go to case" box (a GET form, so it works
 * without script). A case the person may see: 303 to its page. A number naming no case, and a
 * case the person may not see, get the same 404 page, so the box never tells whether a case
 * exists. What is not a case number: the form again with its error (422). Without `number`,
 * the form alone. The route's action is `case.view` (the surface refuses anyone who may see no
 * case, whatever the number); the case's own facts are asked here, through `mayView`, which
 * tests replace with a stricter rule.
 */
export function registerGotoRoutes(
  app: FastifyInstance,
  deps: Deps,
  assets: SurfaceAssets,
  opts: { mayView?: (principal: Subject, facts: CaseFacts) => boolean } = {},
): void {
  const mayView = opts.mayView ?? ((p, facts) => can(p, 'case.view', facts));
  app.get('/cases/go', { config: { action: 'case.view' } }, async (req: FastifyRequest, reply: FastifyReply) => {
    const raw = (req.query as Record<string, unknown>).number;
    if (raw === undefined) return sendPage(reply, 200, <GotoPage req={req} cssUrl={assets.cssUrl} />);
    const read = readCaseNumber(raw);
    const typed = typeof raw === 'string' ? raw.slice(0, NUMBER_MAX) : '';
    if ('error' in read) {
      return sendPage(reply, 422, <GotoPage req={req} cssUrl={assets.cssUrl} value={typed} errors={{ number: read.error }} />);
    }
    const row = await getCaseRow(deps.db, read.id);
    // A restricted case the person may not know is answered as a number naming no case (ADR 32).
    if (row && mayView(req.principal!, row) && (await mayKnow(deps.db, req.principal!, row)))
      return reply.redirect(`/staff/cases/${read.id}`, 303);
    return sendPage(reply, 404, <GotoPage req={req} cssUrl={assets.cssUrl} value={String(read.id)} notFound={read.id} />);
  });
}
