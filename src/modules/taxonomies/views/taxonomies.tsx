import { dirOf, displayName, type Translate } from '../../../platform/i18n/index.js';
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
import {
  cldrNamesOf,
  CODE_MAX,
  LABEL_MAX,
  termLabel,
  vocabularyLabel,
  type Term,
  type Vocabulary,
} from '../taxonomy.js';
import { labelField } from '../taxonomy.schema.js';
import type { VocabularySummary } from '../taxonomy.service.js';

// The administrators' pages on the taxonomies: the list of vocabularies, one vocabulary with
// its terms and the form to add one, and one term with its names and mappings. Pure functions
// of data; what a person may change is decided by the routes (`canEdit`).

/** Where a vocabulary's and a term's pages are. */
export const vocabularyHref = (code: string): string =>
  `/staff/taxonomies/${encodeURIComponent(code)}`;
export const termHref = (vocabulary: string, code: string): string =>
  `${vocabularyHref(vocabulary)}/${encodeURIComponent(code)}`;

/** A language's name in the reader's language, with its code: "Arabic (ar)". */
function languageName(ctx: StaffPageContext, locale: string): string {
  return `${displayName(ctx.locale, 'language', locale)} (${locale})`;
}

/** The text of the "no delete" help, said on every page where terms are changed. */
function NoDelete(p: { t: Translate }) {
  return <p class="hint">{p.t('taxonomies.no_delete')}</p>;
}

export interface TaxonomiesPageProps {
  ctx: StaffPageContext;
  vocabularies: VocabularySummary[];
  namespaceLabel: (namespace: string) => string;
}

