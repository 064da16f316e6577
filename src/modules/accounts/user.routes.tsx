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
import { NewUserInput, ReassignInput } from './user.schema.js';
import {
  addUser,
  disableUser,
  enableUser,
  listAssignableStaff,
  listUsers,
  reassignCases,
  reissueEnrollment,
  resetEnrollment,
  setUserRoles,
  userWithOpenCases,
} from './user.service.js';
import { DisableUserPage } from './views/disable-user.js';
import { UserAddedPage, UsersPage, type NewUserValues } from './views/users.js';
import { isolate } from '../../platform/text.js';

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

  /** The disable confirmation (and, for someone disabled, their open cases), with the reassignment form. */
  const disablePage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    id: string,
    status: number,
    failed?: { to: string; errors: FieldErrors },
  ) => {
    if (id.length > 64) return errorPage(req, reply, 'NOT_FOUND');
    const found = await userWithOpenCases(deps, req.principal!, id);
    if (!found.ok) return errorPage(req, reply, found.code);
    const { user, openCases } = found.value;
    const holders = (await listAssignableStaff(deps))
      .filter((s) => s.id !== id)
      .map((s) => ({ value: s.id, label: isolate(s.displayName) }));
    return sendPage(
      reply,
      status,
      <DisableUserPage
        ctx={staffContext(req, cssUrl, status === 200 ? accountFlashes.read(req) : undefined)}
        user={user}
        openCases={openCases}
        holders={holders}
        mayDisable={user.status !== 'disabled' && user.id !== req.principal!.userId}
        to={failed?.to}
        errors={failed?.errors}
      />,
    );
  };

  app.get<{ Params: { id: string } }>('/users/:id/disable', { config: { action: 'user.disable' } }, async (req, reply) =>
    disablePage(req, reply, req.params.id, 200),
  );

  app.post<{ Params: { id: string } }>('/users/:id/disable', { config: { action: 'user.disable' } }, async (req, reply) => {
    if (req.params.id.length > 64) return errorPage(req, reply, 'NOT_FOUND');
    // Only the confirmation page sends `confirm`; anything else is shown that page first.
    if (formBody(req.body).confirm !== 'yes') return reply.redirect(`/staff/users/${encodeURIComponent(req.params.id)}/disable`, 303);
    const res = await disableUser(deps, req.principal!, req.params.id);
    if (!res.ok) return errorPage(req, reply, res.code);
    return accountFlashes.redirect(reply, '/staff/users', 'user_disabled');
  });

  app.post<{ Params: { id: string } }>('/users/:id/enable', { config: { action: 'user.enable' } }, async (req, reply) => {
    if (req.params.id.length > 64) return errorPage(req, reply, 'NOT_FOUND');
    const res = await enableUser(deps, req.principal!, req.params.id);
    if (!res.ok) return errorPage(req, reply, res.code);
    return accountFlashes.redirect(reply, '/staff/users', res.value.status === 'active' ? 'user_enabled' : 'user_enabled_pending');
  });

  // Someone's open cases, all to one person (from the disable confirmation).
  app.post<{ Params: { id: string } }>('/users/:id/reassign', { config: { action: 'user.reassign' } }, async (req, reply) => {
    const id = req.params.id;
    if (id.length > 64) return errorPage(req, reply, 'NOT_FOUND');
    const to = textField(req.body, 'to', 64) ?? '';
    const parsed = readForm(req, ReassignInput);
    if (!parsed.ok) return disablePage(req, reply, id, 422, { to, errors: parsed.errors });
    const res = await reassignCases(deps, req.principal!, id, parsed.data.to);
    if (!res.ok) {
      if (res.code === 'NOT_FOUND' || res.code === 'FORBIDDEN') return errorPage(req, reply, res.code);
      const key =
        res.code === 'CONFLICT'
          ? 'accounts.error.reassign_conflict'
          : res.code === 'VALIDATION_FAILED'
            ? 'accounts.error.reassign_same'
            : 'accounts.error.reassign_to_invalid';
      return disablePage(req, reply, id, res.code === 'CONFLICT' ? 409 : 422, { to, errors: oneError('to', key) });
    }
    return accountFlashes.redirect(reply, `/staff/users/${encodeURIComponent(id)}/disable`, 'cases_reassigned', {
      count: res.value.count,
    });
  });

  // A new enrolment link for an active person: their password and second factor are cleared.
  app.post<{ Params: { id: string } }>('/users/:id/reset', { config: { action: 'user.reset' } }, async (req, reply) => {
    if (req.params.id.length > 64) return errorPage(req, reply, 'NOT_FOUND');
    const res = await resetEnrollment(deps, req.principal!, req.params.id);
    if (!res.ok) return errorPage(req, reply, res.code);
    // Shown here, once, like a new person's link.
    return sendPage(
      reply,
      201,
      <UserAddedPage ctx={staffContext(req, cssUrl)} email={res.value.email} link={res.value.enrollUrl} reset />,
    );
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
