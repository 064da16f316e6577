import { formatTime, isoTime } from '../../../platform/views/time.js';
import type { StaffPageContext } from '../../../platform/views/staff-layout.js';

// The case page's escalation section (through the case extension contract): each step the case
// reached, when, which step, and who was told. Pure function of data.

export interface PanelEscalation {
  reachedAt: number;
  minutes: number;
  action: string;
  /** Display names of those told; an id no longer known is left out and counted. */
  names: string[];
  unnamed: number;
}

export function EscalationPanel(p: { ctx: StaffPageContext; escalations: PanelEscalation[] }) {
  const t = p.ctx.t;
  return (
    <section class="panel" aria-labelledby="escalations-title" id="escalations">
      <h2 id="escalations-title">{t('escalation.panel.title')}</h2>
      {p.escalations.length === 0 ? (
        <p>{t('escalation.panel.none')}</p>
      ) : (
        <ul class="escalations">
          {p.escalations.map((e) => (
            <li>
              <time datetime={isoTime(e.reachedAt)}>{formatTime(p.ctx, e.reachedAt)}</time>
              {' · '}
              {t('escalation.panel.step', { minutes: e.minutes })} {t(`escalation.action.${e.action}`)}
              {' · '}
              {e.names.length === 0 && e.unnamed === 0 ? (
                t('escalation.panel.nobody')
              ) : (
                <>
                  {t('escalation.panel.told')}{' '}
                  {e.names.map((n, i) => (
                    <>
                      {i > 0 ? ', ' : null}
                      <bdi>{n}</bdi>
                    </>
                  ))}
                  {e.unnamed > 0 ? <> {t('escalation.panel.others', { count: e.unnamed })}</> : null}
                </>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
