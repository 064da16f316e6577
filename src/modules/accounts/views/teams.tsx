import { isolate } from '../../../platform/text.js';
import { CsrfField, ErrorSummary, Select, TextField, type FieldErrors, type Option } from '../../../platform/views/form.js';
import { StaffLayout, type StaffPageContext } from '../../../platform/views/staff-layout.js';
import { TableScroll } from '../../../platform/views/table-scroll.js';
import type { TeamWithMembers } from '../user.repo.js';

export interface NewTeamValues {
  name?: string | undefined;
  time_zone?: string | undefined;
  region?: string | undefined;
}

/** A refused choice of person for a team: which team's form, and the message key. */
export interface MemberError {
  teamId: string;
  error: string;
}

/**
 * Administrators: the teams (ADR 20), each with its members, a button to take each out and a
 * select of the active people not yet in it; and a form to add a team.
 */
export function TeamsPage(props: {
  ctx: StaffPageContext;
  teams: TeamWithMembers[];
  /** The active people, by name: those who can join a team. */
  people: { id: string; displayName: string }[];
  regions: Option[];
  /** Administrators add teams and change who is in them; coordinators only read. */
  canManage: boolean;
  values?: NewTeamValues;
  errors?: FieldErrors;
  member?: MemberError | undefined;
}) {
  const { ctx } = props;
  const t = ctx.t;
  const errors = props.errors ?? {};
  const values = props.values ?? {};
  // Every region the team covers, in the vocabulary's order (a retired one after, by its code).
  const regionLabels = (codes: string[]) =>
    codes.length === 0
      ? t('accounts.teams.region_any')
      : [...props.regions.filter((r) => codes.includes(r.value)).map((r) => r.label), ...codes.filter((c) => !props.regions.some((r) => r.value === c))].join(', ');
  const labels = {
    name: t('accounts.teams.name'),
    time_zone: t('accounts.teams.time_zone'),
    region: t('accounts.teams.region'),
  };
  const member = props.member;
  const memberTeam = member ? props.teams.find((team) => team.id === member.teamId) : undefined;
  const memberLabel = (team: TeamWithMembers) => t('accounts.teams.member_label', { team: isolate(team.name) });
  return (
    <StaffLayout ctx={ctx} title={t('accounts.teams.title')}>
      <h1>{t('accounts.teams.title')}</h1>
      {member && memberTeam ? (
        <ErrorSummary
          t={t}
          errors={{ [`member-${memberTeam.id}`]: member.error }}
          labels={{ [`member-${memberTeam.id}`]: memberLabel(memberTeam) }}
        />
      ) : null}
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
                <th scope="col">{t('accounts.team.regions')}</th>
                <th scope="col">{t('accounts.teams.members')}</th>
              </tr>
            </thead>
            <tbody>
              {props.teams.map((team) => (
                <tr>
                  <td>
                    <a href={`/staff/teams/${team.id}`}>
                      <bdi>{team.name}</bdi>
                    </a>
                  </td>
                  <td>
                    <bdi>{team.timeZone}</bdi>
                  </td>
                  <td>{regionLabels(team.regions)}</td>
                  <td>
                    {props.canManage ? (
                      <TeamMembers ctx={ctx} team={team} people={props.people} label={memberLabel(team)} error={member?.teamId === team.id ? member.error : undefined} />
                    ) : team.people.length === 0 ? (
                      t('accounts.teams.no_members')
                    ) : (
                      team.people.map((m, i) => (
                        <>
                          {i > 0 ? ', ' : null}
                          <bdi>{m.displayName}</bdi>
                        </>
                      ))
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}

      {props.canManage ? (
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
      ) : null}
    </StaffLayout>
  );
}

/** A team's members, each with a button to take them out, and the select to add a person. */
function TeamMembers(props: {
  ctx: StaffPageContext;
  team: TeamWithMembers;
  people: { id: string; displayName: string }[];
  label: string;
  error: string | undefined;
}) {
  const { ctx, team, error } = props;
  const t = ctx.t;
  const candidates = props.people.filter((p) => !team.people.some((m) => m.id === p.id));
  const field = `member-${team.id}`;
  return (
    <>
      {team.people.length === 0 ? (
        <p>{t('accounts.teams.no_members')}</p>
      ) : (
        <ul class="links">
          {team.people.map((m) => (
            <li>
              <bdi>{m.displayName}</bdi>
              {m.status !== 'active' ? ` (${t(`accounts.status.${m.status}`)})` : null}{' '}
              <form method="post" action={`/staff/teams/${team.id}/members/remove`} class="inline">
                <CsrfField token={ctx.csrfToken} />
                <input type="hidden" name="user_id" value={m.id} />
                <button
                  type="submit"
                  class="secondary"
                  aria-label={t('accounts.teams.remove_named', { name: isolate(m.displayName), team: isolate(team.name) })}
                >
                  {t('accounts.teams.remove')}
                </button>
              </form>
            </li>
          ))}
        </ul>
      )}
      {candidates.length > 0 || error ? (
        <details open={error ? true : undefined}>
          <summary>{t('accounts.teams.member_add')}</summary>
          <form method="post" action={`/staff/teams/${team.id}/members`}>
            <CsrfField token={ctx.csrfToken} />
            <div class={error ? 'field has-error' : 'field'}>
              <label for={`f-${field}`}>{props.label}</label>
              {error ? (
                <p class="field-error" id={`e-${field}`}>
                  {t(error)}
                </p>
              ) : null}
              <select id={`f-${field}`} name="user_id" aria-invalid={error ? 'true' : undefined} aria-describedby={error ? `e-${field}` : undefined}>
                {candidates.map((p) => (
                  <option value={p.id}>{p.displayName}</option>
                ))}
              </select>
            </div>
            <button type="submit" class="secondary">
              {t('accounts.teams.member_add_submit')}
            </button>
          </form>
        </details>
      ) : null}
    </>
  );
}
