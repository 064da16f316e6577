import { dirOf, displayName, type Translate } from '../../../platform/i18n/index.js';
import { unitListFor } from '../../../platform/i18n/formats.js';
import { withoutForbiddenChars } from '../../../platform/text.js';
import {
  CsrfField,
  ErrorSummary,
  Select,
  TextField,
  type FieldErrors,
  type Option,
} from '../../../platform/views/form.js';
import { StaffLayout, type StaffPageContext } from '../../../platform/views/staff-layout.js';
import { TableScroll } from '../../../platform/views/table-scroll.js';
import { BODY_MAX, NAME_MAX, PLACEHOLDERS, unknownPlaceholders } from '../template.js';
import type { TemplateRow, VariantRow } from '../template.service.js';

// The reply templates' pages: the list (with the form to add one) and one template with a text
// per language; and the case page's "Insert template" form. Pure functions of data; what a
// person may change is decided by the routes (`canEdit`).

/** Where the list and a template's page are. */
export const TEMPLATES_HREF = '/staff/templates';
export const templateHref = (id: string): string => `${TEMPLATES_HREF}/${encodeURIComponent(id)}`;

/** The form field of a language's text on a template's page. */
export const bodyField = (language: string): string => `body_${language}`;

/** A language's name in the reader's language, with its code: "Arabic (ar)". */
export function languageName(locale: string, language: string): string {
  return `${displayName(locale, 'language', language)} (${language})`;
}

/** The placeholders Haven fills, each with what it becomes. */
function PlaceholderHelp(p: { t: Translate; id: string }) {
  const t = p.t;
  return (
    <div class="hint" id={p.id}>
      <p>{t('templates.placeholders.intro')}</p>
      <ul class="placeholders">
        {PLACEHOLDERS.map((name) => (
          <li>
            <code dir="ltr">{`{${name}}`}</code> {t(`templates.placeholders.${name}`)}
          </li>
        ))}
      </ul>
      <p>{t('templates.placeholders.brackets')}</p>
    </div>
  );
}

/**
 * A template text's box: marked with its language and direction, so an Arabic text is typed
 * and read right to left on any page. A refusal for unknown placeholders names the ones found.
 */
function BodyField(p: {
  t: Translate;
  name: string;
  label: string;
  language: string | null;
  value: string;
  error: string | undefined;
  helpId: string;
  rows?: number;
}) {
  const t = p.t;
  const errorId = p.error ? `e-${p.name}` : undefined;
  const unknown = p.error === 'templates.error.unknown_placeholder' ? unknownPlaceholders(p.value) : [];
  return (
    <div class={p.error ? 'field has-error' : 'field'}>
      <label for={`f-${p.name}`}>{p.label}</label>
      {p.error ? (
        <p class="field-error" id={errorId}>
          {t(p.error)}
          {unknown.length > 0 ? (
            <>
              {' '}
              {t('templates.error.unknown_named', { count: unknown.length })}{' '}
              {unknown.map((u, i) => (
                <>
                  {i > 0 ? ', ' : null}
                  <code dir="auto">{`{${u}}`}</code>
                </>
              ))}
            </>
          ) : null}
        </p>
      ) : null}
      <textarea
        id={`f-${p.name}`}
        name={p.name}
        rows={p.rows ?? 14}
        lang={p.language ?? undefined}
        dir={p.language ? dirOf(p.language) : 'auto'}
        maxLength={BODY_MAX}
        aria-invalid={p.error ? 'true' : undefined}
        aria-describedby={[p.helpId, errorId].filter(Boolean).join(' ')}
      >
        {withoutForbiddenChars(p.value)}
      </textarea>
    </div>
  );
}

/** A form that failed, shown again: which one, what was typed, a message key per field. */
export interface FailedForm {
  form: string;
  values: Record<string, string>;
  errors: FieldErrors;
}

export interface TemplatesPageProps {
  ctx: StaffPageContext;
  templates: (TemplateRow & { languages: string[] })[];
  canEdit: boolean;
  /** The languages a new template's first text may be in. */
  languages: Option[];
  failed: FailedForm | null;
}

