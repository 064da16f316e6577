import { displayName } from '../../../platform/i18n/index.js';
import { isolate } from '../../../platform/text.js';
import {
  CsrfField,
  ErrorSummary,
  Select,
  TextArea,
  TextField,
  type FieldErrors,
} from '../../../platform/views/form.js';
import { StaffLayout, type StaffPageContext } from '../../../platform/views/staff-layout.js';
import { LOGO_MAX_BYTES, LOGO_TYPES } from '../logo.js';
import { textField } from '../settings.schema.js';
import {
  DESCRIPTION_MAX,
  EMERGENCY_MAX,
  LANDING_MAX,
  NAME_MAX,
  ONION_MAX,
  PGP_KEY_MAX,
  SIGNAL_MAX,
  TEXT_LOCALES,
  type OrganisationIdentity,
} from '../settings.js';

export interface SettingsPageProps {
  ctx: StaffPageContext;
  canEdit: boolean;
  /** The form's values: the saved settings, or what was typed when it was refused. */
  values: Record<string, string>;
  errors: FieldErrors;
  /** The settings were saved by someone else since this form was shown. */
  conflict: boolean;
  /** The current logo's address, if one is set. */
  logoUrl: string | null;
  /** The logo form's message key, when an upload was refused. */
  logoError?: string | undefined;
  /** The saved PGP key's fingerprint in groups of four, if a key is saved. */
  pgpFingerprint: string | null;
}

/** The settings form's values from the saved settings. */
export function settingsValues(identity: OrganisationIdentity): Record<string, string> {
  const values: Record<string, string> = {
    name: identity.name ?? '',
    default_locale: identity.defaultLocale,
    pgp_key: identity.pgpKey ?? '',
    onion_address: identity.onionAddress ? `http://${identity.onionAddress}/` : '',
    signal_number: identity.signalNumber ?? '',
    revision: String(identity.revision),
  };
  for (const l of TEXT_LOCALES) {
    const texts = identity.texts[l];
    values[textField('description', l)] = texts?.description ?? '';
    values[textField('landing', l)] = texts?.landing ?? '';
    values[textField('emergency', l)] = texts?.emergency ?? '';
  }
  return values;
}

/**
 * /staff/settings: the organisation's name, the language its texts fall back to, the other
 * ways to reach it, its texts in each language, and its logo. Everything here is public.
 * Coordinators read it; administrators change it.
 */
