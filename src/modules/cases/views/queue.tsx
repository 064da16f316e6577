import { CASE_STATUSES } from '../../../contracts/case.js';
import type { FieldErrors, Option } from '../../../platform/views/form.js';
import { CsrfField, ErrorSummary, Select, TextField } from '../../../platform/views/form.js';
import { StaffLayout, type StaffPageContext } from '../../../platform/views/staff-layout.js';
import { ALL_STATUSES, caseClock } from '../case.js';
import type { QueueRow } from '../case.repo.js';
import { QUEUE_SORTS, type QueueSort } from '../queue.js';
import { SAVED_VIEW_NAME_MAX } from '../saved-view.js';
import { ClockText, Moment } from './format.js';
import { TableScroll } from '../../../platform/views/table-scroll.js';

export interface QueueOptions {
  incidentTypes: Option[];
  regions: Option[];
  languages: Option[];
  staff: Option[];
}

/** A saved view as the queue lists it: its name and the queue's address it opens. */
export interface SavedViewLink {
  id: string;
  name: string;
  href: string;
}

export interface QueueViewProps {
  ctx: StaffPageContext;
  rows: QueueRow[];
  /** The filters as typed (strings), to keep them in the form. */
  filters: Record<string, string | undefined>;
  options: QueueOptions;
  labels: {
    incidentType: Map<string, string>;
    region: Map<string, string>;
    language: Map<string, string>;
  };
  now: number;
  nextHref: string | null;
  firstHref: string | null;
  /** Which queue: the main one, or requests intake saved as suspected spam. */
  view?: 'main' | 'spam';
  /** What the viewer may do in the suspected-spam queue, and with selected cases of the main one. */
  may?: { markSpam: boolean; notSpam: boolean; bulk?: boolean };
  /** How many cases match (at most QUEUE_COUNT_MAX, `capped` when more); absent on a refused filter. */
  total?: { count: number; capped: boolean };
  /** Each row's request, its first line; null for a purged case. */
  firstLines?: Map<number, string | null>;
  /** Other modules' short notes on each row (a checklist's progress, say; ADR 31), in the viewer's language. */
  notes?: Map<number, string[]>;
  /** The filter form's refused fields (a 422), with their message keys. */
  errors?: FieldErrors;
  /** The current query, normalised, as the bulk and save forms send it back. */
  query?: string;
  /** The bulk form's one-time token. */
  bulkToken?: string;
  /** This person's saved views. */
  savedViews?: SavedViewLink[];
  /** Who the selected rows may be given to: active staff who can hold cases. */
  bulkStaff?: Option[];
  /** What was typed in a refused save form. */
  values?: Record<string, string> | undefined;
}

/** Each order's caption for the table, and its name in the order field. */
const CAPTIONS: Record<QueueSort, string> = {
  deadline: 'cases.queue.caption',
  activity: 'cases.queue.caption_activity',
  received: 'cases.queue.caption_received',
};
const SORT_LABELS: Record<QueueSort, string> = {
  deadline: 'cases.queue.sort_deadline',
  activity: 'cases.queue.sort_activity',
  received: 'cases.queue.sort_received',
};
const sortOf = (s: string | undefined): QueueSort => QUEUE_SORTS.find((x) => x === s) ?? 'deadline';

/** Statuses from which a case may be marked as spam (see STATUS_TRANSITIONS). */
const MARKABLE = new Set(['new', 'vetting']);

/** What the queue's table shows: the rows, and what the viewer may do with them. */
export type QueueTableProps = Pick<
  QueueViewProps,
  'ctx' | 'rows' | 'firstLines' | 'notes' | 'labels' | 'now' | 'view' | 'may' | 'bulkToken'
> & {
  /** The order's name (its caption); the deadline order by default. */
  sort?: string | undefined;
  /** The table's accessible name. */
  title: string;
};

/**
 * The queue's table, one row per case (a card on a narrow screen): the queue shows it, and
 * the search module shows its results with it (ADR 37), so both read the same way.
 */
