import { CONTACT_METHODS } from '../../../contracts/case.js';
import {
  Checkbox,
  CsrfField,
  ErrorSummary,
  Radios,
  Select,
  TextArea,
  TextField,
  type FieldErrors,
  type Option,
} from '../../../platform/views/form.js';
import { withoutHiddenHandleChars } from '../../../platform/text.js';
import { PublicLayout } from '../../../platform/views/public-layout.js';
import { LIMITS } from '../../cases/index.js';
import { HONEYPOT_FIELD } from '../intake.abuse.js';
import type { IntakeContext } from './context.js';
import { FileField, FilesNotice, type FilesState } from './files.js';

export type RequestFormNotice = 'token' | 'save_failed' | null;

/** What the form shows: the values typed so far (kept on every re-render) and the choices. */
export interface RequestFormProps {
  ctx: IntakeContext;
  values: Record<string, string>;
  errors: FieldErrors;
  token: string;
  /**
   * Why the form came back although the answers may be fine: its token was missing, forged
   * or too old, or saving failed. Either way everything typed is kept.
   */
  notice: RequestFormNotice;
  /** The file field's limits, and why the files sent were not kept, if they were not (ADR 26). */
  files: FilesState;
  options: {
    urgency: readonly Option[];
    country: readonly Option[];
    language: readonly Option[];
    beneficiary: readonly Option[];
  };
}

/**
 * A field people never fill: moved off-screen by the stylesheet (robots that do not apply
 * CSS see an ordinary field), out of the tab order, with autofill off and a name no browser
 * autofills. Screen readers still reach it, so its label says plainly to leave it empty.
 */
function Honeypot(p: { label: string }) {
  return (
    <div class="hp">
      <label for={HONEYPOT_FIELD}>{p.label}</label>
      <input
        type="text"
        id={HONEYPOT_FIELD}
        name={HONEYPOT_FIELD}
        value=""
        autocomplete="off"
        tabindex={-1}
      />
    </div>
  );
}

/**
 * The request form, one page, every answer but the first and the consent optional (the
 * preferred language is chosen for them: the page's).
 */
export function RequestFormPage(props: RequestFormProps) {
  const { ctx, values: v, errors: e } = props;
  const t = ctx.t;
  const labels: Record<string, string> = {
    description: t('intake.form.description_label'),
    urgency: t('intake.form.urgency_label'),
    country: t('intake.form.country_label'),
    language: t('intake.form.language_label'),
    contact_method: t('intake.form.contact_method_label'),
    contact: t('intake.form.contact_label'),
    beneficiary: t('intake.form.beneficiary_label'),
    consent: t('intake.form.consent_label'),
  };
  const methods: Option[] = CONTACT_METHODS.map((m) => ({
    value: m,
    label: t(`intake.contact_method.${m}`),
  }));
  const title = t('intake.form.title');
  return (
    <PublicLayout
      ctx={ctx}
      home={ctx.link('/')}
      logo={false}
      title={Object.keys(e).length ? t('intake.form.title_with_errors', { title }) : title}
    >
      <h1>{title}</h1>
      {props.notice ? (
        <div class="warning" role="alert">
          <p>
            {props.notice === 'token'
              ? t('intake.form.token_problem')
              : t('intake.form.save_failed')}
          </p>
        </div>
      ) : null}
      <FilesNotice ctx={ctx} files={props.files} />
      <ErrorSummary t={t} errors={e} labels={labels} locale={ctx.locale} />
      <p>{t('intake.form.intro')}</p>
      <form
        method="post"
        action={ctx.link('/request')}
        accept-charset="utf-8"
        enctype={props.files.limits.maxFiles > 0 ? 'multipart/form-data' : undefined}
        novalidate
      >
        <CsrfField token={props.token} />
        <Honeypot label={t('intake.form.honeypot_label')} />
        <TextArea
          t={t}
          name="description"
          label={labels.description!}
          hint={t('intake.form.description_hint')}
          error={e.description}
          value={v.description}
          maxLength={LIMITS.descriptionMax}
          rows={10}
        />
        <Radios
          t={t}
          name="urgency"
          label={labels.urgency!}
          error={e.urgency}
          value={v.urgency}
          // The helpline's choices, then "I don't know" (stored as 'unknown', as no answer is).
          options={[
            ...props.options.urgency,
            { value: 'unknown', label: t('intake.form.urgency_unknown') },
          ]}
        />
        <Select
          t={t}
          name="country"
          label={labels.country!}
          hint={t('intake.form.country_hint')}
          error={e.country}
          value={v.country}
          options={props.options.country}
          blank={t('intake.form.prefer_not_to_say')}
        />
        <Select
          t={t}
          name="language"
          label={labels.language!}
          error={e.language}
          value={v.language}
          options={props.options.language}
        />
        <Radios
          t={t}
          name="contact_method"
          label={labels.contact_method!}
          hint={t('intake.form.contact_method_hint')}
          error={e.contact_method}
          value={v.contact_method}
          options={methods}
        />
        <TextField
          t={t}
          name="contact"
          label={labels.contact!}
          hint={t('intake.form.contact_hint')}
          error={e.contact}
          // Shown again without the invisible characters it is refused for, so sending the
          // form again works (intake.schema.ts, checkContact).
          value={v.contact && withoutHiddenHandleChars(v.contact)}
          maxLength={LIMITS.contactMax}
        />
        <Select
          t={t}
          name="beneficiary"
          label={labels.beneficiary!}
          error={e.beneficiary}
          value={v.beneficiary}
          options={props.options.beneficiary}
          blank={t('intake.form.prefer_not_to_say')}
        />
        <h2>{t('intake.form.consent_title')}</h2>
        <ul>
          <li>{t('intake.form.consent_encrypted')}</li>
          <li>{t('intake.form.consent_access')}</li>
          <li>{t('intake.form.consent_retention')}</li>
          <li>{t('intake.form.consent_no_ip')}</li>
        </ul>
        <Checkbox
          t={t}
          name="consent"
          label={labels.consent!}
          error={e.consent}
          checked={v.consent === 'yes'}
        />
        {/* The last field: files come after every other field (ADR 26). */}
        <FileField ctx={ctx} files={props.files} />
        <p>{t('intake.form.next_step')}</p>
        <button type="submit">{t('intake.form.submit')}</button>
      </form>
    </PublicLayout>
  );
}
