import type { FieldErrors } from '../../../platform/views/form.js';
import { ErrorSummary, TextField } from '../../../platform/views/form.js';
import { StaffLayout, type StaffPageContext } from '../../../platform/views/staff-layout.js';
import { QueueTable, type QueueRow } from '../../cases/index.js';
import { QUERY_MAX_CHARS } from '../tokens.js';

export interface SearchPageProps {
  ctx: StaffPageContext;
  /** What was typed (shown again, cut to the box's length). */
  q: string;
  /** Null before a search (the box alone) or when the query was refused. */
  rows: QueueRow[] | null;
  labels: { incidentType: Map<string, string>; region: Map<string, string>; language: Map<string, string> };
  now: number;
  nextHref: string | null;
  firstHref: string | null;
  errors?: FieldErrors;
}

/**
 * /staff/search: a box (a GET form, so it works without script), then the cases found as the
 * queue shows its rows, newest first, fifty a page with a link to the next. Only structured
 * fields are shown: no case text is opened to list results (ADR 37).
 */
export function SearchPage(p: SearchPageProps) {
  const { t } = p.ctx;
  const errors = p.errors ?? {};
  const title = t('search.title');
  return (
    <StaffLayout ctx={p.ctx} title={title}>
      <h1>{title}</h1>
      <ErrorSummary t={t} errors={errors} labels={{ q: t('search.query') }} locale={p.ctx.locale} />
      <form method="get" action="/staff/search" role="search" novalidate>
        <TextField
          t={t}
          type="search"
          name="q"
          label={t('search.query')}
          hint={t('search.hint')}
          error={errors.q}
          value={p.q.slice(0, QUERY_MAX_CHARS)}
          maxLength={QUERY_MAX_CHARS}
        />
        <button type="submit">{t('search.submit')}</button>
      </form>
      {p.rows === null ? null : p.rows.length === 0 ? (
        <p role="status">{t('search.none')}</p>
      ) : (
        <>
          <p role="status">{t('search.found', { count: p.rows.length, more: p.nextHref ? 'yes' : 'no' })}</p>
          <QueueTable
            ctx={p.ctx}
            rows={p.rows}
            labels={p.labels}
            now={p.now}
            title={t('search.results')}
            sort="received"
          />
        </>
      )}
      <nav class="pager" aria-label={t('search.pages')}>
        {p.firstHref ? <a href={p.firstHref}>{t('search.first_page')}</a> : null}
        {p.nextHref ? <a href={p.nextHref}>{t('search.next_page')}</a> : null}
      </nav>
    </StaffLayout>
  );
}
