import { CsrfField, ErrorSummary, Select, type FieldErrors, type Option } from '../../../platform/views/form.js';
import { StaffLayout, type StaffPageContext } from '../../../platform/views/staff-layout.js';
import { isolate } from '../../../platform/text.js';
import type { StaffUser } from '../user.js';

/**
 * Disabling, asked again: how many open cases the person holds that the reader may know, a form that gives them all
 * to someone else, and the button that disables. For a person disabled already, only the
 * cases and the reassignment. Plain forms, so it works without JavaScript.
 */
export function DisableUserPage(props: {
  ctx: StaffPageContext;
  user: StaffUser;
  openCases: number;
  /** Active people who may hold cases, other than this person. */
  holders: readonly Option[];
  /** Whether the disable button is offered (not for oneself, not for someone disabled). */
  mayDisable: boolean;
  to?: string | undefined;
  errors?: FieldErrors;
}) {
  const { ctx, user } = props;
  const t = ctx.t;
  const name = isolate(user.displayName);
  const errors = props.errors ?? {};
  const title = props.mayDisable
    ? t('accounts.disable.title', { name })
    : t('accounts.disable.cases_title', { name });
  return (
    <StaffLayout ctx={ctx} title={title}>
      <h1>{title}</h1>
      {props.mayDisable ? <p>{t('accounts.disable.intro')}</p> : null}
      <p id="open-cases">
        {t('accounts.disable.open_cases', { name, count: props.openCases })}{' '}
        {props.openCases > 0 ? (
          <a href={`/staff?assignee=${encodeURIComponent(user.id)}`}>{t('accounts.disable.see_cases')}</a>
        ) : null}
      </p>
      {/* The same sentence on every such page, whatever the person holds: it tells nothing of them (ADR 32). */}
      {props.mayDisable ? <p>{t('accounts.disable.restricted_note')}</p> : null}
      {props.openCases > 0 ? (
        <section class="panel" aria-labelledby="reassign-title">
          <h2 id="reassign-title">{t('accounts.disable.reassign_title')}</h2>
          <ErrorSummary t={t} errors={errors} labels={{ to: t('accounts.disable.reassign_to') }} />
          {props.holders.length === 0 ? (
            <p>{t('accounts.disable.no_holders')}</p>
          ) : (
            <form method="post" action={`/staff/users/${user.id}/reassign`} novalidate>
              <CsrfField token={ctx.csrfToken} />
              <Select
                t={t}
                name="to"
                label={t('accounts.disable.reassign_to')}
                value={props.to}
                error={errors.to}
                blank={t('accounts.disable.reassign_choose')}
                options={props.holders}
              />
              <button type="submit">{t('accounts.disable.reassign_submit', { count: props.openCases })}</button>
            </form>
          )}
        </section>
      ) : null}
      {props.mayDisable ? (
        <form method="post" action={`/staff/users/${user.id}/disable`}>
          <CsrfField token={ctx.csrfToken} />
          <input type="hidden" name="confirm" value="yes" />
          <p>
            {props.openCases > 0 ? t('accounts.disable.keep_cases', { count: props.openCases }) : t('accounts.disable.ends')}
          </p>
          <button type="submit" class="warning">
            {t('accounts.disable.submit', { name })}
          </button>
        </form>
      ) : null}
      <p>
        <a href="/staff/users">{t('accounts.users.back')}</a>
      </p>
    </StaffLayout>
  );
}
