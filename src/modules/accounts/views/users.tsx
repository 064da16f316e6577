import { ShownOncePage } from './shown-once.js';
import { ASSIGNABLE_ROLES, type Role } from '../../../platform/auth/roles.js';
import {
  CsrfField,
  ErrorSummary,
  Select,
  TextField,
  type FieldErrors,
} from '../../../platform/views/form.js';
import { StaffLayout, type StaffPageContext } from '../../../platform/views/staff-layout.js';
import { BOOTSTRAP_EMAIL, type StaffUser } from '../user.js';
import { TableScroll } from '../../../platform/views/table-scroll.js';
import { isolate } from '../../../platform/text.js';

export interface NewUserValues {
  email?: string | undefined;
  display_name?: string | undefined;
  role?: string | undefined;
}

/** Administrators: everyone with an account, and a form to add a person. */
export function UsersPage(props: {
  ctx: StaffPageContext;
  users: (StaffUser & { roles: readonly Role[]; teams: readonly string[] })[];
  selfId: string;
  values?: NewUserValues;
  errors?: FieldErrors;
}) {
  const { ctx } = props;
  const t = ctx.t;
  const errors = props.errors ?? {};
  const values = props.values ?? {};
  const labels = {
    email: t('accounts.field.email'),
    display_name: t('accounts.field.display_name'),
    role: t('accounts.field.role'),
  };
  return (
    <StaffLayout ctx={ctx} title={t('accounts.users.title')}>
      <h1>{t('accounts.users.title')}</h1>
      <TableScroll label={t('accounts.users.title')}>
        <table>
          <caption class="visually-hidden">{t('accounts.users.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('accounts.field.display_name')}</th>
              <th scope="col">{t('accounts.field.email')}</th>
              <th scope="col">{t('accounts.field.role')}</th>
              <th scope="col">{t('accounts.users.teams')}</th>
              <th scope="col">{t('accounts.field.status')}</th>
              <th scope="col">
                <span class="visually-hidden">{t('accounts.users.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {props.users.map((u) => (
              <tr>
                <td>
                  <bdi>{u.displayName}</bdi>
                </td>
                <td>
                  {u.email === BOOTSTRAP_EMAIL ? t('accounts.users.first_admin_pending') : <bdi>{u.email}</bdi>}
                </td>
                <td>
                  {u.role === null ? t('accounts.role.unknown') : u.roles.map((r) => t(`accounts.role.${r}`)).join(', ')}
                  {u.status !== 'disabled' ? (
                    <details>
                      <summary>{t('accounts.users.roles_change')}</summary>
                      <form method="post" action={`/staff/users/${u.id}/roles`}>
                        <CsrfField token={ctx.csrfToken} />
                        <fieldset>
                          <legend>{t('accounts.users.roles_legend', { name: isolate(u.displayName) })}</legend>
                          {ASSIGNABLE_ROLES.map((r) => (
                            <div class="choice">
                              <input type="checkbox" id={`roles-${u.id}-${r}`} name="roles" value={r} checked={u.roles.includes(r)} />
                              <label for={`roles-${u.id}-${r}`}>{t(`accounts.role.${r}`)}</label>
                            </div>
                          ))}
                        </fieldset>
                        <button type="submit" class="secondary">
                          {t('accounts.users.roles_submit')}
                        </button>
                      </form>
                    </details>
                  ) : null}
                </td>
                <td>
                  {u.teams.map((name, i) => (
                    <>
                      {i > 0 ? ', ' : null}
                      <bdi>{name}</bdi>
                    </>
                  ))}
                </td>
                <td>{t(`accounts.status.${u.status}`)}</td>
                <td class="actions">
                  {u.status === 'pending' ? (
                    <form method="post" action={`/staff/users/${u.id}/link`} class="inline">
                      <CsrfField token={ctx.csrfToken} />
                      <button
                        type="submit"
                        class="secondary"
                        aria-label={t('accounts.users.new_link_named', { name: isolate(u.displayName) })}
                      >
                        {t('accounts.users.new_link')}
                      </button>
                    </form>
                  ) : null}
                  {u.status === 'active' && u.id !== props.selfId ? (
                    <details>
                      <summary>{t('accounts.users.reset')}</summary>
                      <form method="post" action={`/staff/users/${u.id}/reset`}>
                        <CsrfField token={ctx.csrfToken} />
                        <p class="hint">{t('accounts.users.reset_hint')}</p>
                        <button
                          type="submit"
                          class="warning"
                          aria-label={t('accounts.users.reset_named', { name: isolate(u.displayName) })}
                        >
                          {t('accounts.users.reset_submit')}
                        </button>
                      </form>
                    </details>
                  ) : null}
                  {u.status !== 'disabled' && u.id !== props.selfId ? (
                    // A page that asks again and offers to reassign the person's open cases first.
                    <a
                      href={`/staff/users/${u.id}/disable`}
                      aria-label={t('accounts.users.disable_named', { name: isolate(u.displayName) })}
                    >
                      {t('accounts.users.disable')}
                    </a>
                  ) : null}
                  {u.status === 'disabled' ? (
                    <>
                      <form method="post" action={`/staff/users/${u.id}/enable`} class="inline">
                        <CsrfField token={ctx.csrfToken} />
                        <button
                          type="submit"
                          class="secondary"
                          aria-label={t('accounts.users.enable_named', { name: isolate(u.displayName) })}
                        >
                          {t('accounts.users.enable')}
                        </button>
                      </form>
                      <a
                        href={`/staff/users/${u.id}/disable`}
                        aria-label={t('accounts.users.cases_named', { name: isolate(u.displayName) })}
                      >
                        {t('accounts.users.cases')}
                      </a>
                    </>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>

      <section class="panel" aria-labelledby="add-title">
        <h2 id="add-title">{t('accounts.users.add_title')}</h2>
        <ErrorSummary t={t} errors={errors} labels={labels} />
        <form method="post" action="/staff/users" novalidate>
          <CsrfField token={ctx.csrfToken} />
          <TextField
            t={t}
            name="email"
            type="email"
            label={labels.email}
            value={values.email}
            maxLength={254}
            error={errors.email}
          />
          <TextField
            t={t}
            name="display_name"
            label={labels.display_name}
            hint={t('accounts.users.name_hint')}
            value={values.display_name}
            maxLength={100}
            error={errors.display_name}
          />
          <Select
            t={t}
            name="role"
            label={labels.role}
            value={values.role ?? 'handler'}
            error={errors.role}
            options={ASSIGNABLE_ROLES.map((r) => ({ value: r, label: t(`accounts.role.${r}`) }))}
          />
          <button type="submit">{t('accounts.users.add_submit')}</button>
        </form>
      </section>
    </StaffLayout>
  );
}

/**
 * Shown once after adding a person, or after a new link for someone (`reset`: their password
 * and second factor were cleared): the enrolment link exists nowhere else.
 */
export function UserAddedPage(props: { ctx: StaffPageContext; email: string; link: string; reset?: boolean }) {
  const t = props.ctx.t;
  return (
    <ShownOncePage
      ctx={props.ctx}
      title={t(props.reset ? 'accounts.users.reset_title' : 'accounts.users.added_title')}
      body={t(props.reset ? 'accounts.users.reset_body' : 'accounts.users.added_body', { email: isolate(props.email) })}
      secretId="enrol-link"
      secret={props.link}
      once={t('accounts.users.added_once')}
      back={{ href: '/staff/users', text: t('accounts.users.back') }}
    />
  );
}
