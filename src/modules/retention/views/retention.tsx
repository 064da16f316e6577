import {
  Checkbox,
  CsrfField,
  ErrorSummary,
  Select,
  TextField,
  type FieldErrors,
  type Option,
} from '../../../platform/views/form.js';
import type { Translate } from '../../../platform/i18n/index.js';
import { StaffLayout, type StaffPageContext } from '../../../platform/views/staff-layout.js';
import { formatTime } from '../../../platform/views/time.js';
import { RETENTION_BASES, RETENTION_DAYS, type RetentionRule, type RuleKey } from '../retention.js';
import { TableScroll } from '../../../platform/views/table-scroll.js';

export interface RuleFormValues {
  status?: string | undefined;
  incident_type?: string | undefined;
  basis?: string | undefined;
  days?: string | undefined;
  enabled?: boolean | undefined;
}

export interface RetentionPageProps {
  ctx: StaffPageContext;
  rules: RetentionRule[];
  /** Status codes the form offers: every case status and every status with a rule. */
  statuses: string[];
  statusLabel: (code: string) => string;
  /** Incident types the form offers (the taxonomy's), labelled in the reader's language. */
  incidentTypes: Option[];
  /** An incident type's label; a code the taxonomy no longer has shows as itself. */
  typeLabel: (code: string) => string;
  job: { lastRunAt: number | null; nextRunAt: number; lastError: string | null } | null;
  values: RuleFormValues;
  errors: FieldErrors;
}

/** A rule's key in a link: `edit=<status>` (change) or `status=<status>` (delete), and `type=<code>`. */
function ruleQuery(key: RuleKey, param: 'edit' | 'status' = 'edit'): string {
  const q = new URLSearchParams({ [param]: key.status });
  if (key.incidentType !== null) q.set('type', key.incidentType);
  return q.toString();
}

/** A rule's period in words: "90 days after closure". */
export function ruleText(t: Translate, r: Pick<RetentionRule, 'basis' | 'days'>): string {
  return t(`retention.basis_days.${r.basis}`, { days: r.days });
}

/** The rules of one status: its general rule (if any) first, then one per incident type. */
function groupByStatus(rules: RetentionRule[], typeLabel: (code: string) => string) {
  const groups = new Map<
    string,
    { general: RetentionRule | undefined; specific: RetentionRule[] }
  >();
  for (const r of rules) {
    const g = groups.get(r.status) ?? { general: undefined, specific: [] };
    if (r.incidentType === null) g.general = r;
    else g.specific.push(r);
    groups.set(r.status, g);
  }
  for (const g of groups.values())
    g.specific.sort((a, b) => typeLabel(a.incidentType!).localeCompare(typeLabel(b.incidentType!)));
  return [...groups.entries()];
}

/**
 * Administrators: the retention rules grouped by status (the general rule, then the rules
 * for single incident types), the schedule's state, and a form to add or change a rule.
 */
