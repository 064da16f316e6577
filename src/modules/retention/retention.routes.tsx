import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CASE_STATUSES } from '../../contracts/case.js';
import type { Deps } from '../../contracts/deps.js';
import type { SurfaceAssets } from '../../contracts/module.js';
import { createJobRunner, listJobs } from '../../platform/jobs/jobs.js';
import { fieldErrors, formBody } from '../../platform/http/validation.js';
import type { FieldErrors } from '../../platform/views/form.js';
import { sendPage } from '../../platform/views/render.js';
import { staffContext, staffErrorPage } from '../../platform/views/staff-layout.js';
import { RETENTION_JOB, retentionJob } from './retention.job.js';
import { can } from './retention.policy.js';
import { RetentionRuleInput } from './retention.schema.js';
import { listRules, saveRule } from './retention.service.js';
import { RetentionPage, type RuleFormValues } from './views/retention.js';

/** A form value as sent; a repeated field keeps its first value; long values are cut. */
function field(body: Record<string, string | string[] | undefined>, name: string): string {
  const v = body[name];
  const s = typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '';
  return s.slice(0, 64);
}

/** /staff/retention: administrators read and change the retention rules. */
export function registerRetentionRoutes(app: FastifyInstance, deps: Deps, assets: SurfaceAssets): void {
  const errorPage = staffErrorPage(assets.cssUrl);

  // A status without a label (one a newer module added) shows as its code.
  const statusLabel = (req: FastifyRequest) => (code: string) =>
    deps.i18n.has(req.locale, `cases.status.${code}`) ? req.t(`cases.status.${code}`) : code;

  async function page(
    req: FastifyRequest,
    reply: FastifyReply,
    status: number,
    values: RuleFormValues,
    errors: FieldErrors,
    flash?: string,
  ) {
    const rules = await listRules(deps);
    const job = (await listJobs(deps.db)).find((j) => j.name === RETENTION_JOB);
    const statuses = [...new Set([...CASE_STATUSES, ...rules.map((r) => r.status)])];
    return sendPage(
      reply,
      status,
      <RetentionPage
        ctx={staffContext(req, assets.cssUrl, flash)}
        rules={rules}
        statuses={statuses}
        statusLabel={statusLabel(req)}
        job={job ? { lastRunAt: job.last_run_at, nextRunAt: job.next_run_at, lastError: job.last_error } : null}
        values={values}
        errors={errors}
      />,
    );
  }

  app.get('/retention', async (req, reply) => {
    if (!can(req.principal, 'retention.view')) return errorPage(req, reply, 'FORBIDDEN');
    const q = req.query as Record<string, unknown>;
    const rules = await listRules(deps);
    const editing = typeof q.edit === 'string' ? rules.find((r) => r.status === q.edit) : undefined;
    const values: RuleFormValues = editing
      ? { status: editing.status, basis: editing.basis, days: String(editing.days), enabled: editing.enabled }
      : {};
    const flash =
      q.done === 'saved'
        ? req.t('retention.done.saved')
        : q.done === 'ran'
          ? req.t('retention.done.ran')
          : q.done === 'busy'
            ? req.t('retention.done.busy')
            : q.done === 'failed'
              ? req.t('retention.done.failed')
              : undefined;
    return page(req, reply, 200, values, {}, flash);
  });

  app.post('/retention', async (req, reply) => {
    if (!can(req.principal, 'retention.edit')) return errorPage(req, reply, 'FORBIDDEN');
    const body = formBody(req.body);
    const values: RuleFormValues = {
      status: field(body, 'status'),
      basis: field(body, 'basis'),
      days: field(body, 'days'),
      enabled: field(body, 'enabled') === 'yes',
    };
    const parsed = RetentionRuleInput.safeParse({
      status: values.status,
      basis: values.basis,
      days: values.days,
      enabled: field(body, 'enabled'),
    });
    if (!parsed.success) return page(req, reply, 422, values, fieldErrors(parsed.error));
    await saveRule(deps, req.principal!, parsed.data);
    return reply.redirect('/staff/retention?done=saved', 303);
  });

  // "Run now": claims the job like the schedule does, so it never runs twice at once.
  app.post('/retention/run', async (req, reply) => {
    if (!can(req.principal, 'retention.run')) return errorPage(req, reply, 'FORBIDDEN');
    const [result] = await createJobRunner(deps, [retentionJob(deps)]).runDue({ force: true });
    const done = result?.outcome === 'done' ? 'ran' : result?.outcome === 'locked' ? 'busy' : 'failed';
    return reply.redirect(`/staff/retention?done=${done}`, 303);
  });
}
