import { dirOf, displayName, type Translate } from '../../../platform/i18n/index.js';
import { withoutForbiddenChars } from '../../../platform/text.js';
import { Checkbox, CsrfField, ErrorSummary, Select, TextField, type FieldErrors, type Option } from '../../../platform/views/form.js';
import { StaffLayout, type StaffPageContext } from '../../../platform/views/staff-layout.js';
import { TableScroll } from '../../../platform/views/table-scroll.js';
import { DUE_MINUTES_MAX, GUIDANCE_MAX, NAME_MAX, pickText, PLAYBOOK_LANGUAGES, TITLE_MAX, type Texts } from '../playbook.js';
import { guidanceField, nameField, titleField } from '../playbook.schema.js';
import type { PlaybookRow, PlaybookSummary, StepRow, StepText } from '../playbook.service.js';

// The playbooks' pages: the list (with the form to add one), one playbook (its incident type and
// names, retire, its steps in order with move and remove, and the form to add a step), and one
// step (required, due offset, title and guidance per language). Pure functions of data; what a
// person may change is decided by the routes (`canEdit`).

export const PLAYBOOKS_HREF = '/staff/playbooks';
export const playbookHref = (id: string): string => `${PLAYBOOKS_HREF}/${encodeURIComponent(id)}`;
export const stepHref = (id: string, stepId: string): string => `${playbookHref(id)}/steps/${encodeURIComponent(stepId)}`;

/** A language's name in the reader's language, with its code: "Arabic (ar)". */
export function languageName(locale: string, language: string): string {
  return `${displayName(locale, 'language', language)} (${language})`;
}

/** A form that failed, shown again: which one, what was typed, a message key per field. */
export interface FailedForm {
  form: string;
  values: Record<string, string>;
  errors: FieldErrors;
}

/** A due offset in minutes, said as the reader would: "2 hours", "3 days", "90 minutes". */
export function dueLabel(t: Translate, minutes: number | null): string {
  if (minutes === null) return t('playbooks.step.no_due');
  if (minutes > 0 && minutes % 1440 === 0) return t('playbooks.step.due_days', { count: minutes / 1440 });
  if (minutes > 0 && minutes % 60 === 0) return t('playbooks.step.due_hours', { count: minutes / 60 });
  return t('playbooks.step.due_minutes', { count: minutes });
}

/** A text in the reader's language (or the fallback's), marked with its language. */
function Localized(p: { texts: Texts<string>; locale: string; fallback: string }) {
  const picked = pickText(p.texts, p.locale);
  if (!picked) return <>{p.fallback}</>;
  return (
    <bdi lang={picked.language} dir={dirOf(picked.language)}>
      {picked.text}
    </bdi>
  );
}

/** The playbook form's fields: the incident type and a name per language. */
function PlaybookFields(p: { ctx: StaffPageContext; types: Option[]; values: Record<string, string>; errors: FieldErrors }) {
  const { ctx } = p;
  const t = ctx.t;
  return (
    <>
      <Select
        t={t}
        name="incident_type"
        label={t('playbooks.field.incident_type')}
        hint={t('playbooks.field.incident_type_hint')}
        value={p.values.incident_type}
        error={p.errors.incident_type}
        options={p.types}
        blank={t('playbooks.field.any_type')}
      />
      <p class="hint">{t('playbooks.field.names_hint')}</p>
      {PLAYBOOK_LANGUAGES.map((l) => (
        <TextField
          t={t}
          name={nameField(l)}
          label={t('playbooks.field.name_in', { language: languageName(ctx.locale, l) })}
          value={p.values[nameField(l)]}
          maxLength={NAME_MAX}
          error={p.errors[nameField(l)]}
        />
      ))}
    </>
  );
}

function playbookLabels(t: Translate, locale: string): Record<string, string> {
  return {
    incident_type: t('playbooks.field.incident_type'),
    ...Object.fromEntries(PLAYBOOK_LANGUAGES.map((l) => [nameField(l), t('playbooks.field.name_in', { language: languageName(locale, l) })])),
  };
}

