import { CsrfField, ErrorSummary, type FieldErrors } from '../../../platform/views/form.js';
import { StaffLayout, type StaffPageContext } from '../../../platform/views/staff-layout.js';
import { formatTime, isoTime } from '../../../platform/views/time.js';
import { CHANNELS, NOTIFICATION_KINDS, type Preferences } from '../notification.js';
import type { NotificationRow } from '../notification.repo.js';

/** A moment as staff read it, with its ISO 8601 form for machines. */
function Moment(p: { ctx: StaffPageContext; ms: number }) {
  return <time datetime={isoTime(p.ms)}>{formatTime(p.ctx, p.ms)}</time>;
}

export interface NotificationsPageProps {
  ctx: StaffPageContext;
  rows: NotificationRow[];
  /** The address of the next (older) page, or null on the last. */
  older: string | null;
  /** Whether this is a later page (a link back to the newest is shown). */
  later: boolean;
  unread: number;
}

/**
 * A person's notifications, newest first: each says which case and why, links to the case,
 * and can be marked read; all can be marked read at once. Forms only, no script.
 */
export function NotificationsPage(p: NotificationsPageProps) {
  const { ctx } = p;
  const t = ctx.t;
  return (
    <StaffLayout ctx={ctx} title={t('notifications.title')}>
      <h1>{t('notifications.title')}</h1>
      <div class="notifications-head">
        <p>{t('notifications.unread_count', { count: p.unread })}</p>
        {p.unread > 0 ? (
          <form method="post" action="/staff/notifications/read-all" class="inline">
            <CsrfField token={ctx.csrfToken} />
            <button type="submit" class="secondary">
              {t('notifications.mark_all_read')}
            </button>
          </form>
        ) : null}
      </div>
      {p.rows.length === 0 ? (
        <p>{p.later ? t('notifications.none_older') : t('notifications.none')}</p>
      ) : (
        <ul class="notifications">
          {p.rows.map((n) => {
            const kind = (NOTIFICATION_KINDS as readonly string[]).includes(n.kind) ? n.kind : 'other';
            const text = t(`notifications.text.${kind}`, { id: n.case_id });
            return (
              <li class={n.read_at === null ? 'notification unread' : 'notification'}>
                <div class="what">
                  <p>
                    {n.read_at === null ? (
                      <>
                        <strong class="tag">{t('notifications.unread')}</strong>{' '}
                      </>
                    ) : null}
                    <a href={`/staff/cases/${n.case_id}`}>{text}</a>
                  </p>
                  <p class="hint">
                    <Moment ctx={ctx} ms={n.created_at} />
                  </p>
                </div>
                {n.read_at === null ? (
                  <form method="post" action={`/staff/notifications/${n.id}/read`} class="inline">
                    <CsrfField token={ctx.csrfToken} />
                    <button type="submit" class="secondary" aria-label={t('notifications.mark_read_named', { text })}>
                      {t('notifications.mark_read')}
                    </button>
                  </form>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
      {p.later || p.older ? (
        <nav class="pager" aria-label={t('notifications.pages')}>
          {p.later ? <a href="/staff/notifications">{t('notifications.newest')}</a> : null}
          {p.older ? <a href={p.older}>{t('notifications.older')}</a> : null}
        </nav>
      ) : null}
      <p>
        <a href="/staff/notifications/settings">{t('notifications.settings_link')}</a>
      </p>
    </StaffLayout>
  );
}

export interface SettingsPageProps {
  ctx: StaffPageContext;
  prefs: Preferences;
  /** Whether a mail server is configured; without one the email boxes are shown off and disabled. */
  emailAvailable: boolean;
  errors: FieldErrors;
}

/**
 * What a person is told, and how: for each kind, a box in Haven and a box by email. Without a
 * mail server the email boxes cannot be chosen, and the page says why.
 */
export function SettingsPage(p: SettingsPageProps) {
  const { ctx } = p;
  const t = ctx.t;
  return (
    <StaffLayout ctx={ctx} title={t('notifications.settings_title')}>
      <h1>{t('notifications.settings_title')}</h1>
      <ErrorSummary t={t} errors={p.errors} labels={{ on: t('notifications.settings_title') }} locale={ctx.locale} />
      <p>{t('notifications.settings_intro')}</p>
      {p.emailAvailable ? (
        <p class="hint">{t('notifications.email_what')}</p>
      ) : (
        <p class="hint" id="email-unavailable">
          {t('notifications.email_unavailable')}
        </p>
      )}
      <form method="post" action="/staff/notifications/settings" id="f-on" class="narrow notification-choices">
        <CsrfField token={ctx.csrfToken} />
        {p.errors.on ? <p class="field-error">{t(p.errors.on)}</p> : null}
        {NOTIFICATION_KINDS.map((kind) => (
          <fieldset>
            <legend>{t(`notifications.kind.${kind}`)}</legend>
            {CHANNELS.map((channel) => {
              const id = `f-${kind}-${channel}`;
              const disabled = channel === 'email' && !p.emailAvailable;
              return (
                <div class="choice">
                  <input
                    type="checkbox"
                    id={id}
                    name="on"
                    value={`${kind}:${channel}`}
                    checked={p.prefs[kind][channel] && !disabled}
                    disabled={disabled}
                    aria-describedby={disabled ? 'email-unavailable' : undefined}
                  />
                  <label for={id}>{t(`notifications.channel.${channel}`)}</label>
                </div>
              );
            })}
          </fieldset>
        ))}
        <button type="submit">{t('notifications.save')}</button>
      </form>
      <p>
        <a href="/staff/notifications">{t('notifications.back')}</a>
      </p>
    </StaffLayout>
  );
}
