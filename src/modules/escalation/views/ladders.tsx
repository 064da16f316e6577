import type { Translate } from '../../../platform/i18n/index.js';
import { Checkbox, CsrfField, ErrorSummary, Select, TextField, type FieldErrors, type Option } from '../../../platform/views/form.js';
import { StaffLayout, type StaffPageContext } from '../../../platform/views/staff-layout.js';
import { GLOBAL_LADDER, MINUTES_MAX, RESOLUTION_HOURS_MAX, STEP_ACTIONS, STEP_URGENCIES, type Ladder } from '../escalation.js';
import { FORM_ROWS_MAX, stepField } from '../escalation.schema.js';

// The escalation ladders' page: the global ladder and each team's, each one form of steps
// (minutes, action, urgency, severity, remove) with two blank rows to add steps, and its
// resolution target; a team's ladder can be removed; a team without one can be given one.
// Pure functions of data.

export const ESCALATION_HREF = '/staff/escalation';
export const ladderHref = (id: string): string => `${ESCALATION_HREF}/ladders/${encodeURIComponent(id)}`;

/** A ladder as the page shows it: its team's name (null: global) and its form's one-time token. */
export interface LadderView {
  ladder: Ladder;
  teamName: string | null;
  onceToken: string;
}

/** A refused form, shown again with what was typed. */
export interface FailedLadder {
  ladderId: string;
  values: Record<string, string>;
  errors: FieldErrors;
}

function actionOptions(t: Translate): Option[] {
  return STEP_ACTIONS.map((a) => ({ value: a, label: t(`escalation.action.${a}`) }));
}

function urgencyOptions(t: Translate): Option[] {
  return STEP_URGENCIES.map((u) => ({ value: u, label: t(`escalation.urgency.${u}`) }));
}

/** The form values of a ladder as saved. */
function savedValues(l: Ladder): Record<string, string> {
  const v: Record<string, string> = { version: String(l.version), resolution_hours: String(l.resolutionHours) };
  l.steps.forEach((s, row) => {
    v[stepField(row, 'id')] = s.id;
    v[stepField(row, 'minutes')] = String(s.minutes);
    v[stepField(row, 'action')] = s.action;
    v[stepField(row, 'urgency')] = s.urgency ?? '';
    v[stepField(row, 'severity')] = s.severity ?? '';
  });
  return v;
}

/** Each field's label for the error summary: "Step 2: after how many minutes". */
function fieldLabels(t: Translate): Record<string, string> {
  const labels: Record<string, string> = { resolution_hours: t('escalation.field.resolution_hours'), version: t('escalation.field.version') };
  for (let row = 0; row < FORM_ROWS_MAX; row++) {
    const step = t('escalation.step', { n: row + 1 });
    for (const name of ['id', 'minutes', 'action', 'urgency', 'severity'] as const)
      labels[stepField(row, name)] = `${step} · ${t(`escalation.field.${name === 'id' ? 'minutes' : name}`)}`;
  }
  return labels;
}

