import type { Translate } from '../../../platform/i18n/index.js';
import { formatTime, isoTime, type TimeContext } from '../../../platform/views/time.js';
import { splitDuration, type Clock } from '../case.js';

/** A duration in plain words: "2 d 3 h", "1 h 20 min", "35 min". */
export function formatDuration(t: Translate, ms: number): string {
  const { days, hours, minutes } = splitDuration(ms);
  if (days > 0) return t('cases.duration.days_hours', { days, hours });
  if (hours > 0) return t('cases.duration.hours_minutes', { hours, minutes });
  return minutes > 0 ? t('cases.duration.minutes', { minutes }) : t('cases.duration.under_minute');
}

/** A moment as staff read it (in their zone, named), with its ISO 8601 form for machines. */
export function Moment(props: { at: TimeContext; ms: number }) {
  return <time datetime={isoTime(props.ms)}>{formatTime(props.at, props.ms)}</time>;
}

/** Minutes before the deadline below which a case is marked "due soon". */
const DUE_SOON_MS = 30 * 60_000;

/** An escalation marker, when the wait calls for one. */
function EscalationTag(props: { t: Translate; escalation: Clock['escalation'] }) {
  if (props.escalation === 'none') return null;
  return (
    <>
      {' '}
      <span class={`tag escalation ${props.escalation}`}>
        {props.t(`cases.escalation.${props.escalation}`)}
      </span>
    </>
  );
}

/**
 * The first-response clock in plain words, as two facts: the first response (when it was
 * made, or the deadline), and apart from it, when the requester wrote after our last reply,
 * since when they await our reply. Each is a <time> with its moment for machines; the
 * escalation marker goes with the wait that calls for it.
 */
export function ClockText(props: { t: Translate; at: TimeContext; clock: Clock }) {
  const { t, at, clock } = props;
  const { first, awaiting } = clock;
  if (first.kind === 'answered') {
    return (
      <>
        <span class="clock-first">
          <time datetime={isoTime(first.at)}>
            {t('cases.clock.answered_at', { when: formatTime(at, first.at) })}
          </time>
        </span>
        {awaiting ? (
          <span class="clock-awaiting">
            <time datetime={isoTime(awaiting.since)}>
              {t('cases.clock.awaiting_since', { when: formatTime(at, awaiting.since) })}
            </time>
            <EscalationTag t={t} escalation={clock.escalation} />
          </span>
        ) : null}
      </>
    );
  }
  const time = formatDuration(t, first.ms);
  const cls =
    first.kind === 'overdue' ? 'overdue' : first.ms < DUE_SOON_MS ? 'due-soon' : undefined;
  return (
    <span class="clock-first">
      <time datetime={isoTime(first.dueAt)} class={cls}>
        {t(`cases.clock.${first.kind}`, { time })}
      </time>
      <EscalationTag t={t} escalation={clock.escalation} />
    </span>
  );
}
