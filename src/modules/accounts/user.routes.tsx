import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import { isRole, type Role } from '../../platform/auth/roles.js';
import type { ErrorPage } from '../../platform/http/surfaces.js';
import { formBody, readForm, textField } from '../../platform/http/form.js';
import type { FieldErrors } from '../../platform/views/form.js';
import { sendPage } from '../../platform/views/render.js';
import { staffContext } from '../../platform/views/staff-layout.js';
import { accountFlashes, oneError } from './http.js';
import { BOOTSTRAP_EMAIL } from './user.js';
import { NewUserInput } from './user.schema.js';
import { addUser, disableUser, listUsers, reissueEnrollment, setUserRoles } from './user.service.js';
import { UserAddedPage, UsersPage, type NewUserValues } from './views/users.js';

/** Administrators manage people: list, add (with a one-time enrolment link), disable. */
export function registerUserRoutes(
  app: FastifyInstance,
  deps: Deps,
  opts: { cssUrl: string; errorPage: ErrorPage },
): void {
  const { cssUrl, errorPage } = opts;

  const listPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    status: number,
    values?: NewUserValues,
    errors?: FieldErrors,
    flash?: string,
  ) =>
    sendPage(
      reply,
      status,
      <UsersPage
        ctx={staffContext(req, cssUrl, flash)}
        users={await listUsers(deps)}
        selfId={req.principal!.userId}
        values={values}
        errors={errors}
      />,
    );

  app.get('/users', { config: { action: 'user.list' } }, async (req, reply) => {
    return listPage(req, reply, 200, undefined, undefined, accountFlashes.read(req));
  });

  app.post('/users', { config: { action: 'user.create' } }, async (req, reply) => {
    const values = {
      email: textField(req.body, 'email'),
      display_name: textField(req.body, 'display_name', 100),
      role: textField(req.body, 'role', 32),
    };
    const parsed = readForm(req, NewUserInput);
    if (!parsed.ok) return listPage(req, reply, 422, values, parsed.errors);
    const res = await addUser(
      deps,
      { email: parsed.data.email, role: parsed.data.role as Role, displayName: parsed.data.display_name },
      { kind: 'staff', id: req.principal!.userId },
    );
    if (!res.ok)
      return listPage(req, reply, 422, values, oneError('email', 'accounts.error.email_taken'));
    // The link exists only in this response (its hash is stored), so it is shown here, once,
    // rather than after a redirect.
    return sendPage(
      reply,
      201,
      <UserAddedPage
        ctx={staffContext(req, cssUrl)}
        email={parsed.data.email}
        link={res.value.enrollUrl}
      />,
    );
  });

  app.post<{ Params: { id: string } }>('/users/:id/disable', { config: { action: 'user.disable' } }, async (req, reply) => {
    if (req.params.id.length > 64) return errorPage(req, reply, 'NOT_FOUND');
    const res = await disableUser(deps, req.principal!, req.params.id);
    if (!res.ok) return errorPage(req, reply, res.code);
    return accountFlashes.redirect(reply, '/staff/users', 'user_disabled');
  });

  // Several roles per person (ADR 20): the checked boxes are the roles given.
  app.post<{ Params: { id: string } }>('/users/:id/roles', { config: { action: 'user.set_roles' } }, async (req, reply) => {
    if (req.params.id.length > 64) return errorPage(req, reply, 'NOT_FOUND');
    const raw = formBody(req.body).roles;
    const given = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter(isRole);
    const res = await setUserRoles(deps, req.principal!, req.params.id, given);
    if (!res.ok) return errorPage(req, reply, res.code);
    return accountFlashes.redirect(reply, '/staff/users', 'roles_changed');
  });

  app.post<{ Params: { id: string } }>('/users/:id/link', { config: { action: 'user.create' } }, async (req, reply) => {
    if (req.params.id.length > 64) return errorPage(req, reply, 'NOT_FOUND');
    const res = await reissueEnrollment(deps, req.principal!, req.params.id);
    if (!res.ok) return errorPage(req, reply, res.code);
    const email =
      res.value.email === BOOTSTRAP_EMAIL
        ? req.t('accounts.users.first_admin_pending')
        : res.value.email;
    return sendPage(
      reply,
      201,
      <UserAddedPage ctx={staffContext(req, cssUrl)} email={email} link={res.value.enrollUrl} />,
    );
  });
}