function LadderForm(p: { ctx: StaffPageContext; view: LadderView; severities: Option[]; failed: FailedLadder | null }) {
  const { ctx, view } = p;
  const t = ctx.t;
  const l = view.ladder;
  const values = p.failed?.values ?? savedValues(l);
  const errors = p.failed?.errors ?? {};
  // The saved steps (or as many rows as were sent), then two blank rows, at most FORM_ROWS_MAX.
  const filled = p.failed
    ? Array.from({ length: FORM_ROWS_MAX }, (_, r) => r).filter((r) => values[stepField(r, 'minutes')] || values[stepField(r, 'action')]).reduce((m, r) => Math.max(m, r + 1), 0)
    : l.steps.length;
  const rows = Math.min(FORM_ROWS_MAX, filled + 2);
  const titleId = `ladder-${l.id}-title`;
  return (
    <section class="panel" id={`ladder-${l.id}`} aria-labelledby={titleId}>
      <h2 id={titleId}>
        {view.teamName === null ? (
          t('escalation.global.title')
        ) : (
          <>
            {t('escalation.team.title')} <bdi>{view.teamName}</bdi>
          </>
        )}
      </h2>
      <p>{view.teamName === null ? t('escalation.global.intro') : t('escalation.team.intro')}</p>
      {l.id === GLOBAL_LADDER && l.version === 0 ? <p class="hint">{t('escalation.global.configured')}</p> : null}
      {p.failed ? <ErrorSummary t={t} errors={errors} labels={fieldLabels(t)} locale={ctx.locale} /> : null}
      <form method="post" action={ladderHref(l.id)} novalidate>
        <CsrfField token={ctx.csrfToken} />
        <input type="hidden" name="_once" value={view.onceToken} />
        <input type="hidden" name="version" value={values.version ?? String(l.version)} />
        {Array.from({ length: rows }, (_, row) => {
          const saved = (values[stepField(row, 'id')] ?? '') !== '';
          return (
            <fieldset class="step">
              <legend>{saved ? t('escalation.step', { n: row + 1 }) : t('escalation.new_step')}</legend>
              <input type="hidden" name={stepField(row, 'id')} value={values[stepField(row, 'id')] ?? ''} />
              <TextField
                t={t}
                name={stepField(row, 'minutes')}
                label={t('escalation.field.minutes')}
                hint={t('escalation.field.minutes_hint', { max: MINUTES_MAX })}
                value={values[stepField(row, 'minutes')] ?? ''}
                inputmode="numeric"
                maxLength={5}
                error={errors[stepField(row, 'minutes')] ?? errors[stepField(row, 'id')]}
              />
              <Select
                t={t}
                name={stepField(row, 'action')}
                label={t('escalation.field.action')}
                blank={t('escalation.field.action_blank')}
                options={actionOptions(t)}
                value={values[stepField(row, 'action')] ?? ''}
                error={errors[stepField(row, 'action')]}
              />
              <Select
                t={t}
                name={stepField(row, 'urgency')}
                label={t('escalation.field.urgency')}
                blank={t('escalation.any')}
                options={urgencyOptions(t)}
                value={values[stepField(row, 'urgency')] ?? ''}
                error={errors[stepField(row, 'urgency')]}
              />
              <Select
                t={t}
                name={stepField(row, 'severity')}
                label={t('escalation.field.severity')}
                blank={t('escalation.any')}
                options={p.severities}
                value={values[stepField(row, 'severity')] ?? ''}
                error={errors[stepField(row, 'severity')]}
              />
              {saved ? (
                <Checkbox t={t} name={stepField(row, 'remove')} label={t('escalation.field.remove')} checked={values[stepField(row, 'remove')] === 'yes'} />
              ) : null}
            </fieldset>
          );
        })}
        <TextField
          t={t}
          name="resolution_hours"
          label={t('escalation.field.resolution_hours')}
          hint={t('escalation.field.resolution_hint', { max: RESOLUTION_HOURS_MAX })}
          value={values.resolution_hours ?? ''}
          inputmode="numeric"
          maxLength={4}
          error={errors.resolution_hours ?? errors.version}
        />
        <button type="submit">{t('escalation.save')}</button>
      </form>
      {view.teamName !== null ? (
        <form method="post" action={`${ladderHref(l.id)}/delete`}>
          <CsrfField token={ctx.csrfToken} />
          <button type="submit" class="secondary">
            {t('escalation.team.remove')}
          </button>
        </form>
      ) : null}
    </section>
  );
}

/** /staff/escalation. */
export function LaddersPage(p: {
  ctx: StaffPageContext;
  ladders: LadderView[];
  /** Teams without a ladder of their own, for the form that gives one. */
  teamsWithout: Option[];
  severities: Option[];
  failed: FailedLadder | null;
  newTeam: { value: string; error: string } | null;
}) {
  const { ctx } = p;
  const t = ctx.t;
  return (
    <StaffLayout ctx={ctx} title={t('escalation.title')}>
      <h1>{t('escalation.title')}</h1>
      <p>{t('escalation.intro')}</p>
      <p>{t('escalation.pause')}</p>
      {p.ladders.map((view) => (
        <LadderForm ctx={ctx} view={view} severities={p.severities} failed={p.failed?.ladderId === view.ladder.id ? p.failed : null} />
      ))}
      {p.teamsWithout.length > 0 ? (
        <section class="panel" aria-labelledby="new-ladder-title" id="new-ladder">
          <h2 id="new-ladder-title">{t('escalation.new.title')}</h2>
          <p>{t('escalation.new.intro')}</p>
          {p.newTeam ? <ErrorSummary t={t} errors={{ team_id: p.newTeam.error }} labels={{ team_id: t('escalation.field.team') }} locale={ctx.locale} /> : null}
          <form method="post" action={`${ESCALATION_HREF}/ladders`} novalidate>
            <CsrfField token={ctx.csrfToken} />
            <Select
              t={t}
              name="team_id"
              label={t('escalation.field.team')}
              options={p.teamsWithout}
              value={p.newTeam?.value}
              error={p.newTeam?.error}
            />
            <button type="submit">{t('escalation.new.submit')}</button>
          </form>
        </section>
      ) : null}
    </StaffLayout>
  );
}
