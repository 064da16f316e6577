import {
  CsrfField,
  ErrorSummary,
  TextField,
  type FieldErrors,
} from '../../../platform/views/form.js';
import { StaffLayout, type StaffPageContext } from '../../../platform/views/staff-layout.js';

export interface EnrolValues {
  email?: string | undefined;
  display_name?: string | undefined;
}

/** First enrolment step: name and password (and, for the first administrator, an email). */
export function EnrolPage(props: {
  ctx: StaffPageContext;
  action: string;
  formToken: string;
  askEmail: boolean;
  values: EnrolValues;
  errors?: FieldErrors;
}) {
  const { ctx } = props;
  const t = ctx.t;
  const errors = props.errors ?? {};
  const labels: Record<string, string> = {
    email: t('accounts.field.email'),
    display_name: t('accounts.field.display_name'),
    password: t('accounts.field.new_password'),
    password_confirm: t('accounts.field.password_confirm'),
  };
  return (
    <StaffLayout ctx={ctx} title={t('accounts.enrol.title')}>
      <div class="narrow">
        <h1>{t('accounts.enrol.title')}</h1>
        <p>{t('accounts.enrol.intro')}</p>
        <ErrorSummary t={t} errors={errors} labels={labels} />
        <form method="post" action={props.action} novalidate>
          <input type="hidden" name="_form" value={props.formToken} />
          {props.askEmail ? (
            <TextField
              t={t}
              name="email"
              type="email"
              label={labels.email!}
              hint={t('accounts.enrol.email_hint')}
              value={props.values.email}
              autocomplete="username"
              maxLength={254}
              error={errors.email}
            />
          ) : null}
          <TextField
            t={t}
            name="display_name"
            label={labels.display_name!}
            hint={t('accounts.enrol.name_hint')}
            value={props.values.display_name}
            autocomplete="name"
            maxLength={100}
            error={errors.display_name}
          />
          <TextField
            t={t}
            name="password"
            type="password"
            label={labels.password!}
            hint={t('accounts.enrol.password_hint', { min: 12 })}
            autocomplete="new-password"
            error={errors.password}
          />
          <TextField
            t={t}
            name="password_confirm"
            type="password"
            label={labels.password_confirm!}
            autocomplete="new-password"
            error={errors.password_confirm}
          />
          <button type="submit">{t('accounts.enrol.submit')}</button>
        </form>
      </div>
    </StaffLayout>
  );
}

/** Second enrolment step: the TOTP secret as a QR code (inline SVG, no script) and as text. */
export function EnrolSecondFactorPage(props: {
  ctx: StaffPageContext;
  qrSvg: string;
  secret: string;
  errors?: FieldErrors;
}) {
  const { ctx } = props;
  const t = ctx.t;
  const errors = props.errors ?? {};
  const labels = { code: t('accounts.field.code') };
  // Groups of four are easier to type into an app by hand.
  const grouped = props.secret.replace(/(.{4})/g, '$1 ').trim();
  return (
    <StaffLayout ctx={ctx} title={t('accounts.enrol_2fa.title')}>
      <div class="narrow">
        <h1>{t('accounts.enrol_2fa.title')}</h1>
        <ErrorSummary t={t} errors={errors} labels={labels} />
        <p>{t('accounts.enrol_2fa.intro')}</p>
        <figure class="qr">
          {/* The SVG comes from the qrcode library (paths only), never from user input. */}
          <div
            class="qr-code"
            role="img"
            aria-label={t('accounts.enrol_2fa.qr_label')}
            dangerouslySetInnerHTML={{ __html: props.qrSvg }}
          />
          <figcaption>
            {t('accounts.enrol_2fa.secret_label')} <code class="secret">{grouped}</code>
          </figcaption>
        </figure>
        <form method="post" action="/staff/enrol/second-factor" novalidate>
          <CsrfField token={ctx.csrfToken} />
          <TextField
            t={t}
            name="code"
            label={labels.code}
            hint={t('accounts.enrol_2fa.code_hint')}
            autocomplete="one-time-code"
            inputmode="numeric"
            maxLength={12}
            error={errors.code}
          />
          <button type="submit">{t('accounts.enrol_2fa.submit')}</button>
        </form>
      </div>
    </StaffLayout>
  );
}

/** An enrolment link that is unknown, used or expired: one answer for all three. */
export function EnrolInvalidPage(props: { ctx: StaffPageContext }) {
  const t = props.ctx.t;
  return (
    <StaffLayout ctx={props.ctx} title={t('accounts.enrol.invalid_title')}>
      <div class="narrow">
        <h1>{t('accounts.enrol.invalid_title')}</h1>
        <p>{t('accounts.enrol.invalid_body')}</p>
        <p>
          <a href="/staff/sign-in">{t('accounts.enrol.to_sign_in')}</a>
        </p>
      </div>
    </StaffLayout>
  );
}