/** Every vocabulary, grouped by what it belongs to, with how many terms are in use and retired. */
export function TaxonomiesPage(p: TaxonomiesPageProps) {
  const { ctx } = p;
  const t = ctx.t;
  const groups = new Map<string, VocabularySummary[]>();
  for (const v of p.vocabularies) groups.set(v.namespace, [...(groups.get(v.namespace) ?? []), v]);
  return (
    <StaffLayout ctx={ctx} title={t('taxonomies.title')}>
      <h1>{t('taxonomies.title')}</h1>
      <p>{t('taxonomies.intro')}</p>
      <NoDelete t={t} />
      {[...groups.entries()].map(([namespace, list]) => (
        <section class="panel" aria-labelledby={`ns-${namespace}`}>
          <h2 id={`ns-${namespace}`}>{p.namespaceLabel(namespace)}</h2>
          <TableScroll label={p.namespaceLabel(namespace)}>
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('taxonomies.col.vocabulary')}</th>
                  <th scope="col">{t('taxonomies.col.code')}</th>
                  <th scope="col">{t('taxonomies.col.in_use')}</th>
                  <th scope="col">{t('taxonomies.col.retired')}</th>
                  <th scope="col">{t('taxonomies.col.order')}</th>
                </tr>
              </thead>
              <tbody>
                {list.map((v) => (
                  <tr>
                    <th scope="row">
                      <a href={vocabularyHref(v.code)}>
                        <bdi>{vocabularyLabel(v, ctx.locale)}</bdi>
                      </a>
                    </th>
                    <td>
                      <code>{v.code}</code>
                    </td>
                    <td>{v.active}</td>
                    <td>{v.retired}</td>
                    <td>{t(`taxonomies.ordering.${v.ordering}`)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableScroll>
        </section>
      ))}
    </StaffLayout>
  );
}

/** What the add form shows again after a refusal. */
export type TermFormValues = Record<string, string>;

export interface VocabularyPageProps {
  ctx: StaffPageContext;
  vocabulary: Vocabulary;
  terms: Term[];
  /** The parent vocabulary and its terms in use (a country's regions), when there is one. */
  parent: { vocabulary: Vocabulary; options: Option[]; labelOf: (code: string) => string } | null;
  canEdit: boolean;
  values: TermFormValues;
  errors: FieldErrors;
  /** The languages the add form asks a name in. */
  locales: readonly string[];
}

/** One vocabulary: its terms in order, each with its state and actions; the form to add one. */
export function VocabularyPage(p: VocabularyPageProps) {
  const { ctx, vocabulary: v } = p;
  const t = ctx.t;
  const name = vocabularyLabel(v, ctx.locale);
  const manual = v.ordering === 'manual';
  const cldr = cldrNamesOf(v.code);
  const fieldLabels: Record<string, string> = {
    code: t('taxonomies.field.code'),
    parent: p.parent
      ? vocabularyLabel(p.parent.vocabulary, ctx.locale)
      : t('taxonomies.col.parent'),
    ...Object.fromEntries(
      p.locales.map((l) => [
        labelField(l),
        t('taxonomies.field.label', { language: languageName(ctx, l) }),
      ]),
    ),
  };
  return (
    <StaffLayout ctx={ctx} title={name}>
      <p>
        <a href="/staff/taxonomies">{t('taxonomies.back')}</a>
      </p>
      <h1>
        <bdi>{name}</bdi> <code class="tag">{v.code}</code>
      </h1>
      {v.fixed ? <p>{t('taxonomies.fixed_note')}</p> : null}
      {cldr ? <p>{t('taxonomies.cldr_note')}</p> : null}
      {manual ? null : <p>{t('taxonomies.label_order_note')}</p>}
      <NoDelete t={t} />
      <TableScroll label={name}>
        <table>
          <caption class="visually-hidden">{name}</caption>
          <thead>
            <tr>
              {manual ? <th scope="col">{t('taxonomies.col.position')}</th> : null}
              <th scope="col">{t('taxonomies.col.name')}</th>
              <th scope="col">{t('taxonomies.col.code')}</th>
              {p.parent ? (
                <th scope="col">{vocabularyLabel(p.parent.vocabulary, ctx.locale)}</th>
              ) : null}
              <th scope="col">{t('taxonomies.col.mappings')}</th>
              <th scope="col">{t('taxonomies.col.state')}</th>
              <th scope="col">
                <span class="visually-hidden">{t('taxonomies.col.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {p.terms.map((term, i) => {
              const label = termLabel(term, ctx.locale);
              return (
                <tr id={`term-${term.code}`}>
                  {manual ? <td>{i + 1}</td> : null}
                  <th scope="row">
                    <bdi>{label}</bdi>
                  </th>
                  <td>
                    <code>{term.code}</code>
                  </td>
                  {p.parent ? (
                    <td>{term.parent ? <bdi>{p.parent.labelOf(term.parent)}</bdi> : null}</td>
                  ) : null}
                  <td>
                    {Object.entries(term.mappings).map(([scheme, value]) => (
                      <div>
                        {scheme}: <code>{value}</code>
                      </div>
                    ))}
                  </td>
                  <td>
                    {term.active ? (
                      t('taxonomies.state.active')
                    ) : (
                      <strong>{t('taxonomies.state.retired')}</strong>
                    )}
                  </td>
                  <td class="actions">
                    <a
                      href={termHref(v.code, term.code)}
                      aria-label={t('taxonomies.edit_named', { term: label })}
                    >
                      {p.canEdit ? t('taxonomies.edit') : t('taxonomies.view')}
                    </a>
                    {p.canEdit && manual && i > 0 ? (
                      <MoveButton
                        ctx={ctx}
                        vocabulary={v.code}
                        term={term.code}
                        direction="up"
                        label={label}
                      />
                    ) : null}
                    {p.canEdit && manual && i < p.terms.length - 1 ? (
                      <MoveButton
                        ctx={ctx}
                        vocabulary={v.code}
                        term={term.code}
                        direction="down"
                        label={label}
                      />
                    ) : null}
                    {p.canEdit && !v.fixed ? (
                      <ActiveButton ctx={ctx} vocabulary={v.code} term={term} label={label} />
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableScroll>

      {p.canEdit && !v.fixed ? (
        <section class="panel" aria-labelledby="add-title" id="add-term">
          <h2 id="add-title">{t('taxonomies.add_title')}</h2>
          <p class="hint">{t('taxonomies.add_hint')}</p>
          <ErrorSummary t={t} errors={p.errors} labels={fieldLabels} />
          <form method="post" action={vocabularyHref(v.code)} novalidate>
            <CsrfField token={ctx.csrfToken} />
            <TextField
              t={t}
              name="code"
              label={fieldLabels.code!}
              hint={t(`taxonomies.code_hint.${cldr ?? 'default'}`)}
              value={p.values.code}
              maxLength={CODE_MAX}
              error={p.errors.code}
            />
            {p.parent ? (
              <Select
                t={t}
                name="parent"
                label={fieldLabels.parent!}
                value={p.values.parent ?? ''}
                error={p.errors.parent}
                blank={t('taxonomies.parent_none')}
                options={p.parent.options}
              />
            ) : null}
            <LabelFields
              ctx={ctx}
              locales={p.locales}
              cldr={cldr}
              values={p.values}
              errors={p.errors}
              code={p.values.code ?? ''}
              vocabulary={v.code}
            />
            <button type="submit">{t('taxonomies.add')}</button>
          </form>
        </section>
      ) : null}
    </StaffLayout>
  );
}

function MoveButton(p: {
  ctx: StaffPageContext;
  vocabulary: string;
  term: string;
  direction: 'up' | 'down';
  label: string;
}) {
  const t = p.ctx.t;
  return (
    <form method="post" action={`${termHref(p.vocabulary, p.term)}/move`} class="inline">
      <CsrfField token={p.ctx.csrfToken} />
      <input type="hidden" name="direction" value={p.direction} />
      <button
        type="submit"
        class="secondary"
        aria-label={
          p.direction === 'up'
            ? t('taxonomies.move_up_named', { term: p.label })
            : t('taxonomies.move_down_named', { term: p.label })
        }
      >
        {p.direction === 'up' ? t('taxonomies.move_up') : t('taxonomies.move_down')}
      </button>
    </form>
  );
}

function ActiveButton(p: { ctx: StaffPageContext; vocabulary: string; term: Term; label: string }) {
  const t = p.ctx.t;
  const retire = p.term.active;
  return (
    <form
      method="post"
      action={`${termHref(p.vocabulary, p.term.code)}/${retire ? 'retire' : 'reactivate'}`}
      class="inline"
    >
      <CsrfField token={p.ctx.csrfToken} />
      <button
        type="submit"
        class={retire ? 'warning' : 'secondary'}
        aria-label={
          retire
            ? t('taxonomies.retire_named', { term: p.label })
            : t('taxonomies.reactivate_named', { term: p.label })
        }
      >
        {retire ? t('taxonomies.retire') : t('taxonomies.reactivate')}
      </button>
    </form>
  );
}

/**
 * One text field per language, each marked with its language and direction so an Arabic name
 * is typed and shown right to left on any page. For countries and languages the hint gives the
 * CLDR name a blank field falls back to.
 */
function LabelFields(p: {
  ctx: StaffPageContext;
  locales: readonly string[];
  cldr: 'region' | 'language' | null;
  values: Record<string, string>;
  errors: FieldErrors;
  vocabulary: string;
  code: string;
}) {
  const { ctx } = p;
  const t = ctx.t;
  return (
    <fieldset class="field">
      <legend>{t('taxonomies.labels_legend')}</legend>
      <p class="hint">{p.cldr ? t('taxonomies.labels_hint_cldr') : t('taxonomies.labels_hint')}</p>
      {p.locales.map((locale) => {
        const name = labelField(locale);
        const error = p.errors[name];
        const fallback =
          p.cldr && p.code
            ? termLabel({ kind: p.vocabulary, code: p.code, labels: {} }, locale)
            : null;
        const hintId = fallback ? `h-${name}` : undefined;
        const errorId = error ? `e-${name}` : undefined;
        return (
          <div class={error ? 'field has-error' : 'field'}>
            <label for={`f-${name}`}>
              {t('taxonomies.field.label', { language: languageName(ctx, locale) })}
            </label>
            {fallback ? (
              <p class="hint" id={hintId}>
                {t('taxonomies.cldr_name')} <bdi lang={locale}>{fallback}</bdi>
              </p>
            ) : null}
            {error ? (
              <p class="field-error" id={errorId}>
                {t(error)}
              </p>
            ) : null}
            <input
              id={`f-${name}`}
              name={name}
              type="text"
              value={withoutForbiddenChars(p.values[name] ?? '')}
              lang={locale}
              dir={dirOf(locale)}
              autocomplete="off"
              maxLength={LABEL_MAX}
              aria-invalid={error ? 'true' : undefined}
              aria-describedby={[hintId, errorId].filter(Boolean).join(' ') || undefined}
            />
          </div>
        );
      })}
    </fieldset>
  );
}

export interface TermPageProps {
  ctx: StaffPageContext;
  vocabulary: Vocabulary;
  term: Term;
  /** The parent term's label, when the term has one. */
  parentLabel: string | null;
  canEdit: boolean;
  /** The languages the names form shows: every language Haven shows, and any the term has besides. */
  locales: readonly string[];
  labels: { values: Record<string, string>; errors: FieldErrors };
  mapping: { values: Record<string, string>; errors: FieldErrors };
}

/** One term: its facts, its name in every language, its mappings, and retiring or bringing it back. */
export function TermPage(p: TermPageProps) {
  const { ctx, vocabulary: v, term } = p;
  const t = ctx.t;
  const name = termLabel(term, ctx.locale);
  const vocabularyName = vocabularyLabel(v, ctx.locale);
  const cldr = cldrNamesOf(v.code);
  const labelNames = Object.fromEntries(
    p.locales.map((l) => [
      labelField(l),
      t('taxonomies.field.label', { language: languageName(ctx, l) }),
    ]),
  );
  const mappingNames = { scheme: t('taxonomies.field.scheme'), value: t('taxonomies.field.value') };
  return (
    <StaffLayout ctx={ctx} title={`${name} · ${vocabularyName}`}>
      <p>
        <a href={vocabularyHref(v.code)}>
          {t('taxonomies.back_to', { vocabulary: vocabularyName })}
        </a>
      </p>
      <h1>
        <bdi>{name}</bdi>{' '}
        {term.active ? null : <span class="tag">{t('taxonomies.state.retired')}</span>}
      </h1>
      <dl class="facts">
        <dt>{t('taxonomies.col.vocabulary')}</dt>
        <dd>
          <bdi>{vocabularyName}</bdi>
        </dd>
        <dt>{t('taxonomies.col.code')}</dt>
        <dd>
          <code>{term.code}</code>
        </dd>
        {p.parentLabel !== null ? (
          <>
            <dt>{t('taxonomies.col.parent')}</dt>
            <dd>
              <bdi>{p.parentLabel}</bdi>
            </dd>
          </>
        ) : null}
        <dt>{t('taxonomies.col.state')}</dt>
        <dd>{term.active ? t('taxonomies.state.active') : t('taxonomies.retired_note')}</dd>
      </dl>

      <section class="panel" aria-labelledby="labels-title" id="labels">
        <h2 id="labels-title">{t('taxonomies.labels_title')}</h2>
        {p.canEdit ? (
          <>
            <ErrorSummary t={t} errors={p.labels.errors} labels={labelNames} />
            <form method="post" action={`${termHref(v.code, term.code)}/labels`} novalidate>
              <CsrfField token={ctx.csrfToken} />
              <LabelFields
                ctx={ctx}
                locales={p.locales}
                cldr={cldr}
                values={p.labels.values}
                errors={p.labels.errors}
                vocabulary={v.code}
                code={term.code}
              />
              <button type="submit">{t('taxonomies.save_labels')}</button>
            </form>
          </>
        ) : (
          <dl class="facts">
            {p.locales.map((l) => (
              <>
                <dt>{languageName(ctx, l)}</dt>
                <dd lang={l} dir={dirOf(l)}>
                  {termLabel(term, l)}
                </dd>
              </>
            ))}
          </dl>
        )}
      </section>

      <section class="panel" aria-labelledby="mappings-title" id="mappings">
        <h2 id="mappings-title">{t('taxonomies.mappings_title')}</h2>
        <p class="hint">{t('taxonomies.mappings_intro')}</p>
        {Object.keys(term.mappings).length === 0 ? (
          <p>{t('taxonomies.mappings_none')}</p>
        ) : (
          <dl class="facts">
            {Object.entries(term.mappings).map(([scheme, value]) => (
              <>
                <dt>{scheme}</dt>
                <dd>
                  <code>{value}</code>
                </dd>
              </>
            ))}
          </dl>
        )}
        {p.canEdit ? (
          <>
            <ErrorSummary t={t} errors={p.mapping.errors} labels={mappingNames} />
            <form method="post" action={`${termHref(v.code, term.code)}/mappings`} novalidate>
              <CsrfField token={ctx.csrfToken} />
              <TextField
                t={t}
                name="scheme"
                label={mappingNames.scheme}
                hint={t('taxonomies.scheme_hint')}
                value={p.mapping.values.scheme}
                maxLength={32}
                error={p.mapping.errors.scheme}
              />
              <TextField
                t={t}
                name="value"
                label={mappingNames.value}
                hint={t('taxonomies.value_hint')}
                value={p.mapping.values.value}
                maxLength={200}
                error={p.mapping.errors.value}
              />
              <button type="submit" class="secondary">
                {t('taxonomies.save_mapping')}
              </button>
            </form>
          </>
        ) : null}
      </section>

      {p.canEdit && !v.fixed ? (
        <section class="panel" aria-labelledby="use-title">
          <h2 id="use-title">{t('taxonomies.use_title')}</h2>
          <p>{term.active ? t('taxonomies.retire_hint') : t('taxonomies.reactivate_hint')}</p>
          <NoDelete t={t} />
          <ActiveButton ctx={ctx} vocabulary={v.code} term={term} label={name} />
        </section>
      ) : null}
    </StaffLayout>
  );
}
