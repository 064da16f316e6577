import { CsrfField, ErrorSummary, TextField, type FieldErrors } from '../../../platform/views/form.js';
import { StaffLayout, type StaffPageContext } from '../../../platform/views/staff-layout.js';

/**
 * The only staff page while sealed: what "sealed" means and the unseal form. No session exists,
 * so the form carries a stateless form token.
 */
export function UnsealPage(props: {
  ctx: StaffPageContext;
  formToken: string;
  holder?: string | undefined;
  errors?: FieldErrors;
  /** Set when the attempt was refused for now: how many seconds until the next may start. */
  waitSeconds?: number | undefined;
}) {
  const { ctx } = props;
  const t = ctx.t;
  const errors = props.errors ?? {};
  const labels = { holder: t('vault.field.holder'), passphrase: t('vault.field.passphrase') };
  return (
    <StaffLayout ctx={ctx} title={t('vault.unseal.title')}>
      <div class="narrow">
        <h1>{t('vault.unseal.title')}</h1>
        <p>{t('vault.unseal.intro')}</p>
        <ErrorSummary t={t} errors={errors} labels={labels} />
        {props.waitSeconds ? (
          <p id="unseal-wait" role="status">
            {t('vault.unseal.wait', { seconds: props.waitSeconds })}
          </p>
        ) : null}
        <form method="post" action="/staff/unseal" novalidate>
          <input type="hidden" name="_form" value={props.formToken} />
          <TextField t={t} name="holder" label={labels.holder} value={props.holder} autocomplete="username" maxLength={64} error={errors.holder} />
          <TextField t={t} name="passphrase" type="password" label={labels.passphrase} autocomplete="current-password" maxLength={1024} error={errors.passphrase} />
          <button type="submit">{t('vault.unseal.submit')}</button>
        </form>
        <p class="hint">{t('vault.unseal.help')}</p>
      </div>
    </StaffLayout>
  );
}

export interface VaultStatusView {
  sealedMode: boolean;
  activeKeyId: number;
  liveKeys: number;
  holders: { holder: string; created_at: number }[];
  rotation: { running: boolean; rewrapped: number };
}

/** Administrators: the vault's mode, who can unseal, and key rotation. */
export function VaultPage(props: { ctx: StaffPageContext; status: VaultStatusView }) {
  const { ctx, status } = props;
  const t = ctx.t;
  return (
    <StaffLayout ctx={ctx} title={t('vault.status.title')}>
      <h1>{t('vault.status.title')}</h1>
      <dl class="facts">
        <dt>{t('vault.status.mode')}</dt>
        <dd id="vault-mode">{status.sealedMode ? t('vault.status.mode_sealed') : t('vault.status.mode_default')}</dd>
        <dt>{t('vault.status.active_key')}</dt>
        <dd>{status.activeKeyId}</dd>
      </dl>
      {status.sealedMode ? (
        <>
          <section class="panel" aria-labelledby="holders-title">
            <h2 id="holders-title">{t('vault.status.holders_title')}</h2>
            <ul>
              {status.holders.map((h) => (
                <li>
                  <bdi>{h.holder}</bdi>
                </li>
              ))}
            </ul>
            <p class="hint">{t('vault.status.holders_hint')}</p>
          </section>
          <section class="panel" aria-labelledby="rotate-title">
            <h2 id="rotate-title">{t('vault.status.rotate_title')}</h2>
            {status.rotation.running || status.liveKeys > 1 ? (
              <p id="rotation-progress">{t('vault.status.rotation_running', { count: status.rotation.rewrapped })}</p>
            ) : (
              <form method="post" action="/staff/vault/rotate">
                <CsrfField token={ctx.csrfToken} />
                <p class="hint">{t('vault.status.rotate_hint')}</p>
                <button type="submit">{t('vault.status.rotate_submit')}</button>
              </form>
            )}
          </section>
        </>
      ) : (
        <p>{t('vault.status.default_hint')}</p>
      )}
    </StaffLayout>
  );
}
