import {
  ErrorSummary,
  TextField,
  CsrfField,
  type FieldErrors,
} from '../../../platform/views/form.js';
import { StaffLayout, type StaffPageContext } from '../../../platform/views/staff-layout.js';

/** Email and password. `formToken` protects the form before any session exists. */
export function SignInPage(props: {
  ctx: StaffPageContext;
  formToken: string;
  email?: string;
  errors?: FieldErrors;
}) {
  const { ctx } = props;
  const t = ctx.t;
  const errors = props.errors ?? {};
  const labels = { email: t('accounts.field.email'), password: t('accounts.field.password') };
  return (
    <StaffLayout ctx={ctx} title={t('accounts.sign_in.title')}>
      <div class="narrow">
        <h1>{t('accounts.sign_in.title')}</h1>
        <ErrorSummary t={t} errors={errors} labels={labels} />
        <form method="post" action="/staff/sign-in" novalidate>
          <input type="hidden" name="_form" value={props.formToken} />
          <TextField
            t={t}
            name="email"
            type="email"
            label={labels.email}
            value={props.email}
            autocomplete="username"
            maxLength={254}
            error={errors.email}
          />
          <TextField
            t={t}
            name="password"
            type="password"
            label={labels.password}
            autocomplete="current-password"
            error={errors.password}
          />
          <button type="submit">{t('accounts.sign_in.submit')}</button>
        </form>
        <p class="hint">{t('accounts.sign_in.help')}</p>
      </div>
    </StaffLayout>
  );
}

/** The second step: a code from the authenticator app. */
export function SecondFactorPage(props: { ctx: StaffPageContext; errors?: FieldErrors }) {
  const { ctx } = props;
  const t = ctx.t;
  const errors = props.errors ?? {};
  const labels = { code: t('accounts.field.code') };
  return (
    <StaffLayout ctx={ctx} title={t('accounts.second_factor.title')}>
      <div class="narrow">
        <h1>{t('accounts.second_factor.title')}</h1>
        <ErrorSummary t={t} errors={errors} labels={labels} />
        <form method="post" action="/staff/sign-in/second-factor" novalidate>
          <CsrfField token={ctx.csrfToken} />
          <TextField
            t={t}
            name="code"
            label={labels.code}
            hint={t('accounts.second_factor.hint')}
            autocomplete="one-time-code"
            inputmode="numeric"
            maxLength={12}
            error={errors.code}
          />
          <button type="submit">{t('accounts.second_factor.submit')}</button>
        </form>
        <form method="post" action="/staff/sign-out">
          <CsrfField token={ctx.csrfToken} />
          <button type="submit" class="secondary">
            {t('accounts.second_factor.cancel')}
          </button>
        </form>
      </div>
    </StaffLayout>
  );
}
