import {
  Checkbox,
  CsrfField,
  ErrorSummary,
  Select,
  TextField,
  type FieldErrors,
} from '../../../platform/views/form.js';
import { StaffLayout, type StaffPageContext } from '../../../platform/views/staff-layout.js';
import { formatTime } from '../../cases/views/format.js';
import { RETENTION_BASES, RETENTION_DAYS, type RetentionRule } from '../retention.js';

export interface RuleFormValues {
  status?: string | undefined;
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
  job: { lastRunAt: number | null; nextRunAt: number; lastError: string | null } | null;
  values: RuleFormValues;
  errors: FieldErrors;
}

/** Administrators: the retention rules, the schedule's state, and a form to add or change a rule. */
export function RetentionPage(p: RetentionPageProps) {
  const { ctx } = p;
  const t = ctx.t;
  const labels = {
    status: t('retention.field.status'),
    basis: t('retention.field.basis'),
    days: t('retention.field.days'),
    enabled: t('retention.field.enabled'),
  };
  return (
    <StaffLayout ctx={ctx} title={t('retention.title')}>
      <h1>{t('retention.title')}</h1>
      <p>{t('retention.intro')}</p>
      <table>
        <caption class="visually-hidden">{t('retention.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{labels.status}</th>
            <th scope="col">{t('retention.rule')}</th>
            <th scope="col">{labels.enabled}</th>
            <th scope="col">{t('retention.updated')}</th>
            <th scope="col">
              <span class="visually-hidden">{t('retention.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {p.rules.map((r) => (
            <tr>
              <td>{p.statusLabel(r.status)}</td>
              <td>{t(`retention.basis_days.${r.basis}`, { days: r.days })}</td>
              <td>{r.enabled ? t('retention.on') : t('retention.off')}</td>
              <td>{formatTime(ctx.locale, r.updatedAt)}</td>
              <td>
                <a
                  href={`/staff/retention?edit=${encodeURIComponent(r.status)}#rule-form`}
                  aria-label={t('retention.edit_named', { status: p.statusLabel(r.status) })}
                >
                  {t('retention.edit')}
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        {p.job?.lastRunAt
          ? t('retention.job_last_run', { when: formatTime(ctx.locale, p.job.lastRunAt) })
          : t('retention.job_never_run')}{' '}
        {p.job ? t('retention.job_next_run', { when: formatTime(ctx.locale, p.job.nextRunAt) }) : null}
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
