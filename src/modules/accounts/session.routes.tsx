import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import {
  clearSessionCookie,
  createSession,
  destroySession,
  setSessionCookie,
  upgradeSession,
} from '../../platform/auth/session.js';
import { checkFormToken, issueFormToken } from '../../platform/http/form-token.js';
import type { ErrorPage } from '../../platform/http/surfaces.js';
import { formBody, readForm, textField } from '../../platform/http/form.js';
import { sendPage } from '../../platform/views/render.js';
import { staffContext, staffHome } from '../../platform/views/staff-layout.js';
import { hasRole } from '../../platform/auth/policy.js';
import type { Principal } from '../../platform/auth/roles.js';
import { accountFlashes, oneError } from './http.js';
import type { SignInGuard } from './throttle.js';
import { CASE_HOLDER_ROLES } from './user.policy.js';
import { CodeInput, SignInInput } from './user.schema.js';
import { checkPassword, confirmSecondFactor, signOut } from './user.service.js';
import { SecondFactorPage, SignInPage } from './views/sign-in.js';

const SIGN_IN_FORM = 'staff-sign-in';

/**
 * Where a signed-in person lands: the first page of the navigation their roles open (the queue
 * for those who work cases; the audit log for an auditor), else their own account page, which
 * every role opens. With a full session the navigation is known (`req.nav`). Just after the
 * second factor it is not yet (the request came with a partial session): case workers go
 * straight to the queue, anyone else through /staff/sign-in, which sends the now full session
 * on to its first page.
 */
function landing(req: FastifyRequest, principal?: Principal): string {
  if (principal) return hasRole(principal, CASE_HOLDER_ROLES) ? '/staff' : '/staff/sign-in';
  return staffHome(req);
}

/** Sign-in (password, then TOTP) and sign-out. */
export function registerSessionRoutes(
  app: FastifyInstance,
  deps: Deps,
  opts: { cssUrl: string; errorPage: ErrorPage; guard: SignInGuard },
): void {
  const { cssUrl, errorPage, guard } = opts;
  const secure = deps.config.secureCookies;
  const formToken = () => issueFormToken(deps.vault.formKey, SIGN_IN_FORM, deps.now());

  app.get('/sign-in', { config: { auth: 'public', action: 'none' } }, async (req, reply) => {
    if (req.staff?.stage === 'full') return reply.redirect(landing(req), 303);
    return sendPage(
      reply,
      200,
      <SignInPage ctx={staffContext(req, cssUrl, accountFlashes.read(req))} formToken={formToken()} />,
    );
  });

  // No session exists yet, so the form carries a stateless token instead of a session's.
  app.post('/sign-in', { config: { auth: 'public', csrf: 'none', action: 'none' } }, async (req, reply) => {
    const body = formBody(req.body);
    if (!checkFormToken(deps.vault.formKey, SIGN_IN_FORM, body._form, deps.now()).ok) {
      return errorPage(req, reply, 'CSRF_INVALID');
    }
    const email = textField(body, 'email');
    const page = (status: number, errors: Record<string, string>) =>
      sendPage(
        reply,
        status,
        <SignInPage
          ctx={staffContext(req, cssUrl)}
          formToken={formToken()}
          email={email}
          errors={errors}
        />,
      );
    const parsed = readForm(req, SignInInput);
    if (!parsed.ok) return page(422, parsed.errors);
    const res = await checkPassword(deps, guard, parsed.data.email, parsed.data.password);
    if (!res.ok) {
      return res.reason === 'locked'
        ? page(429, oneError('email', 'accounts.error.locked'))
        : page(401, oneError('email', 'accounts.error.credentials'));
    }
    if (req.staff) await destroySession(deps, req.staff.idHash);
    const session = await createSession(
      deps,
      res.userId,
      res.next === 'enrol' ? 'enrol' : 'partial',
    );
    setSessionCookie(reply, session.cookie, secure);
    return reply.redirect(
      res.next === 'enrol' ? '/staff/enrol/second-factor' : '/staff/sign-in/second-factor',
      303,
    );
  });

  app.get('/sign-in/second-factor', { config: { auth: 'partial', action: 'none' } }, async (req, reply) =>
    sendPage(reply, 200, <SecondFactorPage ctx={staffContext(req, cssUrl)} />),
  );

  app.post('/sign-in/second-factor', { config: { auth: 'partial', action: 'none' } }, async (req, reply) => {
    const page = (status: number, errors: Record<string, string>) =>
      sendPage(reply, status, <SecondFactorPage ctx={staffContext(req, cssUrl)} errors={errors} />);
    const parsed = readForm(req, CodeInput);
    if (!parsed.ok) return page(422, parsed.errors);
    const staff = req.staff!;
    const res = await confirmSecondFactor(deps, guard, staff.principal.userId, parsed.data.code, {
      activate: false,
    });
    if (!res.ok) {
      if (res.reason === 'locked') return page(429, oneError('code', 'accounts.error.locked'));
      return page(
        422,
        oneError(
          'code',
          res.reason === 'replay' ? 'accounts.error.code_used' : 'accounts.error.code_wrong',
        ),
      );
    }
    // A new session id at the moment of full sign-in, so a fixated or sniffed partial id is worthless.
    const session = await upgradeSession(deps, staff, 'full');
    setSessionCookie(reply, session.cookie, secure);
    return reply.redirect(landing(req, staff.principal), 303);
  });

  // Open to any stage (a person may give up halfway); the CSRF check still needs a session.
  app.post('/sign-out', { config: { auth: 'public', action: 'none' } }, async (req, reply) => {
    if (req.staff) await signOut(deps, req.staff.principal.userId, req.staff.idHash);
    clearSessionCookie(reply, secure);
    return accountFlashes.redirect(reply, '/staff/sign-in', 'signed_out');
  });
}