export function SettingsPage(p: SettingsPageProps) {
  const { ctx } = p;
  const t = ctx.t;
  const language = (l: string) => displayName(ctx.locale, 'language', l);
  const labels: Record<string, string> = {
    name: t('settings.field.name'),
    default_locale: t('settings.field.default_locale'),
    pgp_key: t('settings.field.pgp_key'),
    onion_address: t('settings.field.onion_address'),
    signal_number: t('settings.field.signal_number'),
    revision: t('settings.title'),
  };
  for (const l of TEXT_LOCALES) {
    labels[textField('description', l)] = t('settings.field.description_in', { language: language(l) });
    labels[textField('landing', l)] = t('settings.field.landing_in', { language: language(l) });
    labels[textField('emergency', l)] = t('settings.field.emergency_in', { language: language(l) });
  }
  const v = p.values;
  const e = p.errors;
  return (
    <StaffLayout ctx={ctx} title={t('settings.title')}>
      <h1>{t('settings.title')}</h1>
      <p>{t('settings.intro')}</p>
      {p.conflict ? (
        <div class="error-summary" role="alert">
          <p>{t('settings.error.changed')}</p>
        </div>
      ) : null}
      <ErrorSummary t={t} errors={e} labels={labels} locale={ctx.locale} />
      <form method="post" action="/staff/settings" novalidate>
        <CsrfField token={ctx.csrfToken} />
        <input type="hidden" name="revision" value={v.revision ?? '0'} />
        <fieldset class="field" disabled={!p.canEdit}>
          <h2>{t('settings.section.organisation')}</h2>
          <TextField t={t} name="name" label={labels.name!} hint={t('settings.hint.name')} value={v.name} error={e.name} maxLength={NAME_MAX} />
          <Select
            t={t}
            name="default_locale"
            label={labels.default_locale!}
            hint={t('settings.hint.default_locale')}
            value={v.default_locale}
            error={e.default_locale}
            options={TEXT_LOCALES.map((l) => ({ value: l, label: language(l) }))}
          />
          <h2>{t('settings.section.reach')}</h2>
          <p class="hint">{t('settings.hint.reach')}</p>
          <TextField
            t={t}
            name="onion_address"
            label={labels.onion_address!}
            hint={t('settings.hint.onion_address')}
            value={v.onion_address}
            error={e.onion_address}
            maxLength={ONION_MAX}
          />
          <TextField
            t={t}
            name="signal_number"
            label={labels.signal_number!}
            hint={t('settings.hint.signal_number')}
            value={v.signal_number}
            error={e.signal_number}
            maxLength={SIGNAL_MAX}
            inputmode="tel"
          />
          <TextArea
            t={t}
            name="pgp_key"
            label={labels.pgp_key!}
            hint={t('settings.hint.pgp_key')}
            value={v.pgp_key}
            error={e.pgp_key}
            rows={6}
            maxLength={PGP_KEY_MAX}
          />
          {p.pgpFingerprint ? (
            <p class="hint">{t('settings.pgp_saved_fingerprint', { fingerprint: isolate(p.pgpFingerprint) })}</p>
          ) : null}
          <h2>{t('settings.section.texts')}</h2>
          <p class="hint">{t('settings.hint.texts')}</p>
          {TEXT_LOCALES.map((l) => (
            <fieldset class="field" id={`texts-${l}`}>
              <legend>{language(l)}</legend>
              <TextField
                t={t}
                name={textField('description', l)}
                label={labels[textField('description', l)]!}
                hint={t('settings.hint.description', { max: DESCRIPTION_MAX })}
                value={v[textField('description', l)]}
                error={e[textField('description', l)]}
                maxLength={DESCRIPTION_MAX}
              />
              <TextArea
                t={t}
                name={textField('landing', l)}
                label={labels[textField('landing', l)]!}
                hint={t('settings.hint.landing', { max: LANDING_MAX })}
                value={v[textField('landing', l)]}
                error={e[textField('landing', l)]}
                rows={8}
                maxLength={LANDING_MAX}
              />
              <TextArea
                t={t}
                name={textField('emergency', l)}
                label={labels[textField('emergency', l)]!}
                hint={t('settings.hint.emergency', { max: EMERGENCY_MAX })}
                value={v[textField('emergency', l)]}
                error={e[textField('emergency', l)]}
                rows={3}
                maxLength={EMERGENCY_MAX}
              />
            </fieldset>
          ))}
          {p.canEdit ? <button type="submit">{t('settings.save')}</button> : null}
        </fieldset>
      </form>

      <h2 id="logo">{t('settings.section.logo')}</h2>
      {p.logoUrl ? (
        <p>
          <img class="logo-preview" src={p.logoUrl} alt={t('settings.logo.current')} height={64} />
        </p>
      ) : (
        <p>{t('settings.logo.none')}</p>
      )}
      {p.canEdit ? (
        <>
          <form method="post" action="/staff/settings/logo" enctype="multipart/form-data">
            <CsrfField token={ctx.csrfToken} />
            <div class={p.logoError ? 'field has-error' : 'field'}>
              <label for="f-logo">{t('settings.field.logo')}</label>
              <p class="hint" id="h-logo">
                {t('settings.hint.logo', { kb: LOGO_MAX_BYTES / 1024 })}
              </p>
              {p.logoError ? (
                <p class="field-error" id="e-logo" role="alert">
                  {t(p.logoError)}
                </p>
              ) : null}
              <input
                id="f-logo"
                name="logo"
                type="file"
                accept={LOGO_TYPES.join(',')}
                aria-describedby={p.logoError ? 'h-logo e-logo' : 'h-logo'}
                aria-invalid={p.logoError ? 'true' : undefined}
              />
            </div>
            <button type="submit">{t('settings.logo.upload')}</button>
          </form>
          {p.logoUrl ? (
            <form method="post" action="/staff/settings/logo/remove">
              <CsrfField token={ctx.csrfToken} />
              <button type="submit" class="secondary">
                {t('settings.logo.remove')}
              </button>
            </form>
          ) : null}
        </>
      ) : null}
    </StaffLayout>
  );
}
