import type { Role } from '../../../platform/auth/roles.js';
import { displayName, STAFF_LOCALES } from '../../../platform/i18n/index.js';
import { listTimeZones, timeZoneLabel } from '../../../platform/i18n/zones.js';
import { Checkbox, CsrfField, ErrorSummary, Select, type FieldErrors, type Option } from '../../../platform/views/form.js';
import { StaffLayout, type StaffPageContext } from '../../../platform/views/staff-layout.js';
import { formatTime, isoTime } from '../../../platform/views/time.js';

/** Every zone a person may choose, made once: the same list each time lets its options be rendered once (form.tsx). */
const TIME_ZONE_OPTIONS: readonly Option[] = listTimeZones().map((z) => ({ value: z, label: timeZoneLabel(z) }));

export interface AccountView {
  email: string;
  displayName: string;
  role: Role;
  locale: string;
  /** The zone the person's staff pages show times in (ADR 28). */
  timeZone: string;
  /** The time now, shown in that zone as an example. */
  now: number;
  sessions: number;
  /** Live API tokens: sign out everywhere offers to revoke them too. */
  tokens: number;
  canTokens: boolean;
  canPeople: boolean;
}

/** The signed-in person's own account: language, time zone, sessions, links to tokens and people. */
export function AccountPage(props: {
  ctx: StaffPageContext;
  account: AccountView;
  errors?: FieldErrors;
}) {
  const { ctx, account } = props;
  const t = ctx.t;
  const errors = props.errors ?? {};
  const labels = { locale: t('accounts.field.locale'), time_zone: t('accounts.field.time_zone') };
  return (
    <StaffLayout ctx={ctx} title={t('accounts.account.title')}>
      <h1>{t('accounts.account.title')}</h1>
      <ErrorSummary t={t} errors={errors} labels={labels} />
      <dl class="facts">
        <dt>{t('accounts.field.display_name')}</dt>
        <dd>
          <bdi>{account.displayName}</bdi>
        </dd>
        <dt>{t('accounts.field.email')}</dt>
        <dd>
          <bdi>{account.email}</bdi>
        </dd>
        <dt>{t('accounts.field.role')}</dt>
        <dd>{t(`accounts.role.${account.role}`)}</dd>
      </dl>

      <section class="panel" aria-labelledby="language-title">
        <h2 id="language-title">{t('accounts.account.language_title')}</h2>
        <form method="post" action="/staff/account/language">
          <CsrfField token={ctx.csrfToken} />
          <Select
            t={t}
            name="locale"
            label={labels.locale}
            value={account.locale}
            error={errors.locale}
            options={STAFF_LOCALES.map((l) => ({ value: l, label: displayName(l, 'language', l) }))}
          />
          <button type="submit">{t('accounts.account.language_submit')}</button>
        </form>
      </section>

      <section class="panel" aria-labelledby="time-zone-title">
        <h2 id="time-zone-title">{t('accounts.account.time_zone_title')}</h2>
        <p class="hint" id="time-zone-now">
          {t('accounts.account.time_zone_now', { zone: timeZoneLabel(account.timeZone) })}{' '}
          <time datetime={isoTime(account.now)}>{formatTime(ctx, account.now)}</time>
        </p>
        <form method="post" action="/staff/account/time-zone">
          <CsrfField token={ctx.csrfToken} />
          <Select
            t={t}
            name="time_zone"
            label={labels.time_zone}
            hint={t('accounts.account.time_zone_hint')}
            value={account.timeZone}
            error={errors.time_zone}
            options={TIME_ZONE_OPTIONS}
          />
          <button type="submit">{t('accounts.account.time_zone_submit')}</button>
        </form>
      </section>

      <section class="panel" aria-labelledby="sessions-title">
        <h2 id="sessions-title">{t('accounts.account.sessions_title')}</h2>
        <p id="session-count">
          {t('accounts.account.sessions_count', { count: account.sessions })}
        </p>
        <p class="hint">{t('accounts.account.sign_out_everywhere_hint')}</p>
        <form method="post" action="/staff/account/sign-out-everywhere">
          <CsrfField token={ctx.csrfToken} />
          {account.tokens > 0 ? (
            <Checkbox
              t={t}
              name="revoke_tokens"
              label={t('accounts.account.revoke_tokens_too', { count: account.tokens })}
              hint={t('accounts.account.revoke_tokens_hint')}
              checked
            />
          ) : (
            <p class="hint">{t('accounts.account.no_tokens_to_revoke')}</p>
          )}
          <button type="submit" class="warning">
            {t('accounts.account.sign_out_everywhere')}
          </button>
        </form>
      </section>

      <ul class="links">
        {account.canTokens ? (
          <li>
            <a href="/staff/account/tokens">{t('accounts.tokens.title')}</a>
          </li>
        ) : null}
        {account.canPeople ? (
          <li>
            <a href="/staff/users">{t('accounts.users.title')}</a>
          </li>
        ) : null}
        {account.canPeople ? (
          <li>
            <a href="/staff/retention">{t('retention.title')}</a>
          </li>
        ) : null}
      </ul>
    </StaffLayout>
  );
}
