import { dateTimeFormats } from '../../../platform/i18n/formats.js';
import { timeZoneLabel } from '../../../platform/i18n/zones.js';
import { isolate } from '../../../platform/text.js';
import {
  CsrfField,
  ErrorSummary,
  Radios,
  Select,
  TextField,
  type FieldErrors,
  type Option,
} from '../../../platform/views/form.js';
import { StaffLayout, type StaffPageContext } from '../../../platform/views/staff-layout.js';
import { TableScroll } from '../../../platform/views/table-scroll.js';
import { formatTime, isoTime } from '../../../platform/views/time.js';
import {
  EXCEPTION_KINDS,
  minuteLabel,
  WEEKDAYS,
  type ShiftException,
  type Slot,
} from '../shift.js';

// The schedule's pages: every team's week (in the team's zone and the reader's), who is on
// shift now, one slot with its people and that slot's exceptions. Pure functions of data; what
// a person may change is decided by the routes (`canEdit`).

export const SHIFTS_HREF = '/staff/shifts';
export const NOW_HREF = '/staff/shifts/now';
export const slotHref = (id: string): string => `${SHIFTS_HREF}/slots/${encodeURIComponent(id)}`;

/** A form that failed, shown again: what was typed (lists kept whole) and a message key per field. */
export interface FailedForm {
  values: Record<string, string>;
  lists?: Record<string, string[]>;
  errors: FieldErrors;
}

// Monday 5 January 2026 is an ISO weekday 1: a weekday's name is that week's day's.
const WEEKDAY_NAME = dateTimeFormats({ weekday: 'long', timeZone: 'UTC' });
const WEEK_MONDAY = Date.UTC(2026, 0, 5);

/** A weekday's name in the reader's language (1 Monday … 7 Sunday). */
export function weekdayName(locale: string, weekday: number): string {
  return WEEKDAY_NAME(locale).format(WEEK_MONDAY + (weekday - 1) * 86_400_000);
}

const ZONED_DAY_TIME = dateTimeFormats({
  weekday: 'short',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: 'UTC',
  timeZoneName: 'short',
});

/** A moment as a weekday and time in `timeZone`, the zone named: "Mon 14:00 GMT+1". */
export function dayTime(locale: string, timeZone: string, ms: number): string {
  return ZONED_DAY_TIME(locale, timeZone).format(ms);
}

/** A slot's hours in its team's zone: "22:00–06:00 (next day)". */
export function SlotHours(p: {
  ctx: StaffPageContext;
  slot: Pick<Slot, 'startMinute' | 'endMinute'>;
}) {
  const t = p.ctx.t;
  return (
    <>
      <bdi dir="ltr">
        {minuteLabel(p.slot.startMinute)}–{minuteLabel(p.slot.endMinute)}
      </bdi>
      {p.slot.endMinute <= p.slot.startMinute ? <> {t('shifts.next_day')}</> : null}
    </>
  );
}

/** People by name, each isolated, the lead marked; "nobody" when none. */
export function People(p: {
  ctx: StaffPageContext;
  ids: readonly string[];
  leadId: string | null;
  names: ReadonlyMap<string, string>;
}) {
  const t = p.ctx.t;
  if (p.ids.length === 0 && p.leadId === null) return <>{t('shifts.nobody')}</>;
  const ids = p.leadId !== null && !p.ids.includes(p.leadId) ? [p.leadId, ...p.ids] : [...p.ids];
  // The lead first.
  ids.sort((a, b) => Number(b === p.leadId) - Number(a === p.leadId));
  return (
    <ul class="plain">
      {ids.map((id) => (
        <li>
          <bdi>{p.names.get(id) ?? t('shifts.unknown_person')}</bdi>
          {id === p.leadId ? <> ({t('shifts.lead')})</> : null}
        </li>
      ))}
    </ul>
  );
}

/** A team's shift now, as both pages show it. */
export interface NowEntry {
  teamId: string;
  teamName: string;
  timeZone: string;
  leadId: string | null;
  memberIds: string[];
  startsAt: number;
  endsAt: number;
}

