import type { Translate } from '../../../platform/i18n/index.js';
import { formatTime, isoTime } from '../../../platform/views/time.js';
import { splitDuration, type Clock } from '../case.js';

/** A duration in plain words: "2 d 3 h", "1 h 20 min", "35 min". */
export function formatDuration(t: Translate, ms: number): string {
  const { days, hours, minutes } = splitDuration(ms);
  if (days > 0) return t('cases.duration.days_hours', { days, hours });
  if (hours > 0) return t('cases.duration.hours_minutes', { hours, minutes });
  return minutes > 0 ? t('cases.duration.minutes', { minutes }) : t('cases.duration.under_minute');
}

/** A moment as staff read it (UTC, zone named), with its ISO 8601 form for machines. */
export function Moment(props: { locale: string; ms: number }) {
  return <time datetime={isoTime(props.ms)}>{formatTime(props.locale, props.ms)}</time>;
}

/** Minutes before the deadline below which a case is marked "due soon". */
const DUE_SOON_MS = 30 * 60_000;

/** The first-response clock in plain words, with an escalation marker once it is due. */
export function ClockText(props: { t: Translate; clock: Clock }) {
  const { t, clock } = props;
  if (clock.kind === 'answered') return <span>{t('cases.clock.answered')}</span>;
  const time = formatDuration(t, clock.ms);
  const cls =
    clock.kind === 'overdue'
      ? 'overdue'
      : clock.kind === 'due' && clock.ms < DUE_SOON_MS
        ? 'due-soon'
        : undefined;
  return (
    <>
      <span class={cls}>{t(`cases.clock.${clock.kind}`, { time })}</span>
      {clock.escalation !== 'none' ? (
        <>
          {' '}
          <span class={`tag escalation ${clock.escalation}`}>
            {t(`cases.escalation.${clock.escalation}`)}
          </span>
        </>
      ) : null}
    </>
  );
}
