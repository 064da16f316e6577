import { ErrorSummary, Select, TextField, type FieldErrors } from '../../../platform/views/form.js';
import { StaffLayout, type StaffPageContext } from '../../../platform/views/staff-layout.js';
import { TableScroll } from '../../../platform/views/table-scroll.js';
import { formatTime, isoTime } from '../../../platform/views/time.js';
import { isolate } from '../../../platform/text.js';
import type { AuditRow } from '../audit.repo.js';
import type { AuditOptions } from '../audit.service.js';

export interface AuditPageProps {
  ctx: StaffPageContext;
  /** The filters as typed (shown again in the form). */
  values: Record<string, string>;
  /** A message key per refused filter: the page then lists nothing (a 422). */
  errors: FieldErrors;
  options: AuditOptions;
  rows: AuditRow[];
  nextHref: string | null;
  firstHref: string | null;
  /** The export of the entries the filters select; null when they were refused or the reader may not export. */
  csvHref: string | null;
  /** An action in words in the reader's language (`audit.action.<code>`), or null for an action never labelled. */
  actionLabel: (action: string) => string | null;
}

/** A code (an action, a field name) as written in the code, kept left to right. */
function Code(p: { children: string }) {
  return (
    <code dir="ltr">
      <bdi>{p.children}</bdi>
    </code>
  );
}

/**
 * What was done: in words, with its code (what the filter and the export hold) beside it; an
 * action no version of Haven labelled (written by an older one, say) as its code alone.
 */
function Action(p: { label: string | null; code: string }) {
  if (p.label === null) return <Code>{p.code}</Code>;
  return (
    <>
      {p.label} <small>
        <Code>{p.code}</Code>
      </small>
    </>
  );
}

/** Who did it: a person by name, through the API, the requester, or Haven itself. */
function Who(p: { ctx: StaffPageContext; row: AuditRow }) {
  const { t } = p.ctx;
  const r = p.row;
  if (r.actorKind === 'requester') return <>{t('audit.actor.requester')}</>;
  if (r.actorKind === 'system') return <>{t('audit.actor.system')}</>;
  if (r.actorName === null) return <>{t('audit.actor.unknown')}</>;
  if (r.actorKind === 'api') return <>{t('audit.actor.api', { name: isolate(r.actorName) })}</>;
  return <bdi>{r.actorName}</bdi>;
}

/**
 * An entry's detail: the field names and codes the log holds (never content), each pair as
 * written, kept left to right and isolated from the page's direction.
 */
function Detail(p: { detail: string | null }) {
  if (p.detail === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(p.detail);
  } catch {
    return <Code>{p.detail}</Code>;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return <Code>{p.detail}</Code>;
  return (
    <ul>
      {Object.entries(parsed as Record<string, unknown>).map(([k, v]) => (
        <li>
          <Code>{`${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`}</Code>
        </li>
      ))}
    </ul>
  );
}

function Filters(p: AuditPageProps) {
  const { ctx, values, errors, options, actionLabel } = p;
  const t = ctx.t;
  return (
    <form method="get" action="/staff/audit" class="filters">
      <Select
        t={t}
        name="actor"
        label={t('audit.filter.actor')}
        blank={t('audit.filter.actor_any')}
        value={values.actor}
        error={errors.actor}
        options={options.people.map((o) => ({ value: o.id, label: o.displayName }))}
      />
      <Select
        t={t}
        name="action"
        label={t('audit.filter.action')}
        blank={t('audit.filter.action_any')}
        value={values.action}
        error={errors.action}
        options={options.actions.map((a) => {
          const label = actionLabel(a);
          return { value: a, label: label === null ? a : `${label} ${isolate(a)}` };
        })}
      />
      <TextField
        t={t}
        name="case"
        label={t('audit.filter.case')}
        value={values.case}
        error={errors.case}
        inputmode="numeric"
        maxLength={10}
      />
      <TextField
        t={t}
        name="from"
        type="date"
        label={t('audit.filter.from')}
        hint={t('audit.filter.date_hint')}
        value={values.from}
        error={errors.from}
        maxLength={10}
      />
      <TextField
        t={t}
        name="to"
        type="date"
        label={t('audit.filter.to')}
        hint={t('audit.filter.date_hint')}
        value={values.to}
        error={errors.to}
        maxLength={10}
      />
      <button type="submit">{t('audit.filter.apply')}</button>
      <a href="/staff/audit">{t('audit.filter.clear')}</a>
    </form>
  );
}

/**
 * Administrators and auditors: the audit log across every case and account, newest first,
 * filtered by person, action, case and days in UTC, a page at a time, with its CSV export.
 */
export function AuditPage(p: AuditPageProps) {
  const { ctx } = p;
  const t = ctx.t;
  const labels = {
    actor: t('audit.filter.actor'),
    action: t('audit.filter.action'),
    case: t('audit.filter.case'),
    from: t('audit.filter.from'),
    to: t('audit.filter.to'),
  };
  const refused = Object.keys(p.errors).length > 0;
  return (
    <StaffLayout ctx={ctx} title={t('audit.title')}>
      <ErrorSummary t={t} errors={p.errors} labels={labels} locale={ctx.locale} />
      <h1>{t('audit.title')}</h1>
      <p>{t('audit.intro')}</p>
      <Filters {...p} />
      {p.csvHref ? (
        <p>
          <a href={p.csvHref}>{t('audit.export')}</a>
        </p>
      ) : null}
      {refused ? null : p.rows.length === 0 ? (
        <p>{t('audit.none')}</p>
      ) : (
        <TableScroll label={t('audit.entries')}>
          <table>
            <caption class="visually-hidden">{t('audit.entries')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('audit.col.when')}</th>
                <th scope="col">{t('audit.col.who')}</th>
                <th scope="col">{t('audit.col.action')}</th>
                <th scope="col">{t('audit.col.case')}</th>
                <th scope="col">{t('audit.col.detail')}</th>
              </tr>
            </thead>
            <tbody>
              {p.rows.map((r) => (
                <tr>
                  <td>
                    <time datetime={isoTime(r.at)}>{formatTime(ctx, r.at)}</time>
                  </td>
                  <td>
                    <Who ctx={ctx} row={r} />
                  </td>
                  <td>
                    <Action label={p.actionLabel(r.action)} code={r.action} />
                  </td>
                  <td>
                    {r.caseId === null ? null : (
                      <a href={`/staff/cases/${r.caseId}`}>{t('audit.case_link', { id: r.caseId })}</a>
                    )}
                  </td>
                  <td>
                    <Detail detail={r.detail} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {p.firstHref || p.nextHref ? (
        <nav class="pager" aria-label={t('audit.pages')}>
          {p.firstHref ? <a href={p.firstHref}>{t('audit.first_page')}</a> : null}
          {p.nextHref ? <a href={p.nextHref}>{t('audit.next_page')}</a> : null}
        </nav>
      ) : null}
    </StaffLayout>
  );
}