/** Who is on shift now, one row per team with a shift. */
export function NowTable(p: {
  ctx: StaffPageContext;
  now: readonly NowEntry[];
  names: ReadonlyMap<string, string>;
  id: string;
}) {
  const { ctx } = p;
  const t = ctx.t;
  if (p.now.length === 0) return <p>{t('shifts.now.none')}</p>;
  return (
    <TableScroll label={t('shifts.now.title')}>
      <table aria-labelledby={p.id}>
        <thead>
          <tr>
            <th scope="col">{t('shifts.col.team')}</th>
            <th scope="col">{t('shifts.col.people')}</th>
            <th scope="col">{t('shifts.col.until')}</th>
          </tr>
        </thead>
        <tbody>
          {p.now.map((n) => (
            <tr>
              <th scope="row">
                <bdi>{n.teamName}</bdi>
              </th>
              <td>
                <People ctx={ctx} ids={n.memberIds} leadId={n.leadId} names={p.names} />
              </td>
              <td>
                <time datetime={isoTime(n.endsAt)}>{formatTime(ctx, n.endsAt)}</time>
                <br />
                <span class="hint">
                  {t('shifts.team_time', {
                    time: formatTime({ locale: ctx.locale, timeZone: n.timeZone }, n.endsAt),
                  })}
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

/** One team's week as the schedule page shows it. */
export interface TeamWeek {
  teamId: string;
  teamName: string;
  timeZone: string;
  /** The team's slots, each with its next start and end (for the reader's zone). */
  slots: (Slot & { nextStartsAt: number | null; nextEndsAt: number | null })[];
  /** Exceptions on dates from today on, with their slot. */
  exceptions: (ShiftException & { slot: Slot })[];
}

/** What a change of one date says, in words. */
export function exceptionText(
  ctx: StaffPageContext,
  e: ShiftException,
  names: ReadonlyMap<string, string>,
): string {
  const t = ctx.t;
  const name = (id: string | null) =>
    isolate(id === null ? t('shifts.nobody') : (names.get(id) ?? t('shifts.unknown_person')));
  if (e.kind === 'swap')
    return t('shifts.exception.swap_text', {
      person: name(e.userId),
      replacement: name(e.replacementId),
    });
  if (e.kind === 'absence') return t('shifts.exception.absence_text', { person: name(e.userId) });
  return t('shifts.exception.lead_text', { replacement: name(e.replacementId) });
}

export interface ShiftsPageProps {
  ctx: StaffPageContext;
  weeks: TeamWeek[];
  now: NowEntry[];
  names: ReadonlyMap<string, string>;
  canEdit: boolean;
  /** For the add form: the teams, the people who can work cases. */
  teams: Option[];
  staff: Option[];
  failed: FailedForm | null;
}

/** The schedule: who is on shift now, each team's week, and (for coordinators) the form to add a shift. */
export function ShiftsPage(p: ShiftsPageProps) {
  const { ctx } = p;
  const t = ctx.t;
  const errors = p.failed?.errors ?? {};
  const values = p.failed?.values ?? {};
  const chosen = p.failed?.lists?.members ?? [];
  const labels: Record<string, string> = {
    team: t('shifts.field.team'),
    weekday: t('shifts.field.weekday'),
    start: t('shifts.field.start'),
    end: t('shifts.field.end'),
    members: t('shifts.field.members'),
    lead: t('shifts.field.lead'),
  };
  const weekdays: Option[] = WEEKDAYS.map((w) => ({
    value: String(w),
    label: weekdayName(ctx.locale, w),
  }));
  return (
    <StaffLayout ctx={ctx} title={t('shifts.title')}>
      <h1>{t('shifts.title')}</h1>
      <p>{t('shifts.intro', { zone: isolate(timeZoneLabel(ctx.timeZone)) })}</p>
      <section class="panel" aria-labelledby="now-title">
        <h2 id="now-title">{t('shifts.now.title')}</h2>
        <NowTable ctx={ctx} now={p.now} names={p.names} id="now-title" />
        <p>
          <a href={NOW_HREF}>{t('shifts.now.more')}</a>
        </p>
      </section>
      {p.weeks.length === 0 ? <p>{t('shifts.no_teams')}</p> : null}
      {p.weeks.map((w) => (
        <section aria-labelledby={`team-${w.teamId}`}>
          <h2 id={`team-${w.teamId}`}>
            <bdi>{w.teamName}</bdi>
          </h2>
          <p>{t('shifts.team_zone', { zone: isolate(timeZoneLabel(w.timeZone)) })}</p>
          {w.slots.length === 0 ? (
            <p>{t('shifts.no_slots')}</p>
          ) : (
            <TableScroll label={t('shifts.week_of', { team: isolate(w.teamName) })}>
              <table aria-labelledby={`team-${w.teamId}`}>
                <thead>
                  <tr>
                    <th scope="col">{t('shifts.col.day')}</th>
                    <th scope="col">{t('shifts.col.hours')}</th>
                    <th scope="col">{t('shifts.col.your_time')}</th>
                    <th scope="col">{t('shifts.col.people')}</th>
                  </tr>
                </thead>
                <tbody>
                  {w.slots.map((s) => (
                    <tr>
                      <th scope="row">
                        <a href={slotHref(s.id)}>{weekdayName(ctx.locale, s.weekday)}</a>
                      </th>
                      <td>
                        <SlotHours ctx={ctx} slot={s} />
                      </td>
                      <td>
                        {s.nextStartsAt === null || s.nextEndsAt === null ? (
                          '—'
                        ) : (
                          <>
                            <time datetime={isoTime(s.nextStartsAt)}>
                              {dayTime(ctx.locale, ctx.timeZone, s.nextStartsAt)}
                            </time>
                            {' – '}
                            <time datetime={isoTime(s.nextEndsAt)}>
                              {dayTime(ctx.locale, ctx.timeZone, s.nextEndsAt)}
                            </time>
                          </>
                        )}
                      </td>
                      <td>
                        <People ctx={ctx} ids={s.memberIds} leadId={s.leadId} names={p.names} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          )}
          {w.exceptions.length > 0 ? (
            <>
              <h3>{t('shifts.exceptions.title')}</h3>
              <ul>
                {w.exceptions.map((e) => (
                  <li>
                    <bdi dir="ltr">{e.date}</bdi> ({weekdayName(ctx.locale, e.slot.weekday)},{' '}
                    <SlotHours ctx={ctx} slot={e.slot} />
                    ): {exceptionText(ctx, e, p.names)}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </section>
      ))}
      {p.canEdit && p.teams.length > 0 ? (
        <section class="panel" aria-labelledby="add-title" id="add-slot">
          <h2 id="add-title">{t('shifts.add.title')}</h2>
          <p>{t('shifts.add.intro')}</p>
          <ErrorSummary t={t} errors={errors} labels={labels} locale={ctx.locale} />
          <form method="post" action={`${SHIFTS_HREF}/slots`} novalidate>
            <CsrfField token={ctx.csrfToken} />
            <Select
              t={t}
              name="team"
              label={labels.team!}
              value={values.team}
              error={errors.team}
              options={p.teams}
            />
            <Select
              t={t}
              name="weekday"
              label={labels.weekday!}
              value={values.weekday}
              error={errors.weekday}
              options={weekdays}
            />
            <TextField
              t={t}
              name="start"
              type="time"
              label={labels.start!}
              hint={t('shifts.field.time_hint')}
              value={values.start}
              error={errors.start}
              maxLength={5}
            />
            <TextField
              t={t}
              name="end"
              type="time"
              label={labels.end!}
              hint={t('shifts.field.end_hint')}
              value={values.end}
              error={errors.end}
              maxLength={5}
            />
            <PeopleBoxes
              ctx={ctx}
              staff={p.staff}
              checked={chosen}
              error={errors.members}
              legend={labels.members!}
            />
            <Select
              t={t}
              name="lead"
              label={labels.lead!}
              value={values.lead ?? ''}
              error={errors.lead}
              options={p.staff}
              blank={t('shifts.no_lead')}
            />
            <button type="submit">{t('shifts.add.submit')}</button>
          </form>
        </section>
      ) : null}
    </StaffLayout>
  );
}

/** The checkboxes of the people on a shift. */
export function PeopleBoxes(p: {
  ctx: StaffPageContext;
  staff: Option[];
  checked: readonly string[];
  error: string | undefined;
  legend: string;
}) {
  const t = p.ctx.t;
  return (
    <fieldset
      class={p.error ? 'field has-error' : 'field'}
      id="f-members"
      aria-describedby={p.error ? 'e-members' : undefined}
    >
      <legend>{p.legend}</legend>
      {p.error ? (
        <p class="field-error" id="e-members">
          {t(p.error)}
        </p>
      ) : null}
      {p.staff.length === 0 ? <p>{t('shifts.no_staff')}</p> : null}
      {p.staff.map((o) => (
        <div class="choice">
          <input
            type="checkbox"
            id={`f-members-${o.value}`}
            name="members"
            value={o.value}
            checked={p.checked.includes(o.value)}
          />
          <label for={`f-members-${o.value}`}>
            <bdi>{o.label}</bdi>
          </label>
        </div>
      ))}
    </fieldset>
  );
}

export interface SlotPageProps {
  ctx: StaffPageContext;
  slot: Slot;
  teamName: string;
  timeZone: string;
  nextStartsAt: number | null;
  nextEndsAt: number | null;
  exceptions: ShiftException[];
  names: ReadonlyMap<string, string>;
  staff: Option[];
  canEdit: boolean;
  /** Which form failed: the people form or the exception form. */
  failed: (FailedForm & { form: 'people' | 'exception' }) | null;
}

/** One weekly shift: its hours, people and lead, its coming exceptions; the forms to change them. */
export function SlotPage(p: SlotPageProps) {
  const { ctx, slot } = p;
  const t = ctx.t;
  const title = t('shifts.slot.title', {
    team: isolate(p.teamName),
    day: weekdayName(ctx.locale, slot.weekday),
  });
  const people = p.failed?.form === 'people' ? p.failed : null;
  const exception = p.failed?.form === 'exception' ? p.failed : null;
  const peopleLabels: Record<string, string> = {
    members: t('shifts.field.members'),
    lead: t('shifts.field.lead'),
  };
  const exceptionLabels: Record<string, string> = {
    slot: t('shifts.field.shift'),
    date: t('shifts.field.date'),
    kind: t('shifts.field.kind'),
    person: t('shifts.field.person'),
    replacement: t('shifts.field.replacement'),
  };
  const slotPeople: Option[] = p.staff.filter((o) => slot.memberIds.includes(o.value));
  const kinds: Option[] = EXCEPTION_KINDS.map((k) => ({
    value: k,
    label: t(`shifts.exception.kind.${k}`),
  }));
  return (
    <StaffLayout ctx={ctx} title={title}>
      <p>
        <a href={SHIFTS_HREF}>{t('shifts.back')}</a>
      </p>
      <h1>{title}</h1>
      <dl>
        <dt>{t('shifts.col.hours')}</dt>
        <dd>
          <SlotHours ctx={ctx} slot={slot} /> ({isolate(timeZoneLabel(p.timeZone))})
        </dd>
        <dt>{t('shifts.col.your_time')}</dt>
        <dd>
          {p.nextStartsAt === null || p.nextEndsAt === null ? (
            '—'
          ) : (
            <>
              {/* Each end isolated, as on the handover page. */}
              <bdi>
                <time datetime={isoTime(p.nextStartsAt)}>{formatTime(ctx, p.nextStartsAt)}</time>
              </bdi>
              {' – '}
              <bdi>
                <time datetime={isoTime(p.nextEndsAt)}>{formatTime(ctx, p.nextEndsAt)}</time>
              </bdi>
            </>
          )}
        </dd>
        <dt>{t('shifts.col.people')}</dt>
        <dd>
          <People ctx={ctx} ids={slot.memberIds} leadId={slot.leadId} names={p.names} />
        </dd>
      </dl>

      <h2 id="exceptions-title">{t('shifts.exceptions.title')}</h2>
      {p.exceptions.length === 0 ? (
        <p>{t('shifts.exceptions.none')}</p>
      ) : (
        <ul>
          {p.exceptions.map((e) => (
            <li>
              <bdi dir="ltr">{e.date}</bdi>: {exceptionText(ctx, e, p.names)}
              {p.canEdit ? (
                <form
                  method="post"
                  action={`${SHIFTS_HREF}/exceptions/${encodeURIComponent(e.id)}/remove`}
                  class="inline"
                >
                  <CsrfField token={ctx.csrfToken} />
                  <button type="submit">{t('shifts.exceptions.remove')}</button>
                </form>
              ) : null}
            </li>
          ))}
        </ul>
      )}

      {p.canEdit ? (
        <>
          <section class="panel" aria-labelledby="people-title">
            <h2 id="people-title">{t('shifts.slot.people_title')}</h2>
            <ErrorSummary
              t={t}
              errors={people?.errors ?? {}}
              labels={peopleLabels}
              locale={ctx.locale}
            />
            <form method="post" action={`${slotHref(slot.id)}/people`} novalidate>
              <CsrfField token={ctx.csrfToken} />
              <PeopleBoxes
                ctx={ctx}
                staff={p.staff}
                checked={people?.lists?.members ?? slot.memberIds}
                error={people?.errors.members}
                legend={peopleLabels.members!}
              />
              <Select
                t={t}
                name="lead"
                label={peopleLabels.lead!}
                value={people ? (people.values.lead ?? '') : (slot.leadId ?? '')}
                error={people?.errors.lead}
                options={p.staff}
                blank={t('shifts.no_lead')}
              />
              <button type="submit">{t('shifts.slot.people_submit')}</button>
            </form>
          </section>

          <section class="panel" aria-labelledby="exception-title" id="exception">
            <h2 id="exception-title">{t('shifts.exception.title')}</h2>
            <p>{t('shifts.exception.intro')}</p>
            <ErrorSummary
              t={t}
              errors={exception?.errors ?? {}}
              labels={exceptionLabels}
              locale={ctx.locale}
            />
            <form method="post" action={`${slotHref(slot.id)}/exceptions`} novalidate>
              <CsrfField token={ctx.csrfToken} />
              <TextField
                t={t}
                name="date"
                type="date"
                label={exceptionLabels.date!}
                hint={t('shifts.field.date_hint', { day: weekdayName(ctx.locale, slot.weekday) })}
                value={exception?.values.date}
                error={exception?.errors.date}
                maxLength={10}
              />
              <Radios
                t={t}
                name="kind"
                label={exceptionLabels.kind!}
                options={kinds}
                value={exception?.values.kind ?? 'swap'}
                error={exception?.errors.kind}
              />
              <Select
                t={t}
                name="person"
                label={exceptionLabels.person!}
                hint={t('shifts.field.person_hint')}
                value={exception?.values.person ?? ''}
                error={exception?.errors.person}
                options={slotPeople}
                blank={t('shifts.nobody')}
              />
              <Select
                t={t}
                name="replacement"
                label={exceptionLabels.replacement!}
                hint={t('shifts.field.replacement_hint')}
                value={exception?.values.replacement ?? ''}
                error={exception?.errors.replacement}
                options={p.staff}
                blank={t('shifts.nobody')}
              />
              <button type="submit">{t('shifts.exception.submit')}</button>
            </form>
          </section>

          <section class="panel" aria-labelledby="remove-title">
            <h2 id="remove-title">{t('shifts.slot.remove_title')}</h2>
            <p>{t('shifts.slot.remove_intro')}</p>
            <form method="post" action={`${slotHref(slot.id)}/remove`}>
              <CsrfField token={ctx.csrfToken} />
              <button type="submit">{t('shifts.slot.remove_submit')}</button>
            </form>
          </section>
        </>
      ) : null}
    </StaffLayout>
  );
}

/** /staff/shifts/now: who is on shift in each team now, and each team's next shift. */
export function NowPage(p: {
  ctx: StaffPageContext;
  now: NowEntry[];
  next: (NowEntry & { teamName: string })[];
  names: ReadonlyMap<string, string>;
}) {
  const { ctx } = p;
  const t = ctx.t;
  return (
    <StaffLayout ctx={ctx} title={t('shifts.now.title')}>
      <p>
        <a href={SHIFTS_HREF}>{t('shifts.back')}</a>
      </p>
      <h1 id="now-title">{t('shifts.now.title')}</h1>
      <NowTable ctx={ctx} now={p.now} names={p.names} id="now-title" />
      <h2 id="next-title">{t('shifts.next.title')}</h2>
      {p.next.length === 0 ? (
        <p>{t('shifts.next.none')}</p>
      ) : (
        <TableScroll label={t('shifts.next.title')}>
          <table aria-labelledby="next-title">
            <thead>
              <tr>
                <th scope="col">{t('shifts.col.team')}</th>
                <th scope="col">{t('shifts.col.people')}</th>
                <th scope="col">{t('shifts.col.from')}</th>
              </tr>
            </thead>
            <tbody>
              {p.next.map((n) => (
                <tr>
                  <th scope="row">
                    <bdi>{n.teamName}</bdi>
                  </th>
                  <td>
                    <People ctx={ctx} ids={n.memberIds} leadId={n.leadId} names={p.names} />
                  </td>
                  <td>
                    <time datetime={isoTime(n.startsAt)}>{formatTime(ctx, n.startsAt)}</time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </StaffLayout>
  );
}
