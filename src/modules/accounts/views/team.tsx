import { dateTimeFormats } from '../../../platform/i18n/formats.js';
import { isolate } from '../../../platform/text.js';
import { CsrfField, ErrorSummary, TextField, type FieldErrors, type Option } from '../../../platform/views/form.js';
import { StaffLayout, type StaffPageContext } from '../../../platform/views/staff-layout.js';
import { TableScroll } from '../../../platform/views/table-scroll.js';
import type { TeamDetail } from '../user.service.js';

/** The settings form as typed, when it was refused. */
export interface TeamSettingsValues {
  name?: string | undefined;
  time_zone?: string | undefined;
}

const TEAM_TIME = dateTimeFormats({ weekday: 'short', hour: '2-digit', minute: '2-digit', timeZone: 'UTC', timeZoneName: 'long' });

/**
 * The current time in `timeZone`, with the zone named: where a team's shifts are, one glance
 * says whether it is their night. One formatter per locale and zone, kept (formats.ts).
 */
function localTime(locale: string, timeZone: string, now: number): string {
  return TEAM_TIME(locale, timeZone).format(now);
}

/**
 * A team's own page (ADR 20): its time zone and the time there now, its members with their
 * roles, and its regions and languages, which administrators change with checkboxes.
 */
export function TeamPage(props: {
  ctx: StaffPageContext;
  team: TeamDetail;
  now: number;
  /** The terms in use, in the vocabulary's order, plus any retired one the team still has. */
  regions: Option[];
  languages: Option[];
  canManage: boolean;
  /** The boxes as sent, when the form was refused. */
  chosen?: { regions?: string[]; languages?: string[] };
  values?: TeamSettingsValues | undefined;
  errors?: FieldErrors;
}) {
  const { ctx, team } = props;
  const t = ctx.t;
  const errors = props.errors ?? {};
  const labels = {
    regions: t('accounts.team.regions_legend', { team: isolate(team.name) }),
    languages: t('accounts.team.languages_legend', { team: isolate(team.name) }),
    name: t('accounts.teams.name'),
    time_zone: t('accounts.teams.time_zone'),
    remove: t('accounts.team.remove_title'),
  };
  const values = props.values ?? {};
  const named = (options: Option[], codes: string[]) =>
    options.filter((o) => codes.includes(o.value)).map((o) => o.label).join(', ') || t('accounts.team.none_chosen');
  const boxes = (field: 'regions' | 'languages', options: Option[], held: string[]) => {
    const checked = props.chosen?.[field] ?? held;
    const error = errors[field];
    return (
      <form method="post" action={`/staff/teams/${team.id}/${field}`}>
        <CsrfField token={ctx.csrfToken} />
        <fieldset class={error ? 'field has-error' : 'field'} id={`f-${field}`} aria-describedby={error ? `e-${field}` : undefined}>
          <legend>{labels[field]}</legend>
          {error ? (
            <p class="field-error" id={`e-${field}`}>
              {t(error)}
            </p>
          ) : null}
          {options.map((o) => (
            <div class="choice">
              <input type="checkbox" id={`f-${field}-${o.value}`} name={field} value={o.value} checked={checked.includes(o.value)} />
              <label for={`f-${field}-${o.value}`}>{o.label}</label>
            </div>
          ))}
        </fieldset>
        <button type="submit">{field === 'regions' ? t('accounts.team.regions_submit') : t('accounts.team.languages_submit')}</button>
      </form>
    );
  };
  return (
    <StaffLayout ctx={ctx} title={t('accounts.team.title', { team: isolate(team.name) })}>
      <p>
        <a href="/staff/teams">{t('accounts.team.back')}</a>
      </p>
      <h1>
        <bdi>{team.name}</bdi>
      </h1>
      <ErrorSummary t={t} errors={errors} labels={labels} locale={ctx.locale} />
      <dl>
        <dt>{t('accounts.teams.time_zone')}</dt>
        <dd>
          <bdi>{team.timeZone}</bdi> ({t('accounts.team.local_time', { time: localTime(ctx.locale, team.timeZone, props.now) })})
        </dd>
        <dt>{t('accounts.team.regions')}</dt>
        <dd>{named(props.regions, team.regions)}</dd>
        <dt>{t('accounts.team.languages')}</dt>
        <dd>{named(props.languages, team.languages)}</dd>
      </dl>

      <h2 id="team-members-title">{t('accounts.teams.members')}</h2>
      {team.people.length === 0 ? (
        <p>{t('accounts.teams.no_members')}</p>
      ) : (
        <TableScroll label={t('accounts.teams.members')}>
          <table aria-labelledby="team-members-title">
            <thead>
              <tr>
                <th scope="col">{t('accounts.teams.name')}</th>
                <th scope="col">{t('accounts.team.roles')}</th>
              </tr>
            </thead>
            <tbody>
              {team.people.map((m) => (
                <tr>
                  <td>
                    <bdi>{m.displayName}</bdi>
                    {m.status !== 'active' ? ` (${t(`accounts.status.${m.status}`)})` : null}
                  </td>
                  <td>{m.roles.length === 0 ? t('accounts.role.unknown') : m.roles.map((r) => t(`accounts.role.${r}`)).join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}

      {props.canManage ? (
        <>
          <section class="panel" aria-labelledby="team-regions-title">
            <h2 id="team-regions-title">{t('accounts.team.regions')}</h2>
            {boxes('regions', props.regions, team.regions)}
          </section>
          <section class="panel" aria-labelledby="team-languages-title">
            <h2 id="team-languages-title">{t('accounts.team.languages')}</h2>
            {boxes('languages', props.languages, team.languages)}
          </section>
          <section class="panel" aria-labelledby="team-settings-title">
            <h2 id="team-settings-title">{t('accounts.team.settings_title')}</h2>
            <form method="post" action={`/staff/teams/${team.id}/settings`} novalidate>
              <CsrfField token={ctx.csrfToken} />
              <TextField t={t} name="name" label={labels.name} value={values.name ?? team.name} maxLength={100} error={errors.name} />
              <TextField
                t={t}
                name="time_zone"
                label={labels.time_zone}
                hint={t('accounts.teams.time_zone_hint')}
                value={values.time_zone ?? team.timeZone}
                maxLength={64}
                error={errors.time_zone}
              />
              <button type="submit">{t('accounts.team.settings_submit')}</button>
            </form>
          </section>
          <section class="panel" aria-labelledby="team-remove-title">
            <h2 id="team-remove-title">{labels.remove}</h2>
            {errors.remove ? (
              <p class="field-error" id="e-remove">
                {t(errors.remove)}
              </p>
            ) : (
              <p>{t('accounts.team.remove_hint')}</p>
            )}
            <form method="post" action={`/staff/teams/${team.id}/remove`}>
              <CsrfField token={ctx.csrfToken} />
              <button type="submit" class="secondary" id="f-remove" aria-describedby={errors.remove ? 'e-remove' : undefined}>
                {t('accounts.team.remove_submit', { team: isolate(team.name) })}
              </button>
            </form>
          </section>
        </>
      ) : null}
    </StaffLayout>
  );
}
