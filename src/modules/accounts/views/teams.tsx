import { CsrfField, ErrorSummary, Select, TextField, type FieldErrors, type Option } from '../../../platform/views/form.js';
import { StaffLayout, type StaffPageContext } from '../../../platform/views/staff-layout.js';
import { TableScroll } from '../../../platform/views/table-scroll.js';
import type { TeamSummary } from '../user.repo.js';

export interface NewTeamValues {
  name?: string | undefined;
  time_zone?: string | undefined;
  region?: string | undefined;
}

/** Administrators: the teams (ADR 20), and a form to add one. */
export function TeamsPage(props: {
  ctx: StaffPageContext;
  teams: TeamSummary[];
  regions: Option[];
  values?: NewTeamValues;
  errors?: FieldErrors;
}) {
  const { ctx } = props;
  const t = ctx.t;
  const errors = props.errors ?? {};
  const values = props.values ?? {};
  const regionLabel = (code: string | null) =>
    code === null ? t('accounts.teams.region_any') : (props.regions.find((r) => r.value === code)?.label ?? code);
  const labels = {
    name: t('accounts.teams.name'),
    time_zone: t('accounts.teams.time_zone'),
    region: t('accounts.teams.region'),
  };
  return (
    <StaffLayout ctx={ctx} title={t('accounts.teams.title')}>
      <h1>{t('accounts.teams.title')}</h1>
      <p>{t('accounts.teams.intro')}</p>
      {props.teams.length === 0 ? (
        <p>{t('accounts.teams.none')}</p>
      ) : (
        <TableScroll label={t('accounts.teams.title')}>
          <table>
            <caption class="visually-hidden">{t('accounts.teams.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{labels.name}</th>
                <th scope="col">{labels.time_zone}</th>
                <th scope="col">{labels.region}</th>
                <th scope="col">{t('accounts.teams.members')}</th>
              </tr>
            </thead>
            <tbody>
              {props.teams.map((team) => (
                <tr>
                  <td>
                    <bdi>{team.name}</bdi>
                  </td>
                  <td>
                    <bdi>{team.timeZone}</bdi>
                  </td>
                  <td>{regionLabel(team.region)}</td>
                  <td>{team.members}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}

      <section class="panel" aria-labelledby="add-team-title">
        <h2 id="add-team-title">{t('accounts.teams.add_title')}</h2>
        <ErrorSummary t={t} errors={errors} labels={labels} />
        <form method="post" action="/staff/teams" novalidate>
          <CsrfField token={ctx.csrfToken} />
          <TextField t={t} name="name" label={labels.name} value={values.name} maxLength={100} error={errors.name} />
          <TextField
            t={t}
            name="time_zone"
            label={labels.time_zone}
            hint={t('accounts.teams.time_zone_hint')}
            value={values.time_zone ?? 'UTC'}
            maxLength={64}
            error={errors.time_zone}
          />
          <Select
            t={t}
            name="region"
            label={labels.region}
            value={values.region ?? ''}
            blank={t('accounts.teams.region_any')}
            options={props.regions}
            error={errors.region}
          />
          <button type="submit">{t('accounts.teams.add_submit')}</button>
        </form>
      </section>
    </StaffLayout>
  );
}
