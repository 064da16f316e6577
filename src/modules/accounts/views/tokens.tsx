import { ShownOncePage } from './shown-once.js';
import {
  CsrfField,
  ErrorSummary,
  TextField,
  type FieldErrors,
} from '../../../platform/views/form.js';
import { StaffLayout, type StaffPageContext } from '../../../platform/views/staff-layout.js';
import type { TokenSummary } from '../user.repo.js';
import { TableScroll } from '../../../platform/views/table-scroll.js';
import { isolate } from '../../../platform/text.js';
import { formatTime } from '../../../platform/views/time.js';

/** The signed-in person's own API tokens. */
export function TokensPage(props: {
  ctx: StaffPageContext;
  tokens: TokenSummary[];
  label?: string;
  errors?: FieldErrors;
}) {
  const { ctx } = props;
  const t = ctx.t;
  const errors = props.errors ?? {};
  const labels = { label: t('accounts.field.token_label') };
  return (
    <StaffLayout ctx={ctx} title={t('accounts.tokens.title')}>
      <h1>{t('accounts.tokens.title')}</h1>
      <p>{t('accounts.tokens.intro')}</p>
      {props.tokens.length === 0 ? (
        <p>{t('accounts.tokens.none')}</p>
      ) : (
        <TableScroll label={t('accounts.tokens.title')}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('accounts.field.token_label')}</th>
                <th scope="col">{t('accounts.tokens.created')}</th>
                <th scope="col">{t('accounts.tokens.last_used')}</th>
                <th scope="col">
                  <span class="visually-hidden">{t('accounts.users.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {props.tokens.map((tk) => (
                <tr>
                  <td>
                    <bdi>{tk.label}</bdi>
                  </td>
                  <td>{formatTime(ctx, tk.createdAt)}</td>
                  <td>
                    {tk.lastUsedAt === null
                      ? t('accounts.tokens.never')
                      : formatTime(ctx, tk.lastUsedAt)}
                  </td>
                  <td>
                    <form
                      method="post"
                      action={`/staff/account/tokens/${tk.id}/revoke`}
                      class="inline"
                    >
                      <CsrfField token={ctx.csrfToken} />
                      <button
                        type="submit"
                        class="warning"
                        aria-label={t('accounts.tokens.revoke_named', { label: isolate(tk.label) })}
                      >
                        {t('accounts.tokens.revoke')}
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      <section class="panel" aria-labelledby="new-token-title">
        <h2 id="new-token-title">{t('accounts.tokens.create_title')}</h2>
        <ErrorSummary t={t} errors={errors} labels={labels} />
        <form method="post" action="/staff/account/tokens" novalidate>
          <CsrfField token={ctx.csrfToken} />
          <TextField
            t={t}
            name="label"
            label={labels.label}
            hint={t('accounts.tokens.label_hint')}
            value={props.label}
            maxLength={80}
            error={errors.label}
          />
          <button type="submit">{t('accounts.tokens.create_submit')}</button>
        </form>
      </section>
    </StaffLayout>
  );
}

/** Shown once after creating a token: only its hash is kept. */
export function TokenCreatedPage(props: { ctx: StaffPageContext; label: string; token: string }) {
  const t = props.ctx.t;
  return (
    <ShownOncePage
      ctx={props.ctx}
      title={t('accounts.tokens.created_title')}
      body={t('accounts.tokens.created_body', { label: isolate(props.label) })}
      secretId="api-token"
      secret={props.token}
      once={t('accounts.tokens.created_once')}
      back={{ href: '/staff/account/tokens', text: t('accounts.tokens.back') }}
    />
  );
}
