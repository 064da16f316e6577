import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import type { Deps } from '../../deps.js';
import {
  createSession,
  destroySession,
  setSessionCookie,
  upgradeSession,
} from '../../platform/auth/session.js';
import { checkFormToken, issueFormToken } from '../../platform/http/form-token.js';
import type { ErrorPage } from '../../platform/http/surfaces.js';
import { formBody, readForm, textField } from '../../platform/http/form.js';
import type { FieldErrors } from '../../platform/views/form.js';
import { sendPage } from '../../platform/views/render.js';
import { staffContext } from '../../platform/views/staff-layout.js';
import { accountFlashes, oneError } from './http.js';
import type { SignInGuard } from './throttle.js';
import { CodeInput, enrolInput } from './user.schema.js';
import {
  confirmSecondFactor,
  enrolmentSecret,
  openEnrollment,
  startEnrollment,
} from './user.service.js';
import { EnrolInvalidPage, EnrolPage, EnrolSecondFactorPage } from './views/enrol.js';

const ENROL_FORM = 'staff-enrol';

/** Enrolment from a one-time link: name and password, then a confirmed second factor. */
export function registerEnrolmentRoutes(
  app: FastifyInstance,
  deps: Deps,
  opts: { cssUrl: string; errorPage: ErrorPage; guard: SignInGuard },
): void {
  const { cssUrl, errorPage, guard } = opts;
  const secure = deps.config.secureCookies;
  const formToken = () => issueFormToken(deps.vault.formKey, ENROL_FORM, deps.now());
  const invalid = (req: FastifyRequest, reply: FastifyReply) =>
    sendPage(reply, 404, <EnrolInvalidPage ctx={staffContext(req, cssUrl)} />);

  // The second factor step is registered first for readability; the router prefers the
  // static path over `/enrol/:token` anyway.
  const secondFactorPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    status: number,
    errors?: FieldErrors,
  ) => {
    const secret = await enrolmentSecret(deps, req.staff!.principal.userId);
    if (!secret) return errorPage(req, reply, 'NOT_FOUND');
    const qrSvg = await QRCode.toString(secret.uri, {
      type: 'svg',
      margin: 2,
      errorCorrectionLevel: 'M',
    });
    return sendPage(
      reply,
      status,
      <EnrolSecondFactorPage
        ctx={staffContext(req, cssUrl)}
        qrSvg={qrSvg}
        secret={secret.secret}
        errors={errors}
      />,
    );
  };

  app.get('/enrol/second-factor', { config: { auth: 'enrol', action: 'none' } }, async (req, reply) =>
    secondFactorPage(req, reply, 200),
  );

  app.post('/enrol/second-factor', { config: { auth: 'enrol', action: 'none' } }, async (req, reply) => {
    const parsed = readForm(req, CodeInput);
    if (!parsed.ok) return secondFactorPage(req, reply, 422, parsed.errors);
    const staff = req.staff!;
    const res = await confirmSecondFactor(deps, guard, staff.principal.userId, parsed.data.code, {
      activate: true,
    });
    if (!res.ok) {
      if (res.reason === 'locked')
        return secondFactorPage(req, reply, 429, oneError('code', 'accounts.error.locked'));
      return secondFactorPage(
        req,
        reply,
        422,
        oneError(
          'code',
          res.reason === 'replay' ? 'accounts.error.code_used' : 'accounts.error.code_wrong',
        ),
      );
    }
    const session = await upgradeSession(deps, staff, 'full');
    setSessionCookie(reply, session.cookie, secure);
    return accountFlashes.redirect(reply, '/staff/account', 'enrolled');
  });

  app.get<{ Params: { token: string } }>(
    '/enrol/:token',
    { config: { auth: 'public', action: 'none' } },
    async (req, reply) => {
      const opened = await openEnrollment(deps, req.params.token);
      if (!opened) return invalid(req, reply);
      // A name the administrator typed is offered; the placeholder (the address) is not.
      const name =
        opened.user.displayName === opened.user.email || opened.askEmail
          ? ''
          : opened.user.displayName;
      return sendPage(
        reply,
        200,
        <EnrolPage
          ctx={staffContext(req, cssUrl)}
          action={`/staff/enrol/${req.params.token}`}
          formToken={formToken()}
          askEmail={opened.askEmail}
          values={{ display_name: name }}
        />,
      );
    },
  );

  // Before enrolment there is no session: a stateless form token protects the form.
  app.post<{ Params: { token: string } }>(
    '/enrol/:token',
    { config: { auth: 'public', csrf: 'none', action: 'none' } },
    async (req, reply) => {
      const body = formBody(req.body);
      if (!checkFormToken(deps.vault.formKey, ENROL_FORM, body._form, deps.now()).ok)
        return errorPage(req, reply, 'CSRF_INVALID');
      const token = req.params.token;
      const opened = await openEnrollment(deps, token);
      if (!opened) return invalid(req, reply);
      const values = {
        email: textField(body, 'email'),
        display_name: textField(body, 'display_name', 100),
      };
      const page = (errors: FieldErrors) =>
        sendPage(
          reply,
          422,
          <EnrolPage
            ctx={staffContext(req, cssUrl)}
            action={`/staff/enrol/${token}`}
            formToken={formToken()}
            askEmail={opened.askEmail}
            values={values}
            errors={errors}
          />,
        );
      const parsed = readForm(req, enrolInput(opened.askEmail));
      if (!parsed.ok) return page(parsed.errors);
      const res = await startEnrollment(deps, token, {
        email: opened.askEmail ? parsed.data.email : undefined,
        displayName: parsed.data.display_name,
        password: parsed.data.password,
        // Negotiated among the staff languages, so always one the workspace speaks.
        locale: req.locale,
      });
      if (!res.ok) {
        if (res.code === 'CONFLICT') return page(oneError('email', 'accounts.error.email_taken'));
        return invalid(req, reply);
      }
      if (req.staff) await destroySession(deps, req.staff.idHash);
      const session = await createSession(deps, res.value.userId, 'enrol');
      setSessionCookie(reply, session.cookie, secure);
      return reply.redirect('/staff/enrol/second-factor', 303);
    },
  );
}
