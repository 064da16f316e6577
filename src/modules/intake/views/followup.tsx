import { CsrfField, ErrorSummary, TextArea, TextField, type FieldErrors } from '../../../platform/views/form.js';
import { PublicLayout } from '../../../platform/views/public-layout.js';
import { LIMITS } from '../../cases/index.js';
import type { IntakeContext } from './context.js';

export type FollowupNotice = 'left' | 'expired' | 'token' | 'wrong_receipt' | null;

/**
 * Where a requester enters their receipt. When a session ended while they were writing, the
 * unsent message comes back here, filled in, and is sent once the code is entered again.
 * The page never shows the code that was typed, so a wrong code answers the same whatever
 * the reason.
 */
export function FollowupPage(props: {
  ctx: IntakeContext;
  token: string;
  notice: FollowupNotice;
  message: string;
  messageError?: string | undefined;
}) {
  const { ctx, notice } = props;
  const t = ctx.t;
  const wrong = notice === 'wrong_receipt';
  // One summary for whatever was refused: a wrong code, a kept message the rules refuse, or both.
  const errors: FieldErrors = {
    ...(wrong ? { receipt: 'intake.followup.wrong_receipt' } : {}),
    ...(props.messageError ? { message: props.messageError } : {}),
  };
  return (
    <PublicLayout ctx={ctx} home={ctx.link('/')} title={t('intake.followup.title')}>
      <h1>{t('intake.followup.title')}</h1>
      {notice === 'left' ? <p class="notice">{t('intake.followup.left')}</p> : null}
      {notice === 'expired' ? (
        <p class="warning" role="alert">
          {t('intake.followup.expired')}
        </p>
      ) : null}
      {notice === 'token' ? (
        <p class="warning" role="alert">
          {t('intake.followup.token_problem')}
        </p>
      ) : null}
      <ErrorSummary
        t={t}
        errors={errors}
        labels={{ receipt: t('intake.followup.receipt_label'), message: t('intake.followup.unsent_label') }}
        locale={ctx.locale}
      />
      <p>{t('intake.followup.intro')}</p>
      <form method="post" action={ctx.link('/followup')} accept-charset="utf-8" novalidate>
        <CsrfField token={props.token} />
        <TextField
          t={t}
          name="receipt"
          label={t('intake.followup.receipt_label')}
          hint={t('intake.followup.receipt_hint')}
          error={wrong ? 'intake.followup.wrong_receipt' : undefined}
          maxLength={60}
        />
        {props.message || props.messageError ? (
          <TextArea
            t={t}
            name="message"
            label={t('intake.followup.unsent_label')}
            hint={t('intake.followup.unsent_hint')}
            error={props.messageError}
            value={props.message}
            maxLength={LIMITS.messageMax}
          />
        ) : null}
        <button type="submit">{t('intake.followup.submit')}</button>
      </form>
      <p>{t('intake.followup.lost_code')}</p>
    </PublicLayout>
  );
}