function stepLabels(t: Translate, locale: string): Record<string, string> {
  return {
    required: t('playbooks.field.required'),
    due_minutes: t('playbooks.field.due_minutes'),
    ...Object.fromEntries(
      PLAYBOOK_LANGUAGES.flatMap((l) => [
        [titleField(l), t('playbooks.field.title_in', { language: languageName(locale, l) })],
        [guidanceField(l), t('playbooks.field.guidance_in', { language: languageName(locale, l) })],
      ]),
    ),
  };
}

/** The step form's fields: required, due offset, and a title and guidance per language. */
function StepFields(p: { ctx: StaffPageContext; values: Record<string, string>; errors: FieldErrors }) {
  const { ctx } = p;
  const t = ctx.t;
  const labels = stepLabels(t, ctx.locale);
  return (
    <>
      <Checkbox t={t} name="required" label={labels.required!} hint={t('playbooks.field.required_hint')} checked={p.values.required === 'yes'} error={p.errors.required} />
      <TextField
        t={t}
        name="due_minutes"
        label={labels.due_minutes!}
        hint={t('playbooks.field.due_minutes_hint', { max: DUE_MINUTES_MAX })}
        value={p.values.due_minutes}
        inputmode="numeric"
        maxLength={7}
        error={p.errors.due_minutes}
      />
      <p class="hint">{t('playbooks.field.texts_hint')}</p>
      {PLAYBOOK_LANGUAGES.map((l) => {
        const g = guidanceField(l);
        const gError = p.errors[g];
        return (
          <fieldset class="field">
            <legend>{languageName(ctx.locale, l)}</legend>
            <TextField t={t} name={titleField(l)} label={labels[titleField(l)]!} value={p.values[titleField(l)]} maxLength={TITLE_MAX} error={p.errors[titleField(l)]} />
            <div class={gError ? 'field has-error' : 'field'}>
              <label for={`f-${g}`}>{labels[g]}</label>
              {gError ? (
                <p class="field-error" id={`e-${g}`}>
                  {t(gError)}
                </p>
              ) : null}
              <textarea
                id={`f-${g}`}
                name={g}
                rows={4}
                lang={l}
                dir={dirOf(l)}
                maxLength={GUIDANCE_MAX}
                aria-invalid={gError ? 'true' : undefined}
                aria-describedby={gError ? `e-${g}` : undefined}
              >
                {withoutForbiddenChars(p.values[g] ?? '')}
              </textarea>
            </div>
          </fieldset>
        );
      })}
    </>
  );
}

/** What a step's form shows: its current values. */
export function stepValues(step: StepRow): Record<string, string> {
  const out: Record<string, string> = {
    required: step.required ? 'yes' : '',
    due_minutes: step.dueMinutes === null ? '' : String(step.dueMinutes),
  };
  for (const l of PLAYBOOK_LANGUAGES) {
    const text: StepText | undefined = step.texts[l];
    out[titleField(l)] = text?.title ?? '';
    out[guidanceField(l)] = text?.guidance ?? '';
  }
  return out;
}

export interface PlaybooksPageProps {
  ctx: StaffPageContext;
  playbooks: PlaybookSummary[];
  typeLabels: ReadonlyMap<string, string>;
  types: Option[];
  canEdit: boolean;
  /** The add form's one-time token. */
  onceToken: string;
  failed: FailedForm | null;
}

