import { isolate } from '../../../platform/text.js';
import {
  CsrfField,
  ErrorSummary,
  TextArea,
  type FieldErrors,
} from '../../../platform/views/form.js';
import { StaffLayout, type StaffPageContext } from '../../../platform/views/staff-layout.js';
import { TableScroll } from '../../../platform/views/table-scroll.js';
import { formatTime, isoTime } from '../../../platform/views/time.js';
import type { HandoverCase } from '../../cases/index.js';
import { SECTIONS, type HandoverSummary, type HandoverView } from '../handover.service.js';
import { NOTE_MAX } from '../shift.schema.js';
import { People } from './shifts.js';

// The handovers' pages: the recent ones (those waiting for acknowledgement marked), and one
// handover with its team's cases by section, its notes and its forms. Pure functions of data.

export const HANDOVERS_HREF = '/staff/handovers';
export const handoverHref = (id: string): string => `${HANDOVERS_HREF}/${encodeURIComponent(id)}`;

/** A handover's state in words: acknowledged by whom and when, waiting, or not due yet. */
function State(p: {
  ctx: StaffPageContext;
  h: HandoverSummary;
  names: ReadonlyMap<string, string>;
  now: number;
}) {
  const { ctx, h } = p;
  const t = ctx.t;
  if (h.acknowledgedAt !== null)
    return (
      <>
        {t('shifts.handover.acknowledged_by', {
          person: isolate(
            h.acknowledgedBy === null
              ? t('shifts.unknown_person')
              : (p.names.get(h.acknowledgedBy) ?? t('shifts.unknown_person')),
          ),
        })}{' '}
        <time datetime={isoTime(h.acknowledgedAt)}>{formatTime(ctx, h.acknowledgedAt)}</time>
      </>
    );
  if (h.waiting) return <strong class="attention">{t('shifts.handover.waiting')}</strong>;
  return <>{t('shifts.handover.not_due')}</>;
}

