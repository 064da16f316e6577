import { CASE_STATUSES } from '../../../contracts/case.js';
import type { Option } from '../../../platform/views/form.js';
import { CsrfField, Select } from '../../../platform/views/form.js';
import { StaffLayout, type StaffPageContext } from '../../../platform/views/staff-layout.js';
import { ALL_STATUSES, caseClock } from '../case.js';
import type { QueueRow } from '../case.repo.js';
import { ClockText } from './format.js';
import { TableScroll } from '../../../platform/views/table-scroll.js';

export interface QueueOptions {
  incidentTypes: Option[];
  regions: Option[];
  languages: Option[];
  staff: Option[];
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
  escalation: { leadMinutes: number; directorMinutes: number };
  nextHref: string | null;
  firstHref: string | null;
  /** Which queue: the main one, or requests intake saved as suspected spam. */
  view?: 'main' | 'spam';
  /** What the viewer may do in the suspected-spam queue. */
  may?: { markSpam: boolean; notSpam: boolean };
}

/** Statuses from which a case may be marked as spam (see STATUS_TRANSITIONS). */
const MARKABLE = new Set(['new', 'vetting']);

/** The workspace home: the queue, new and unanswered first, with a plain GET filter form. */
export function QueuePage(p: QueueViewProps) {
  const { t } = p.ctx;
  const dash = t('cases.queue.none');
  const spam = p.view === 'spam';
  const may = p.may ?? { markSpam: false, notSpam: false };
  const title = spam ? t('cases.queue.view_spam') : t('cases.queue.title');
  const table = (
    <TableScroll label={title}>
      <table class="queue">
        <caption class="visually-hidden">
          {spam ? t('cases.queue.spam_caption') : t('cases.queue.caption')}
        </caption>
        <thead>
          <tr>
            {spam && may.markSpam ? <th scope="col">{t('cases.field.select')}</th> : null}
            <th scope="col">{t('cases.field.case')}</th>
            <th scope="col">{t('cases.field.clock')}</th>
            <th scope="col">{t('cases.field.status')}</th>
            {spam ? <th scope="col">{t('cases.field.spam_reason')}</th> : null}
            <th scope="col">{t('cases.field.urgency')}</th>
            <th scope="col">{t('cases.field.incident_type')}</th>
            <th scope="col">{t('cases.field.region')}</th>
            <th scope="col">{t('cases.field.language')}</th>
            <th scope="col">{t('cases.field.assignee')}</th>
            {spam && may.notSpam ? <td></td> : null}
          </tr>
        </thead>
        <tbody>
          {p.rows.map((r) => (
            <tr class={r.awaiting_reply ? 'awaiting' : undefined}>
              {spam && may.markSpam ? (
                <td>
                  {MARKABLE.has(r.status) ? (
                    <>
                      <input type="checkbox" name="case" value={String(r.id)} id={`case-${r.id}`} />
                      <label for={`case-${r.id}`} class="visually-hidden">
                        {t('cases.spam.select_case', { id: r.id })}
                      </label>
                    </>
                  ) : null}
                </td>
              ) : null}
              <td>
                <a href={`/staff/cases/${r.id}`}>{t('cases.case_number', { id: r.id })}</a>
              </td>
              <td>
                <ClockText
                  t={t}
                  at={p.ctx}
                  clock={caseClock(
                    r,
                    p.now,
                    p.escalation.leadMinutes,
                    p.escalation.directorMinutes,
                  )}
                />
              </td>
              <td>{t(`cases.status.${r.status}`)}</td>
              {spam ? (
                <td>{r.spam_reason ? t(`cases.spam_reason.${r.spam_reason}`) : dash}</td>
              ) : null}
              <td>{t(`cases.urgency_short.${r.urgency}`)}</td>
              <td>
                {r.incident_type
                  ? (p.labels.incidentType.get(r.incident_type) ?? r.incident_type)
                  : t('cases.queue.untriaged')}
              </td>
              <td>{r.region ? (p.labels.region.get(r.region) ?? r.region) : dash}</td>
              <td>{p.labels.language.get(r.language) ?? r.language}</td>
              <td>{r.assignee_name ? <bdi>{r.assignee_name}</bdi> : t('cases.queue.unassigned')}</td>
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
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
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
      <h1>{title}</h1>
      {spam ? <p>{t('cases.queue.spam_intro')}</p> : null}
      <form method="get" action="/staff" class="filters" aria-label={t('cases.queue.filters')}>
        {spam ? <input type="hidden" name="view" value="spam" /> : null}
        <Select
          t={t}
          name="status"
          label={t('cases.field.status')}
          blank={t('cases.queue.status_active')}
          value={p.filters.status}
          options={[
            { value: ALL_STATUSES, label: t('cases.queue.status_all') },
            ...CASE_STATUSES.map((s) => ({ value: s, label: t(`cases.status.${s}`) })),
          ]}
        />
        <Select
          t={t}
          name="incident_type"
          label={t('cases.field.incident_type')}
          blank={t('cases.queue.any')}
          value={p.filters.incident_type}
          options={p.options.incidentTypes}
        />
        <Select
          t={t}
          name="region"
          label={t('cases.field.region')}
          blank={t('cases.queue.any')}
          value={p.filters.region}
          options={p.options.regions}
        />
        <Select
          t={t}
          name="language"
          label={t('cases.field.language')}
          blank={t('cases.queue.any')}
          value={p.filters.language}
          options={p.options.languages}
        />
        <Select
          t={t}
          name="assignee"
          label={t('cases.field.assignee')}
          blank={t('cases.queue.anyone')}
          value={p.filters.assignee}
          options={[
            { value: 'mine', label: t('cases.queue.mine') },
            { value: 'unassigned', label: t('cases.queue.unassigned') },
            ...p.options.staff,
          ]}
        />
        <button type="submit">{t('cases.queue.apply')}</button>
        <a href={spam ? '/staff?view=spam' : '/staff'}>{t('cases.queue.clear')}</a>
      </form>
      {p.rows.length === 0 ? (
        <p>{t('cases.queue.empty')}</p>
      ) : spam && (may.markSpam || may.notSpam) ? (
        <form method="post" action="/staff/cases/mark-spam">
          <CsrfField token={p.ctx.csrfToken} />
          {table}
          {may.markSpam ? <button type="submit">{t('cases.spam.mark_selected')}</button> : null}
        </form>
      ) : spam ? (
        table
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