export function QueueTable(p: QueueTableProps) {
  const { t } = p.ctx;
  const dash = t('cases.queue.none');
  const spam = p.view === 'spam';
  const may = p.may ?? { markSpam: false, notSpam: false };
  const bulk = !spam && may.bulk === true && p.bulkToken !== undefined;
  const select = (spam && may.markSpam) || bulk;
  const title = p.title;
  const col = {
    case: t('cases.field.case'),
    request: t('cases.field.request'),
    clock: t('cases.field.clock'),
    status: t('cases.field.status'),
    activity: t('cases.field.last_activity'),
    reason: t('cases.field.spam_reason'),
    urgency: t('cases.field.urgency'),
    incident: t('cases.field.incident_type'),
    region: t('cases.field.region'),
    language: t('cases.field.language'),
    assignee: t('cases.field.assignee'),
  };
  const table = (
    <TableScroll label={title}>
      <table class="queue">
        <caption class="visually-hidden">
          {spam ? t('cases.queue.spam_caption') : t(CAPTIONS[sortOf(p.sort)])}
        </caption>
        <thead>
          <tr>
            {select ? <th scope="col">{t('cases.field.select')}</th> : null}
            <th scope="col">{col.case}</th>
            <th scope="col">{col.request}</th>
            <th scope="col">{col.clock}</th>
            <th scope="col">{col.status}</th>
            <th scope="col">{col.activity}</th>
            {spam ? <th scope="col">{col.reason}</th> : null}
            <th scope="col">{col.urgency}</th>
            <th scope="col">{col.incident}</th>
            <th scope="col">{col.region}</th>
            <th scope="col">{col.language}</th>
            <th scope="col">{col.assignee}</th>
            {spam && may.notSpam ? <td></td> : null}
          </tr>
        </thead>
        <tbody>
          {p.rows.map((r) => {
            const line = p.firstLines?.get(r.id);
            return (
              <tr class={r.awaiting_reply ? 'awaiting' : undefined}>
                {select ? (
                  <td class="pick">
                    {bulk || MARKABLE.has(r.status) ? (
                      <>
                        <input type="checkbox" name="case" value={String(r.id)} id={`case-${r.id}`} />
                        <label for={`case-${r.id}`} class="visually-hidden">
                          {t('cases.spam.select_case', { id: r.id })}
                        </label>
                      </>
                    ) : null}
                  </td>
                ) : null}
                <td class="case">
                  <a href={`/staff/cases/${r.id}`}>{t('cases.case_number', { id: r.id })}</a>
                </td>
                <td class="request" data-label={col.request}>
                  {/* The requester's own words: isolated, in their direction, one line. */}
                  {typeof line === 'string' ? <bdi dir="auto">{line}</bdi> : dash}
                  {p.notes?.get(r.id)?.map((note) => (
                    <span class="row-note">{note}</span>
                  ))}
                </td>
                <td data-label={col.clock}>
                  <ClockText
                    t={t}
                    at={p.ctx}
                    clock={caseClock(r, p.now)}
                  />
                </td>
                <td data-label={col.status}>{t(`cases.status.${r.status}`)}</td>
                <td data-label={col.activity}>
                  <Moment at={p.ctx} ms={r.last_activity_at} />
                </td>
                {spam ? (
                  <td data-label={col.reason}>{r.spam_reason ? t(`cases.spam_reason.${r.spam_reason}`) : dash}</td>
                ) : null}
                <td data-label={col.urgency}>{t(`cases.urgency_short.${r.urgency}`)}</td>
                <td data-label={col.incident}>
                  {r.incident_type
                    ? (p.labels.incidentType.get(r.incident_type) ?? r.incident_type)
                    : t('cases.queue.untriaged')}
                </td>
                <td data-label={col.region}>{r.region ? (p.labels.region.get(r.region) ?? r.region) : dash}</td>
                <td data-label={col.language}>{p.labels.language.get(r.language) ?? r.language}</td>
                <td data-label={col.assignee}>
                  {r.assignee_name ? <bdi>{r.assignee_name}</bdi> : t('cases.queue.unassigned')}
                </td>
                {spam && may.notSpam ? (
                  <td>
                    {/* One form for the whole table (no JavaScript, no nested forms): this button
                    sends it to the not-spam address of its own row instead. */}
                    <button
                      type="submit"
                      formaction={`/staff/cases/${r.id}/not-spam`}
                      aria-label={t('cases.spam.not_spam_case', { id: r.id })}
                    >
                      {t('cases.spam.not_spam')}
                    </button>
                  </td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableScroll>
  );
  return table;
}

/**
 * The workspace home: the queue with its total, a plain GET filter form (behind a disclosure on
 * a narrow screen), the person's saved views, and in the main queue a form for the selected
 * rows (assign, status). On a narrow screen each row is a card.
 */
export function QueuePage(p: QueueViewProps) {
  const { t } = p.ctx;
  const spam = p.view === 'spam';
  const may = p.may ?? { markSpam: false, notSpam: false };
  const bulk = !spam && may.bulk === true && p.bulkToken !== undefined;
  const title = spam ? t('cases.queue.view_spam') : t('cases.queue.title');
  const errors = p.errors ?? {};
  // The filters' own refusals (the save form's name is not one of them).
  const refused = Object.keys(errors).some((k) => k !== 'view_name');
  // How many filters or a non-default order are set: said on the folded disclosure of a narrow screen.
  const setCount = Object.entries(p.filters).filter(([k, v]) => v && k !== 'view' && !(k === 'sort' && v === 'deadline')).length;
  const col = {
    case: t('cases.field.case'),
    request: t('cases.field.request'),
    clock: t('cases.field.clock'),
    status: t('cases.field.status'),
    activity: t('cases.field.last_activity'),
    reason: t('cases.field.spam_reason'),
    urgency: t('cases.field.urgency'),
    incident: t('cases.field.incident_type'),
    region: t('cases.field.region'),
    language: t('cases.field.language'),
    assignee: t('cases.field.assignee'),
  };
  const table = (
    <QueueTable
      ctx={p.ctx}
      rows={p.rows}
      firstLines={p.firstLines}
      notes={p.notes}
      labels={p.labels}
      now={p.now}
      view={p.view}
      may={p.may}
      bulkToken={p.bulkToken}
      sort={p.filters.sort}
      title={title}
    />
  );
  const filterLabels: Record<string, string> = {
    received_from: t('cases.queue.received_from'),
    received_to: t('cases.queue.received_to'),
    sort: t('cases.queue.sort'),
    status: col.status,
    incident_type: col.incident,
    region: col.region,
    language: col.language,
    assignee: col.assignee,
    cursor: t('cases.queue.pages'),
    view_name: t('cases.saved.name'),
  };
  const bulkControls = bulk ? (
    <fieldset class="bulk">
      <legend>{t('cases.bulk.legend')}</legend>
      <input type="hidden" name="_once" value={p.bulkToken} />
      <input type="hidden" name="back" value={p.query ?? ''} />
      <div class="bulk-row">
        <Select
          t={t}
          name="bulk_assignee"
          label={t('cases.bulk.assignee')}
          blank={t('cases.bulk.choose')}
          options={[{ value: 'none', label: t('cases.queue.unassigned') }, ...(p.bulkStaff ?? [])]}
        />
        <button type="submit" name="op" value="assign">
          {t('cases.bulk.assign')}
        </button>
      </div>
      <div class="bulk-row">
        <Select
          t={t}
          name="bulk_status"
          label={t('cases.bulk.status')}
          blank={t('cases.bulk.choose')}
          options={CASE_STATUSES.filter((s) => s !== 'spam').map((s) => ({ value: s, label: t(`cases.status.${s}`) }))}
        />
        <button type="submit" name="op" value="status">
          {t('cases.bulk.set_status')}
        </button>
      </div>
    </fieldset>
  ) : null;
  return (
    <StaffLayout ctx={p.ctx} title={title}>
      <nav aria-label={t('cases.queue.views')}>
        <a href="/staff" aria-current={spam ? undefined : 'page'}>
          {t('cases.queue.view_main')}
        </a>{' '}
        <a href="/staff?view=spam" aria-current={spam ? 'page' : undefined}>
          {t('cases.queue.view_spam')}
        </a>
      </nav>
      <h1>
        {title}
        {p.total ? (
          <>
            {' '}
            <span class="total">
              {t('cases.queue.total', { count: p.total.count, more: p.total.capped ? 'yes' : 'no' })}
            </span>
          </>
        ) : null}
      </h1>
      {spam ? <p>{t('cases.queue.spam_intro')}</p> : null}
      <ErrorSummary t={t} errors={errors} labels={filterLabels} locale={p.ctx.locale} />
      {p.savedViews && p.savedViews.length > 0 ? (
        <nav class="saved-views" aria-label={t('cases.saved.title')}>
          <h2>{t('cases.saved.title')}</h2>
          <ul>
            {p.savedViews.map((v) => (
              <li>
                <a href={v.href}>
                  <bdi>{v.name}</bdi>
                </a>
                <form method="post" action={`/staff/views/${v.id}/delete`} class="inline">
                  <CsrfField token={p.ctx.csrfToken} />
                  <button type="submit" class="link" aria-label={t('cases.saved.delete_named', { name: v.name })}>
                    {t('cases.saved.delete')}
                  </button>
                </form>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      <details class="filters-box" open={Object.keys(errors).length > 0 ? true : undefined}>
        <summary>
          {t('cases.queue.filters_and_order')}
          {setCount > 0 ? <span class="set"> · {t('cases.queue.filters_set', { count: setCount })}</span> : null}
        </summary>
        <form method="get" action="/staff" class="filters" aria-label={t('cases.queue.filters')}>
          {spam ? <input type="hidden" name="view" value="spam" /> : null}
          <Select
            t={t}
            name="status"
            label={col.status}
            blank={t('cases.queue.status_active')}
            value={p.filters.status}
            error={errors.status}
            options={[
              { value: ALL_STATUSES, label: t('cases.queue.status_all') },
              ...CASE_STATUSES.map((s) => ({ value: s, label: t(`cases.status.${s}`) })),
            ]}
          />
          <Select
            t={t}
            name="incident_type"
            label={col.incident}
            blank={t('cases.queue.any')}
            value={p.filters.incident_type}
            error={errors.incident_type}
            options={p.options.incidentTypes}
          />
          <Select
            t={t}
            name="region"
            label={col.region}
            blank={t('cases.queue.any')}
            value={p.filters.region}
            error={errors.region}
            options={p.options.regions}
          />
          <Select
            t={t}
            name="language"
            label={col.language}
            blank={t('cases.queue.any')}
            value={p.filters.language}
            error={errors.language}
            options={p.options.languages}
          />
          <Select
            t={t}
            name="assignee"
            label={col.assignee}
            blank={t('cases.queue.anyone')}
            value={p.filters.assignee}
            error={errors.assignee}
            options={[
              { value: 'mine', label: t('cases.queue.mine') },
              { value: 'unassigned', label: t('cases.queue.unassigned') },
              ...p.options.staff,
            ]}
          />
          <TextField
            t={t}
            type="date"
            name="received_from"
            label={filterLabels.received_from!}
            value={p.filters.received_from}
            error={errors.received_from}
          />
          <TextField
            t={t}
            type="date"
            name="received_to"
            label={filterLabels.received_to!}
            value={p.filters.received_to}
            error={errors.received_to}
          />
          <Select
            t={t}
            name="sort"
            label={filterLabels.sort!}
            value={p.filters.sort ?? 'deadline'}
            error={errors.sort}
            options={QUEUE_SORTS.map((s) => ({ value: s, label: t(SORT_LABELS[s]) }))}
          />
          <div class="filter-actions">
            <button type="submit">{t('cases.queue.apply')}</button>{' '}
            <a href={spam ? '/staff?view=spam' : '/staff'}>{t('cases.queue.clear')}</a>
          </div>
        </form>
        {p.query !== undefined && !refused ? (
          <form method="post" action="/staff/views" class="save-view">
            <CsrfField token={p.ctx.csrfToken} />
            <input type="hidden" name="query" value={p.query} />
            <TextField
              t={t}
              name="view_name"
              label={filterLabels.view_name!}
              maxLength={SAVED_VIEW_NAME_MAX}
              value={p.values?.view_name}
              error={errors.view_name}
            />
            <button type="submit" class="secondary">
              {t('cases.saved.save')}
            </button>
          </form>
        ) : null}
      </details>
      {p.rows.length === 0 ? (
        <p>{refused ? t('cases.queue.refused') : t('cases.queue.empty')}</p>
      ) : spam && (may.markSpam || may.notSpam) ? (
        <form method="post" action="/staff/cases/mark-spam">
          <CsrfField token={p.ctx.csrfToken} />
          {table}
          {may.markSpam ? <button type="submit">{t('cases.spam.mark_selected')}</button> : null}
        </form>
      ) : bulk ? (
        <form method="post" action="/staff/cases/bulk" class="bulk-form">
          <CsrfField token={p.ctx.csrfToken} />
          {table}
          {bulkControls}
        </form>
      ) : (
        table
      )}
      <nav class="pager" aria-label={t('cases.queue.pages')}>
        {p.firstHref ? <a href={p.firstHref}>{t('cases.queue.first_page')}</a> : null}
        {p.nextHref ? <a href={p.nextHref}>{t('cases.queue.next_page')}</a> : null}
      </nav>
    </StaffLayout>
  );
}