/** /staff/handovers: recent handovers, newest first; those waiting for acknowledgement marked. */
export function HandoversPage(p: {
  ctx: StaffPageContext;
  handovers: HandoverSummary[];
  names: ReadonlyMap<string, string>;
  now: number;
  onlyWaiting: boolean;
  waitingCount: number | null;
  next: string | null;
}) {
  const { ctx } = p;
  const t = ctx.t;
  return (
    <StaffLayout ctx={ctx} title={t('shifts.handovers.title')}>
      <h1 id="handovers-title">{t('shifts.handovers.title')}</h1>
      <p>{t('shifts.handovers.intro')}</p>
      {p.waitingCount !== null ? (
        <p>
          <strong>{t('shifts.handovers.waiting_count', { count: p.waitingCount })}</strong>
        </p>
      ) : null}
      <p>
        {p.onlyWaiting ? (
          <a href={HANDOVERS_HREF}>{t('shifts.handovers.show_all')}</a>
        ) : (
          <a href={`${HANDOVERS_HREF}?show=waiting`}>{t('shifts.handovers.show_waiting')}</a>
        )}
      </p>
      {p.handovers.length === 0 ? (
        <p>{t('shifts.handovers.none')}</p>
      ) : (
        <TableScroll label={t('shifts.handovers.title')}>
          <table aria-labelledby="handovers-title">
            <thead>
              <tr>
                <th scope="col">{t('shifts.col.team')}</th>
                <th scope="col">{t('shifts.col.shift_end')}</th>
                <th scope="col">{t('shifts.col.outgoing')}</th>
                <th scope="col">{t('shifts.col.incoming')}</th>
                <th scope="col">{t('shifts.col.state')}</th>
              </tr>
            </thead>
            <tbody>
              {p.handovers.map((h) => (
                <tr class={h.waiting ? 'attention' : undefined}>
                  <th scope="row">
                    <a href={handoverHref(h.id)}>
                      <bdi>{h.teamName}</bdi>
                    </a>
                  </th>
                  <td>
                    <time datetime={isoTime(h.endsAt)}>{formatTime(ctx, h.endsAt)}</time>
                  </td>
                  <td>
                    <People
                      ctx={ctx}
                      ids={h.outgoingIds}
                      leadId={h.outgoingLeadId}
                      names={p.names}
                    />
                  </td>
                  <td>
                    <People
                      ctx={ctx}
                      ids={h.incomingIds}
                      leadId={h.incomingLeadId}
                      names={p.names}
                    />
                  </td>
                  <td>
                    <State ctx={ctx} h={h} names={p.names} now={p.now} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {p.next ? (
        <p>
          <a href={p.next}>{t('shifts.handovers.older')}</a>
        </p>
      ) : null}
    </StaffLayout>
  );
}

/** A section's cases: number (linked), status, urgency, received, first reply due. */
function CaseTable(p: {
  ctx: StaffPageContext;
  cases: HandoverCase[];
  names: ReadonlyMap<string, string>;
  labelledBy: string;
}) {
  const { ctx } = p;
  const t = ctx.t;
  return (
    <TableScroll label={t('shifts.handover.cases')}>
      <table aria-labelledby={p.labelledBy}>
        <thead>
          <tr>
            <th scope="col">{t('shifts.col.case')}</th>
            <th scope="col">{t('shifts.col.status')}</th>
            <th scope="col">{t('shifts.col.urgency')}</th>
            <th scope="col">{t('shifts.col.assignee')}</th>
            <th scope="col">{t('shifts.col.received')}</th>
            <th scope="col">{t('shifts.col.due')}</th>
          </tr>
        </thead>
        <tbody>
          {p.cases.map((c) => (
            <tr>
              <th scope="row">
                <a href={`/staff/cases/${c.id}`}>{t('shifts.case_number', { number: c.id })}</a>
              </th>
              <td>{t(`cases.status.${c.status}`)}</td>
              <td>{t(`cases.urgency_short.${c.urgency}`)}</td>
              <td>
                {c.assignee_id === null ? (
                  t('shifts.unassigned')
                ) : (
                  <bdi>{p.names.get(c.assignee_id) ?? t('shifts.unknown_person')}</bdi>
                )}
              </td>
              <td>
                <time datetime={isoTime(c.created_at)}>{formatTime(ctx, c.created_at)}</time>
              </td>
              <td>
                {c.first_response_at === null ? (
                  <time datetime={isoTime(c.first_response_due_at)}>
                    {formatTime(ctx, c.first_response_due_at)}
                  </time>
                ) : (
                  t('shifts.answered')
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

/** One handover: its shifts, its team's cases by section, its notes, the note form and Acknowledge. */
export function HandoverPage(p: {
  ctx: StaffPageContext;
  view: HandoverView;
  now: number;
  noteToken: string;
  ackToken: string;
  failed: { values: Record<string, string>; errors: FieldErrors } | null;
}) {
  const { ctx, view } = p;
  const h = view.handover;
  const t = ctx.t;
  const title = t('shifts.handover.title', { team: isolate(h.teamName) });
  const labels = { note: t('shifts.field.note') };
  return (
    <StaffLayout ctx={ctx} title={title}>
      <p>
        <a href={HANDOVERS_HREF}>{t('shifts.handovers.back')}</a>
      </p>
      <h1>{title}</h1>
      <dl>
        <dt>{t('shifts.handover.shift')}</dt>
        <dd>
          {/* Each end isolated: "… UTC" and "8 Dec …" would join around the dash right to left. */}
          <bdi>
            <time datetime={isoTime(h.startsAt)}>{formatTime(ctx, h.startsAt)}</time>
          </bdi>
          {' – '}
          <bdi>
            <time datetime={isoTime(h.endsAt)}>{formatTime(ctx, h.endsAt)}</time>
          </bdi>
        </dd>
        <dt>{t('shifts.col.outgoing')}</dt>
        <dd>
          <People ctx={ctx} ids={h.outgoingIds} leadId={h.outgoingLeadId} names={view.names} />
        </dd>
        <dt>{t('shifts.col.incoming')}</dt>
        <dd>
          <People ctx={ctx} ids={h.incomingIds} leadId={h.incomingLeadId} names={view.names} />
        </dd>
        <dt>{t('shifts.col.state')}</dt>
        <dd>
          <State ctx={ctx} h={h} names={view.names} now={p.now} />
        </dd>
      </dl>

      {view.canAcknowledge ? (
        <form method="post" action={`${handoverHref(h.id)}/acknowledge`}>
          <CsrfField token={ctx.csrfToken} />
          <input type="hidden" name="_once" value={p.ackToken} />
          <p>{t('shifts.handover.acknowledge_intro')}</p>
          <button type="submit">{t('shifts.handover.acknowledge')}</button>
        </form>
      ) : null}

      <p>{t('shifts.handover.cases_intro')}</p>
      {SECTIONS.map((s) => (
        <section aria-labelledby={`section-${s}`}>
          <h2 id={`section-${s}`}>
            {t(`shifts.section.${s}`, { count: view.sections[s].length })}
          </h2>
          {view.sections[s].length === 0 ? (
            <p>{t('shifts.handover.no_cases')}</p>
          ) : (
            <CaseTable
              ctx={ctx}
              cases={view.sections[s]}
              names={view.names}
              labelledBy={`section-${s}`}
            />
          )}
        </section>
      ))}
      {view.moreCases ? <p>{t('shifts.handover.more_cases')}</p> : null}

      <h2 id="notes-title">{t('shifts.handover.notes')}</h2>
      {view.notes.length === 0 ? (
        <p>{t('shifts.handover.no_notes')}</p>
      ) : (
        <ul class="notes">
          {view.notes.map((n) => (
            <li>
              <p>
                <bdi>
                  {n.authorId === null
                    ? t('shifts.unknown_person')
                    : (view.names.get(n.authorId) ?? t('shifts.unknown_person'))}
                </bdi>{' '}
                <time datetime={isoTime(n.createdAt)}>{formatTime(ctx, n.createdAt)}</time>
              </p>
              {n.text === null ? (
                <p>
                  <em>{t('shifts.handover.note_sealed')}</em>
                </p>
              ) : (
                <p dir="auto" class="note-text">
                  {n.text}
                </p>
              )}
            </li>
          ))}
        </ul>
      )}
      {view.canNote ? (
        <section class="panel" aria-labelledby="note-title" id="note">
          <h2 id="note-title">{t('shifts.handover.note_title')}</h2>
          <p>{t('shifts.handover.note_intro')}</p>
          <ErrorSummary t={t} errors={p.failed?.errors ?? {}} labels={labels} locale={ctx.locale} />
          <form method="post" action={`${handoverHref(h.id)}/notes`} novalidate>
            <CsrfField token={ctx.csrfToken} />
            <input type="hidden" name="_once" value={p.noteToken} />
            <TextArea
              t={t}
              name="note"
              label={labels.note}
              value={p.failed?.values.note}
              error={p.failed?.errors.note}
              maxLength={NOTE_MAX}
              rows={6}
            />
            <button type="submit">{t('shifts.handover.note_submit')}</button>
          </form>
        </section>
      ) : null}
    </StaffLayout>
  );
}
