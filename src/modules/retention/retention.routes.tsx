import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CASE_STATUSES } from '../../contracts/case.js';
import type { Deps } from '../../deps.js';
import type { SurfaceAssets } from '../../contracts/module.js';
import { createJobRunner, listJobs } from '../../platform/jobs/jobs.js';
import { fieldErrors, formBody } from '../../platform/http/validation.js';
import type { FieldErrors, Option } from '../../platform/views/form.js';
import { sendPage } from '../../platform/views/render.js';
import { staffContext, staffErrorPage } from '../../platform/views/staff-layout.js';
import { listTerms, termLabel } from '../cases/index.js';
import type { RetentionRule } from './retention.js';
import { RETENTION_JOB, retentionJob } from './retention.job.js';
import { can } from './retention.policy.js';
import { retentionRuleInput, RetentionRuleKeyInput } from './retention.schema.js';
import { deleteRule, findRule, listRules, saveRule } from './retention.service.js';
import { DeleteRulePage, RetentionPage, type RuleFormValues } from './views/retention.js';

/** A form or query value as sent; a repeated field keeps its first value. */
function raw(body: Record<string, unknown>, name: string): string {
  const v = body[name];
  return typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '';
}

/** A value to show again in a re-rendered form: cut, so an oversized value is not echoed whole. */
const shown = (v: string): string => v.slice(0, 64);

const FLASHES = ['saved', 'deleted', 'ran', 'busy', 'failed'] as const;

/** /staff/retention: administrators read and change the retention rules. */
export function registerRetentionRoutes(app: FastifyInstance, deps: Deps, assets: SurfaceAssets): void {
  const errorPage = staffErrorPage(assets.cssUrl);

  // A status without a label (one a newer module added) shows as its code.
  const statusLabel = (req: FastifyRequest) => (code: string) =>
    deps.i18n.has(req.locale, `cases.status.${code}`) ? req.t(`cases.status.${code}`) : code;

  /** The taxonomy's incident types, labelled in the reader's language (as triage labels them). */
  async function incidentTypes(req: FastifyRequest): Promise<Option[]> {
    return (await listTerms(deps, 'incident_type')).map((term) => ({
      value: term.code,
      label: termLabel(term, req.locale),
    }));
  }

  // A type the taxonomy has retired since its rule was written shows as its code.
  const typeLabelOf = (options: Option[]) => (code: string) =>
    options.find((o) => o.value === code)?.label ?? code;

  async function page(
    req: FastifyRequest,
    reply: FastifyReply,
    status: number,
    values: RuleFormValues,
    errors: FieldErrors,
    flash?: string,
  ) {
    const [rules, types, jobs] = await Promise.all([listRules(deps), incidentTypes(req), listJobs(deps.db)]);
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
        typeLabel={typeLabelOf(types)}
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

  app.get('/retention', async (req, reply) => {
    if (!can(req.principal, 'retention.view')) return errorPage(req, reply, 'FORBIDDEN');
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
    const done = FLASHES.find((f) => f === q.done);
    return page(req, reply, 200, values, {}, done ? req.t(`retention.done.${done}`) : undefined);
  });

  app.post('/retention', async (req, reply) => {
    if (!can(req.principal, 'retention.edit')) return errorPage(req, reply, 'FORBIDDEN');
    const body = formBody(req.body);
    const input = {
      status: raw(body, 'status'),
      incident_type: raw(body, 'incident_type'),
      basis: raw(body, 'basis'),
      days: raw(body, 'days'),
      enabled: raw(body, 'enabled'),
    };
    const values: RuleFormValues = {
      status: shown(input.status),
      incident_type: shown(input.incident_type),
      basis: shown(input.basis),
      days: shown(input.days),
      enabled: input.enabled === 'yes',
    };
    // Known types: the taxonomy's, and any that already has a rule (so it can still be changed).
    const known = new Set([
      ...(await listTerms(deps, 'incident_type')).map((t) => t.code),
      ...(await listRules(deps)).flatMap((r) => (r.incidentType === null ? [] : [r.incidentType])),
    ]);
    const parsed = retentionRuleInput(known).safeParse(input);
    if (!parsed.success) return page(req, reply, 422, values, fieldErrors(parsed.error));
    await saveRule(deps, req.principal!, parsed.data);
    return reply.redirect('/staff/retention?done=saved', 303);
  });

  // Deleting a type-specific rule: a page that says what changes, then a POST.
  app.get('/retention/delete', async (req, reply) => {
    if (!can(req.principal, 'retention.edit')) return errorPage(req, reply, 'FORBIDDEN');
    const q = req.query as Record<string, unknown>;
    const rule = await typeRuleOf(raw(q, 'status'), raw(q, 'type'));
    if (!rule) return errorPage(req, reply, 'NOT_FOUND');
    const [general, types] = await Promise.all([
      findRule(deps, { status: rule.status, incidentType: null }),
      incidentTypes(req),
    ]);
    return sendPage(
      reply,
      200,
      <DeleteRulePage
        ctx={staffContext(req, assets.cssUrl)}
        rule={rule}
        general={general}
        statusLabel={statusLabel(req)}
        typeLabel={typeLabelOf(types)}
      />,
    );
  });

  app.post('/retention/delete', async (req, reply) => {
    if (!can(req.principal, 'retention.edit')) return errorPage(req, reply, 'FORBIDDEN');
    const body = formBody(req.body);
    const rule = await typeRuleOf(raw(body, 'status'), raw(body, 'incident_type'));
    if (!rule) return errorPage(req, reply, 'NOT_FOUND');
    const result = await deleteRule(deps, req.principal!, rule);
    if (!result.ok) return errorPage(req, reply, result.code);
    return reply.redirect('/staff/retention?done=deleted', 303);
  });

  // "Run now": claims the job like the schedule does, so it never runs twice at once.
  app.post('/retention/run', async (req, reply) => {
    if (!can(req.principal, 'retention.run')) return errorPage(req, reply, 'FORBIDDEN');
    const [result] = await createJobRunner(deps, [retentionJob(deps)]).runDue({ force: true });
    const done = result?.outcome === 'done' ? 'ran' : result?.outcome === 'locked' ? 'busy' : 'failed';
    return reply.redirect(`/staff/retention?done=${done}`, 303);
  });
}