export function RetentionPage(p: RetentionPageProps) {
  const { ctx } = p;
  const t = ctx.t;
  const labels = {
    status: t('retention.field.status'),
    incident_type: t('retention.field.incident_type'),
    basis: t('retention.field.basis'),
    days: t('retention.field.days'),
    enabled: t('retention.field.enabled'),
  };
  const named = (r: RuleKey) =>
    r.incidentType === null
      ? p.statusLabel(r.status)
      : t('retention.rule_named', {
          status: p.statusLabel(r.status),
          type: p.typeLabel(r.incidentType),
        });
  return (
    <StaffLayout ctx={ctx} title={t('retention.title')}>
      <h1>{t('retention.title')}</h1>
      <p>{t('retention.intro')}</p>
      <p>{t('retention.precedence')}</p>
      <TableScroll label={t('retention.title')}>
        <table>
          <caption class="visually-hidden">{t('retention.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{labels.status}</th>
              <th scope="col">{labels.incident_type}</th>
              <th scope="col">{t('retention.rule')}</th>
              <th scope="col">{labels.enabled}</th>
              <th scope="col">{t('retention.updated')}</th>
              <th scope="col">
                <span class="visually-hidden">{t('retention.actions')}</span>
              </th>
            </tr>
          </thead>
          {groupByStatus(p.rules, p.typeLabel).map(([status, g]) => (
            <tbody>
              <tr>
                <th scope="rowgroup" rowspan={1 + g.specific.length}>
                  {p.statusLabel(status)}
                </th>
                <td>{t('retention.type_any')}</td>
                {g.general ? (
                  <>
                    <td>{ruleText(t, g.general)}</td>
                    <td>{g.general.enabled ? t('retention.on') : t('retention.off')}</td>
                    <td>{formatTime(ctx, g.general.updatedAt)}</td>
                    <td>
                      <a
                        href={`/staff/retention?${ruleQuery(g.general)}#rule-form`}
                        aria-label={t('retention.edit_named', { rule: named(g.general) })}
                      >
                        {t('retention.edit')}
                      </a>
                    </td>
                  </>
                ) : (
                  <>
                    <td>{t('retention.no_general')}</td>
                    <td>{t('retention.off')}</td>
                    <td></td>
                    <td>
                      <a
                        href={`/staff/retention?${ruleQuery({ status, incidentType: null })}#rule-form`}
                        aria-label={t('retention.add_named', { rule: p.statusLabel(status) })}
                      >
                        {t('retention.add')}
                      </a>
                    </td>
                  </>
                )}
              </tr>
              {g.specific.map((r) => (
                <tr>
                  <td>{p.typeLabel(r.incidentType!)}</td>
                  <td>{ruleText(t, r)}</td>
                  <td>{r.enabled ? t('retention.on') : t('retention.off_keeps')}</td>
                  <td>{formatTime(ctx, r.updatedAt)}</td>
                  <td>
                    <a
                      href={`/staff/retention?${ruleQuery(r)}#rule-form`}
                      aria-label={t('retention.edit_named', { rule: named(r) })}
                    >
                      {t('retention.edit')}
                    </a>{' '}
                    <a
                      href={`/staff/retention/delete?${ruleQuery(r, 'status')}`}
                      aria-label={t('retention.delete_named', { rule: named(r) })}
                    >
                      {t('retention.delete')}
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          ))}
        </table>
      </TableScroll>
      <p>
        {p.job?.lastRunAt
          ? t('retention.job_last_run', { when: formatTime(ctx, p.job.lastRunAt) })
          : t('retention.job_never_run')}{' '}
        {p.job
          ? t('retention.job_next_run', { when: formatTime(ctx, p.job.nextRunAt) })
          : null}
        {p.job?.lastError ? (
          <strong> {t('retention.job_failed', { error: p.job.lastError })}</strong>
        ) : null}
      </p>

      <form method="post" action="/staff/retention/run">
        <CsrfField token={ctx.csrfToken} />
        <p class="hint">{t('retention.run_hint')}</p>
        <button type="submit" class="secondary">
          {t('retention.run')}
        </button>
      </form>

      <section class="panel" aria-labelledby="rule-title" id="rule-form">
        <h2 id="rule-title">{t('retention.form_title')}</h2>
        <p class="hint">{t('retention.form_hint')}</p>
        <ErrorSummary t={t} errors={p.errors} labels={labels} />
        <form method="post" action="/staff/retention" novalidate>
          <CsrfField token={ctx.csrfToken} />
          <Select
            t={t}
            name="status"
            label={labels.status}
            value={p.values.status}
            error={p.errors.status}
            options={p.statuses.map((s) => ({ value: s, label: p.statusLabel(s) }))}
          />
          <Select
            t={t}
            name="incident_type"
            label={labels.incident_type}
            hint={t('retention.incident_type_hint')}
            value={p.values.incident_type ?? ''}
            error={p.errors.incident_type}
            blank={t('retention.type_any_option')}
            options={p.incidentTypes}
          />
          <Select
            t={t}
            name="basis"
            label={labels.basis}
            value={p.values.basis ?? 'closed_at'}
            error={p.errors.basis}
            options={RETENTION_BASES.map((b) => ({ value: b, label: t(`retention.basis.${b}`) }))}
          />
          <TextField
            t={t}
            name="days"
            label={labels.days}
            hint={t('retention.days_hint', { min: RETENTION_DAYS.min, max: RETENTION_DAYS.max })}
            value={p.values.days}
            inputmode="numeric"
            maxLength={5}
            error={p.errors.days}
          />
          <Checkbox
            t={t}
            name="enabled"
            label={labels.enabled}
            checked={p.values.enabled ?? true}
            error={p.errors.enabled}
          />
          <button type="submit">{t('retention.save')}</button>
        </form>
      </section>
    </StaffLayout>
  );
}

export interface DeleteRulePageProps {
  ctx: StaffPageContext;
  rule: RetentionRule & { incidentType: string };
  /** The status's general rule, which then governs cases of the rule's type; undefined when there is none. */
  general: RetentionRule | undefined;
  statusLabel: (code: string) => string;
  typeLabel: (code: string) => string;
}

/** Administrators: what deleting a type-specific rule changes, said before it happens. */
export function DeleteRulePage(p: DeleteRulePageProps) {
  const { ctx, rule, general } = p;
  const t = ctx.t;
  const names = { status: p.statusLabel(rule.status), type: p.typeLabel(rule.incidentType) };
  return (
    <StaffLayout ctx={ctx} title={t('retention.delete_title')}>
      <h1>{t('retention.delete_title')}</h1>
      <p>{t('retention.delete_which', { ...names, rule: ruleText(t, rule) })}</p>
      <p>
        {general?.enabled
          ? t('retention.delete_then_general', { ...names, rule: ruleText(t, general) })
          : t('retention.delete_then_kept', names)}
      </p>
      <form method="post" action="/staff/retention/delete">
        <CsrfField token={ctx.csrfToken} />
        <input type="hidden" name="status" value={rule.status} />
        <input type="hidden" name="incident_type" value={rule.incidentType} />
        <button type="submit">{t('retention.delete_confirm')}</button>{' '}
        <a href="/staff/retention">{t('retention.cancel')}</a>
      </form>
    </StaffLayout>
  );
}