/** Every playbook, in use first; the form to add one for those who edit. */
export function PlaybooksPage(p: PlaybooksPageProps) {
  const { ctx } = p;
  const t = ctx.t;
  const failed = p.failed?.form === 'new' ? p.failed : null;
  return (
    <StaffLayout ctx={ctx} title={t('playbooks.title')}>
      <h1>{t('playbooks.title')}</h1>
      <p>{t('playbooks.intro')}</p>
      <TableScroll label={t('playbooks.table')}>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('playbooks.col.name')}</th>
              <th scope="col">{t('playbooks.col.incident_type')}</th>
              <th scope="col">{t('playbooks.col.steps')}</th>
              <th scope="col">{t('playbooks.col.state')}</th>
            </tr>
          </thead>
          <tbody>
            {[...p.playbooks]
              .sort((a, b) => Number(b.active) - Number(a.active))
              .map((pb) => (
                <tr>
                  <th scope="row">
                    <a href={playbookHref(pb.id)}>
                      <Localized texts={pb.names} locale={ctx.locale} fallback={pb.id} />
                    </a>
                  </th>
                  <td>{pb.incidentType === null ? t('playbooks.field.any_type') : (p.typeLabels.get(pb.incidentType) ?? pb.incidentType)}</td>
                  <td>{pb.steps}</td>
                  <td>{pb.active ? t('playbooks.state.active') : <strong>{t('playbooks.state.retired')}</strong>}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </TableScroll>
      {p.canEdit ? (
        <section class="panel" aria-labelledby="new-title" id="new-playbook">
          <h2 id="new-title">{t('playbooks.new.title')}</h2>
          <ErrorSummary t={t} errors={failed?.errors ?? {}} labels={playbookLabels(t, ctx.locale)} locale={ctx.locale} />
          <form method="post" action={PLAYBOOKS_HREF} novalidate>
            <CsrfField token={ctx.csrfToken} />
            <input type="hidden" name="_once" value={p.onceToken} />
            <PlaybookFields ctx={ctx} types={p.types} values={failed?.values ?? {}} errors={failed?.errors ?? {}} />
            <button type="submit">{t('playbooks.new.submit')}</button>
          </form>
        </section>
      ) : null}
    </StaffLayout>
  );
}

export interface PlaybookPageProps {
  ctx: StaffPageContext;
  playbook: PlaybookRow;
  names: Texts<string>;
  steps: StepRow[];
  typeLabels: ReadonlyMap<string, string>;
  types: Option[];
  canEdit: boolean;
  /** The add-step form's one-time token. */
  onceToken: string;
  failed: FailedForm | null;
}

/** One playbook: its type and names, its steps in order, and (for those who edit) the forms that change them. */
export function PlaybookPage(p: PlaybookPageProps) {
  const { ctx, playbook: pb } = p;
  const t = ctx.t;
  const href = playbookHref(pb.id);
  const title = pickText(p.names, ctx.locale)?.text ?? pb.id;
  const details = p.failed?.form === 'details' ? p.failed : null;
  const add = p.failed?.form === 'step' ? p.failed : null;
  const detailValues = details?.values ?? {
    incident_type: pb.incidentType ?? '',
    ...Object.fromEntries(PLAYBOOK_LANGUAGES.map((l) => [nameField(l), p.names[l] ?? ''])),
  };
  return (
    <StaffLayout ctx={ctx} title={title}>
      <p>
        <a href={PLAYBOOKS_HREF}>{t('playbooks.back')}</a>
      </p>
      <h1>
        <Localized texts={p.names} locale={ctx.locale} fallback={pb.id} /> {pb.active ? null : <span class="tag">{t('playbooks.state.retired')}</span>}
      </h1>
      <p>
        {t('playbooks.col.incident_type')}:{' '}
        {pb.incidentType === null ? t('playbooks.field.any_type') : (p.typeLabels.get(pb.incidentType) ?? pb.incidentType)}
      </p>
      {pb.active ? null : <p>{t('playbooks.retired_note')}</p>}
      <section class="panel" aria-labelledby="steps-title">
        <h2 id="steps-title">{t('playbooks.steps.title')}</h2>
        {p.steps.length === 0 ? <p>{t('playbooks.steps.none')}</p> : null}
        <ol>
          {p.steps.map((s, i) => {
            const text = pickText(s.texts, ctx.locale);
            return (
              <li id={`step-${s.id}`}>
                <p>
                  <strong lang={text?.language} dir={text ? dirOf(text.language) : 'auto'}>
                    {text?.text.title ?? s.id}
                  </strong>{' '}
                  {s.required ? <span class="tag">{t('playbooks.task.required')}</span> : null}{' '}
                  <span class="hint">{dueLabel(t, s.dueMinutes)}</span>
                </p>
                {text?.text.guidance ? (
                  <p lang={text.language} dir={dirOf(text.language)} class="hint">
                    {text.text.guidance}
                  </p>
                ) : null}
                {p.canEdit ? (
                  <div class="inline-form">
                    <a href={stepHref(pb.id, s.id)}>{t('playbooks.step.edit', { position: i + 1 })}</a>
                    {i > 0 ? (
                      <form method="post" action={`${stepHref(pb.id, s.id)}/up`}>
                        <CsrfField token={ctx.csrfToken} />
                        <button type="submit" class="secondary">
                          {t('playbooks.step.up', { position: i + 1 })}
                        </button>
                      </form>
                    ) : null}
                    {i < p.steps.length - 1 ? (
                      <form method="post" action={`${stepHref(pb.id, s.id)}/down`}>
                        <CsrfField token={ctx.csrfToken} />
                        <button type="submit" class="secondary">
                          {t('playbooks.step.down', { position: i + 1 })}
                        </button>
                      </form>
                    ) : null}
                    {p.steps.length > 1 ? (
                      <form method="post" action={`${stepHref(pb.id, s.id)}/remove`}>
                        <CsrfField token={ctx.csrfToken} />
                        <button type="submit" class="warning">
                          {t('playbooks.step.remove', { position: i + 1 })}
                        </button>
                      </form>
                    ) : null}
                  </div>
                ) : null}
              </li>
            );
          })}
        </ol>
      </section>
      {p.canEdit ? (
        <>
          <section class="panel" aria-labelledby="add-step-title" id="add-step">
            <h2 id="add-step-title">{t('playbooks.steps.add_title')}</h2>
            <ErrorSummary t={t} errors={add?.errors ?? {}} labels={stepLabels(t, ctx.locale)} locale={ctx.locale} />
            <form method="post" action={`${href}/steps`} novalidate>
              <CsrfField token={ctx.csrfToken} />
              <input type="hidden" name="_once" value={p.onceToken} />
              <StepFields ctx={ctx} values={add?.values ?? { required: 'yes' }} errors={add?.errors ?? {}} />
              <button type="submit">{t('playbooks.steps.add')}</button>
            </form>
          </section>
          <section class="panel" aria-labelledby="details-title" id="details">
            <h2 id="details-title">{t('playbooks.details.title')}</h2>
            <ErrorSummary t={t} errors={details?.errors ?? {}} labels={playbookLabels(t, ctx.locale)} locale={ctx.locale} />
            <form method="post" action={href} novalidate>
              <CsrfField token={ctx.csrfToken} />
              <PlaybookFields ctx={ctx} types={p.types} values={detailValues} errors={details?.errors ?? {}} />
              <button type="submit">{t('playbooks.details.submit')}</button>
            </form>
            <form method="post" action={`${href}/${pb.active ? 'retire' : 'reactivate'}`}>
              <CsrfField token={ctx.csrfToken} />
              <p class="hint">{pb.active ? t('playbooks.retire_hint') : t('playbooks.reactivate_hint')}</p>
              <button type="submit" class={pb.active ? 'warning' : 'secondary'}>
                {pb.active ? t('playbooks.retire') : t('playbooks.reactivate')}
              </button>
            </form>
          </section>
        </>
      ) : null}
    </StaffLayout>
  );
}

export interface StepPageProps {
  ctx: StaffPageContext;
  playbook: PlaybookRow;
  names: Texts<string>;
  step: StepRow;
  position: number;
  failed: FailedForm | null;
}

/** One step's form: required, due offset, title and guidance per language. */
export function StepPage(p: StepPageProps) {
  const { ctx } = p;
  const t = ctx.t;
  const heading = t('playbooks.step.edit', { position: p.position });
  return (
    <StaffLayout ctx={ctx} title={heading}>
      <p>
        <a href={playbookHref(p.playbook.id)}>
          <Localized texts={p.names} locale={ctx.locale} fallback={p.playbook.id} />
        </a>
      </p>
      <h1>{heading}</h1>
      <ErrorSummary t={t} errors={p.failed?.errors ?? {}} labels={stepLabels(t, ctx.locale)} locale={ctx.locale} />
      <form method="post" action={stepHref(p.playbook.id, p.step.id)} novalidate>
        <CsrfField token={ctx.csrfToken} />
        <StepFields ctx={ctx} values={p.failed?.values ?? stepValues(p.step)} errors={p.failed?.errors ?? {}} />
        <button type="submit">{t('playbooks.step.save')}</button>
      </form>
    </StaffLayout>
  );
}