/** Every template, in use first, with its languages; the form to add one for those who edit. */
export function TemplatesPage(p: TemplatesPageProps) {
  const { ctx } = p;
  const t = ctx.t;
  const failed = p.failed?.form === 'new' ? p.failed : null;
  const errors = failed?.errors ?? {};
  const values = failed?.values ?? {};
  // The languages as the reader's language lists them ("،" in Arabic).
  const list = unitListFor(ctx.locale);
  const labels = {
    name: t('templates.field.name'),
    language: t('templates.field.language'),
    body: t('templates.field.first_text'),
  };
  return (
    <StaffLayout ctx={ctx} title={t('templates.title')}>
      <h1>{t('templates.title')}</h1>
      <p>{t('templates.intro')}</p>
      <TableScroll label={t('templates.table')}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('templates.col.name')}</th>
              <th scope="col">{t('templates.col.languages')}</th>
              <th scope="col">{t('templates.col.state')}</th>
            </tr>
          </thead>
          <tbody>
            {/* Those in use first, each group in the order coordinators set (a stable sort). */}
            {[...p.templates].sort((a, b) => Number(b.active) - Number(a.active)).map((tpl) => (
              <tr>
                <th scope="row">
                  <a href={templateHref(tpl.id)}>
                    <bdi>{tpl.name}</bdi>
                  </a>
                </th>
                <td>{list.format(tpl.languages.map((l) => languageName(ctx.locale, l)))}</td>
                <td>
                  {tpl.active ? t('templates.state.active') : <strong>{t('templates.state.retired')}</strong>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      {p.canEdit ? (
        <section class="panel" aria-labelledby="new-title" id="new-template">
          <h2 id="new-title">{t('templates.new.title')}</h2>
          <ErrorSummary t={t} errors={errors} labels={labels} locale={ctx.locale} />
          <form method="post" action={TEMPLATES_HREF} novalidate>
            <CsrfField token={ctx.csrfToken} />
            <TextField
              t={t}
              name="name"
              label={labels.name}
              value={values.name}
              maxLength={NAME_MAX}
              error={errors.name}
            />
            <Select
              t={t}
              name="language"
              label={labels.language}
              value={values.language ?? ctx.locale}
              error={errors.language}
              options={p.languages}
            />
            <PlaceholderHelp t={t} id="placeholders-new" />
            <BodyField
              t={t}
              name="body"
              label={labels.body}
              language={null}
              value={values.body ?? ''}
              error={errors.body}
              helpId="placeholders-new"
              rows={10}
            />
            <button type="submit">{t('templates.new.submit')}</button>
          </form>
        </section>
      ) : null}
    </StaffLayout>
  );
}

export interface TemplatePageProps {
  ctx: StaffPageContext;
  template: TemplateRow;
  variants: VariantRow[];
  canEdit: boolean;
  /** Languages the template has no text in yet (for the add form). */
  missing: Option[];
  failed: FailedForm | null;
}

/** One template: its name, a text per language (changed or removed there), and a text added in another language. */
export function TemplatePage(p: TemplatePageProps) {
  const { ctx, template: tpl } = p;
  const t = ctx.t;
  const failedOf = (form: string) => (p.failed?.form === form ? p.failed : null);
  const fieldLabels: Record<string, string> = {
    name: t('templates.field.name'),
    language: t('templates.field.language'),
    new_body: t('templates.field.text'),
    ...Object.fromEntries(
      p.variants.map((v) => [bodyField(v.language), t('templates.field.text_in', { language: languageName(ctx.locale, v.language) })]),
    ),
  };
  const rename = failedOf('rename');
  const add = failedOf('add');
  return (
    <StaffLayout ctx={ctx} title={tpl.name}>
      <p>
        <a href={TEMPLATES_HREF}>{t('templates.back')}</a>
      </p>
      <h1>
        <bdi>{tpl.name}</bdi>{' '}
        {tpl.active ? null : <span class="tag">{t('templates.state.retired')}</span>}
      </h1>
      {p.failed ? <ErrorSummary t={t} errors={p.failed.errors} labels={fieldLabels} locale={ctx.locale} /> : null}
      {tpl.active ? null : <p>{t('templates.retired_note')}</p>}
      {p.canEdit ? (
        <section class="panel" aria-labelledby="name-title">
          <h2 id="name-title">{t('templates.rename.title')}</h2>
          <form method="post" action={`${templateHref(tpl.id)}/name`} novalidate>
            <CsrfField token={ctx.csrfToken} />
            <TextField
              t={t}
              name="name"
              label={fieldLabels.name!}
              value={rename ? rename.values.name : tpl.name}
              maxLength={NAME_MAX}
              error={rename?.errors.name}
            />
            <button type="submit">{t('templates.rename.submit')}</button>
          </form>
          <form method="post" action={`${templateHref(tpl.id)}/${tpl.active ? 'retire' : 'reactivate'}`}>
            <CsrfField token={ctx.csrfToken} />
            <p class="hint">{tpl.active ? t('templates.retire_hint') : t('templates.reactivate_hint')}</p>
            <button type="submit" class={tpl.active ? 'warning' : 'secondary'}>
              {tpl.active ? t('templates.retire') : t('templates.reactivate')}
            </button>
          </form>
        </section>
      ) : null}
      <PlaceholderHelp t={t} id="placeholders" />
      {p.variants.map((v) => {
        const name = bodyField(v.language);
        const failed = failedOf(`variant:${v.language}`);
        const heading = languageName(ctx.locale, v.language);
        const headingId = `variant-${v.language}`;
        return (
          <section class="panel variant" aria-labelledby={headingId} id={`lang-${v.language}`}>
            <h2 id={headingId}>{heading}</h2>
            {p.canEdit ? (
              <>
                <form method="post" action={`${templateHref(tpl.id)}/variants/${encodeURIComponent(v.language)}`} novalidate>
                  <CsrfField token={ctx.csrfToken} />
                  <BodyField
                    t={t}
                    name={name}
                    label={fieldLabels[name]!}
                    language={v.language}
                    value={failed ? (failed.values.body ?? '') : v.body}
                    error={failed?.errors[name]}
                    helpId="placeholders"
                  />
                  <button type="submit">{t('templates.variant.save', { language: heading })}</button>
                </form>
                {p.variants.length > 1 ? (
                  <form
                    method="post"
                    action={`${templateHref(tpl.id)}/variants/${encodeURIComponent(v.language)}/remove`}
                  >
                    <CsrfField token={ctx.csrfToken} />
                    <button type="submit" class="secondary">
                      {t('templates.variant.remove', { language: heading })}
                    </button>
                  </form>
                ) : null}
              </>
            ) : (
              <div class="template-text" lang={v.language} dir={dirOf(v.language)}>
                {v.body}
              </div>
            )}
          </section>
        );
      })}
      {p.canEdit && p.missing.length > 0 ? (
        <section class="panel" aria-labelledby="add-title" id="add-variant">
          <h2 id="add-title">{t('templates.variant.add_title')}</h2>
          <p class="hint">{t('templates.variant.add_hint')}</p>
          <form method="post" action={`${templateHref(tpl.id)}/variants`} novalidate>
            <CsrfField token={ctx.csrfToken} />
            <Select
              t={t}
              name="language"
              label={fieldLabels.language!}
              value={add?.values.language}
              error={add?.errors.language}
              options={p.missing}
            />
            <BodyField
              t={t}
              name="new_body"
              label={fieldLabels.new_body!}
              language={null}
              value={add?.values.body ?? ''}
              error={add?.errors.new_body}
              helpId="placeholders"
              rows={10}
            />
            <button type="submit">{t('templates.variant.add')}</button>
          </form>
        </section>
      ) : null}
    </StaffLayout>
  );
}

/** What the case page says after a template was inserted. */
export interface InsertedTemplate {
  /** The language of the text put in the reply box. */
  language: string;
  /** The case's language, when the template has no text in it. */
  wanted: string | null;
}

/**
 * The case page's "Insert template" form: a GET form (it works without script) that brings the
 * case page back with the reply box filled in the case's language. After an insert it says in
 * which language the text is, and warns when the template had none in the case's language.
 */
export function InsertTemplateForm(p: {
  t: Translate;
  locale: string;
  caseId: number;
  choices: Option[];
  selected?: string | undefined;
  inserted?: InsertedTemplate | null | undefined;
}) {
  const t = p.t;
  if (p.choices.length === 0) return null;
  const inserted = p.inserted;
  return (
    <div class="template-insert">
      <form method="get" action={`/staff/cases/${p.caseId}#reply`} class="inline-form">
        <Select
          t={t}
          name="template"
          label={t('templates.insert.label')}
          hint={t('templates.insert.hint')}
          value={p.selected}
          options={p.choices}
        />
        <button type="submit" class="secondary">
          {t('templates.insert.submit')}
        </button>
      </form>
      {inserted && inserted.wanted !== null ? (
        <p class="template-warning" role="status">
          <strong>
            {t('templates.insert.fell_back', {
              wanted: languageName(p.locale, inserted.wanted),
              used: languageName(p.locale, inserted.language),
            })}
          </strong>
        </p>
      ) : inserted ? (
        <p class="template-done" role="status">
          {t('templates.insert.done', { language: languageName(p.locale, inserted.language) })}
        </p>
      ) : null}
    </div>
  );
}
