import type { Role } from '../../../platform/auth/roles.js';
import { displayName, STAFF_LOCALES } from '../../../platform/i18n/index.js';
import { Checkbox, CsrfField, ErrorSummary, Select, type FieldErrors } from '../../../platform/views/form.js';
import { StaffLayout, type StaffPageContext } from '../../../platform/views/staff-layout.js';

export interface AccountView {
  email: string;
  displayName: string;
  role: Role;
  locale: string;
  sessions: number;
  /** Live API tokens: sign out everywhere offers to revoke them too. */
  tokens: number;
  canTokens: boolean;
  canPeople: boolean;
}

/** The signed-in person's own account: language, sessions, links to tokens and people. */
export function AccountPage(props: {
  ctx: StaffPageContext;
  account: AccountView;
  errors?: FieldErrors;
}) {
  const { ctx, account } = props;
  const t = ctx.t;
  const errors = props.errors ?? {};
  const labels = { locale: t('accounts.field.locale') };
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
