import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CASE_STATUSES } from '../../contracts/case.js';
import type { Deps } from '../../deps.js';
import type { SurfaceAssets } from '../../contracts/module.js';
import { createJobRunner, listJobs } from '../../platform/jobs/jobs.js';
import { defineFlashes } from '../../platform/http/flash.js';
import { readForm, textField } from '../../platform/http/form.js';
import type { FieldErrors, Option } from '../../platform/views/form.js';
import { sendPage } from '../../platform/views/render.js';
import { staffContext, staffErrorPage } from '../../platform/views/staff-layout.js';
import { listTerms, taxonomyOptions, termLabels } from '../taxonomies/index.js';
import type { RetentionRule } from './retention.js';
import { RETENTION_JOB, retentionJob } from './retention.job.js';
import { retentionRuleInput, RetentionRuleKeyInput } from './retention.schema.js';
import { deleteRule, findRule, listRules, saveRule } from './retention.service.js';
import { DeleteRulePage, RetentionPage, type RuleFormValues } from './views/retention.js';

/** A form or query value as sent ('' when absent); a repeated field keeps its first value. */
const raw = (body: unknown, name: string): string => textField(body, name, Infinity) ?? '';

/** How long a value shown again in a re-rendered form may be, so an oversized one is not echoed whole. */
const SHOWN = 64;
const shown = (v: string): string => v.slice(0, SHOWN);

const flashes = defineFlashes({
  saved: 'retention.done.saved',
  deleted: 'retention.done.deleted',
  ran: 'retention.done.ran',
  busy: 'retention.done.busy',
  failed: 'retention.done.failed',
});

/** /staff/retention: administrators read and change the retention rules. */
export function registerRetentionRoutes(app: FastifyInstance, deps: Deps, assets: SurfaceAssets): void {
  const errorPage = staffErrorPage(assets.cssUrl);

  // A status without a label (one a newer module added) shows as its code.
  const statusLabel = (req: FastifyRequest) => (code: string) =>
    deps.i18n.has(req.locale, `cases.status.${code}`) ? req.t(`cases.status.${code}`) : code;

  /**
   * The taxonomy's incident types in use, labelled in the reader's language (as triage labels
   * them); `keep`, the type of the rule being changed, is offered even when it has been retired.
   */
  async function incidentTypes(req: FastifyRequest, keep?: string): Promise<Option[]> {
    return taxonomyOptions(deps, 'incident_type', req.locale, { keep });
  }

  // A type the taxonomy has retired since its rule was written is still named; an unknown one shows as its code.
  const typeLabelOf = (labels: Map<string, string>) => (code: string) => labels.get(code) ?? code;

  async function page(
    req: FastifyRequest,
    reply: FastifyReply,
    status: number,
    values: RuleFormValues,
    errors: FieldErrors,
    flash?: string,
  ) {
    const [rules, types, labels, jobs] = await Promise.all([
      listRules(deps),
      incidentTypes(req, values.incident_type),
      termLabels(deps, 'incident_type', req.locale),
      listJobs(deps.db),
    ]);
    const job = jobs.find((j) => j.name === RETENTION_JOB);
    const statuses = [...new Set([...CASE_STATUSES, ...rules.map((r) => r.status)])];
    return sendPage(
      reply,
      status,
      <RetentionPage
        ctx={staffContext(req, assets.cssUrl, flash)}
        rules={rules}
        statuses={statuses}
        statusLabel={statusLabel(req)}
        incidentTypes={types}
        typeLabel={typeLabelOf(labels)}
        job={job ? { lastRunAt: job.last_run_at, nextRunAt: job.next_run_at, lastError: job.last_error } : null}
        values={values}
        errors={errors}
      />,
    );
  }

  /** The type-specific rule a delete names, or undefined (unknown, malformed, or a general rule). */
  async function typeRuleOf(status: string, incidentType: string) {
    const key = RetentionRuleKeyInput.safeParse({ status, incident_type: incidentType });
    if (!key.success) return undefined;
    const rule = await findRule(deps, { status: key.data.status, incidentType: key.data.incident_type });
    return rule as (RetentionRule & { incidentType: string }) | undefined;
  }

  app.get('/retention', { config: { action: 'retention.view' } }, async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const status = raw(q, 'edit');
    const type = raw(q, 'type');
    const editing = status ? await findRule(deps, { status, incidentType: type || null }) : undefined;
    const values: RuleFormValues = editing
      ? {
          status: editing.status,
          incident_type: editing.incidentType ?? '',
          basis: editing.basis,
          days: String(editing.days),
          enabled: editing.enabled,
        }
      : status
        ? { status: shown(status), incident_type: shown(type) }
        : {};
    return page(req, reply, 200, values, {}, flashes.read(req));
  });

  app.post('/retention', { config: { action: 'retention.edit' } }, async (req, reply) => {
    // Known types: the taxonomy's, and any that already has a rule (so it can still be changed).
    const known = new Set([
      ...(await listTerms(deps, 'incident_type')).map((t) => t.code),
      ...(await listRules(deps)).flatMap((r) => (r.incidentType === null ? [] : [r.incidentType])),
    ]);
    const form = readForm(req, retentionRuleInput(known), {
      fields: ['status', 'incident_type', 'basis', 'days', 'enabled'],
      shown: SHOWN,
    });
    if (!form.ok) {
      const { status, incident_type, basis, days, enabled } = form.values;
      const values: RuleFormValues = { status, incident_type, basis, days, enabled: enabled === 'yes' };
      return page(req, reply, 422, values, form.errors);
    }
    await saveRule(deps, req.principal!, form.data);
    return flashes.redirect(reply, '/staff/retention', 'saved');
  });

  // Deleting a type-specific rule: a page that says what changes, then a POST.
  app.get('/retention/delete', { config: { action: 'retention.edit' } }, async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const rule = await typeRuleOf(raw(q, 'status'), raw(q, 'type'));
    if (!rule) return errorPage(req, reply, 'NOT_FOUND');
    const [general, labels] = await Promise.all([
      findRule(deps, { status: rule.status, incidentType: null }),
      termLabels(deps, 'incident_type', req.locale),
    ]);
    return sendPage(
      reply,
      200,
      <DeleteRulePage
        ctx={staffContext(req, assets.cssUrl)}
        rule={rule}
        general={general}
        statusLabel={statusLabel(req)}
        typeLabel={typeLabelOf(labels)}
      />,
    );
  });

  app.post('/retention/delete', { config: { action: 'retention.edit' } }, async (req, reply) => {
    const rule = await typeRuleOf(raw(req.body, 'status'), raw(req.body, 'incident_type'));
    if (!rule) return errorPage(req, reply, 'NOT_FOUND');
    const result = await deleteRule(deps, req.principal!, rule);
    if (!result.ok) return errorPage(req, reply, result.code);
    return flashes.redirect(reply, '/staff/retention', 'deleted');
  });

  // "Run now": claims the job like the schedule does, so it never runs twice at once. A run in
  // progress ends at its next case when Haven stops (the server waits for this request).
  const runNow = createJobRunner(deps, [retentionJob(deps)]);
  app.addHook('preClose', async () => runNow.stop());
  app.post('/retention/run', { config: { action: 'retention.run' } }, async (req, reply) => {
    const [result] = await runNow.runDue({ force: true });
    const done = result?.outcome === 'done' ? 'ran' : result?.outcome === 'locked' ? 'busy' : 'failed';
    return flashes.redirect(reply, '/staff/retention', done);
  });
}
