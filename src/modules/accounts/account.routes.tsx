import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import { clearSessionCookie } from '../../platform/auth/session.js';
import type { ErrorPage } from '../../platform/http/surfaces.js';
import { readForm, textField } from '../../platform/http/form.js';
import type { FieldErrors } from '../../platform/views/form.js';
import { sendPage } from '../../platform/views/render.js';
import { staffContext } from '../../platform/views/staff-layout.js';
import { accountFlashes } from './http.js';
import { can } from './user.policy.js';
import { LanguageInput, TimeZoneInput, TokenInput } from './user.schema.js';
import { countSessions, createToken, listTokens, revokeToken, setLocale, setTimeZone, signOutEverywhere } from './user.service.js';
import { AccountPage } from './views/account.js';
import { TokenCreatedPage, TokensPage } from './views/tokens.js';

/** The signed-in person's own account: language, time zone, sessions, API tokens. */
export function registerAccountRoutes(
  app: FastifyInstance,
  deps: Deps,
  opts: { cssUrl: string; errorPage: ErrorPage },
): void {
  const { cssUrl, errorPage } = opts;
  const secure = deps.config.secureCookies;

  app.get('/account', { config: { action: 'account.manage_own' } }, async (req, reply) => {
    return sendAccount(req, reply, 200, accountFlashes.read(req));
  });

  async function sendAccount(
    req: Parameters<typeof staffContext>[0],
    reply: Parameters<typeof sendPage>[0],
    status: number,
    flash?: string,
    errors?: FieldErrors,
  ) {
    const p = req.principal!;
    const account = {
      email: p.email,
      displayName: p.displayName,
      role: p.role,
      locale: p.locale,
      timeZone: p.timeZone,
      now: deps.now(),
      sessions: await countSessions(deps, p.userId),
      tokens: (await listTokens(deps, p.userId)).length,
      canTokens: can(p, 'token.manage_own'),
      canPeople: can(p, 'user.list'),
    };
    return sendPage(
      reply,
      status,
      <AccountPage ctx={staffContext(req, cssUrl, flash)} account={account} errors={errors} />,
    );
  }

  app.post('/account/language', { config: { action: 'account.manage_own' } }, async (req, reply) => {
    const p = req.principal!;
    const parsed = readForm(req, LanguageInput);
    if (!parsed.ok) return sendAccount(req, reply, 422, undefined, parsed.errors);
    await setLocale(deps, p.userId, parsed.data.locale);
    return accountFlashes.redirect(reply, '/staff/account', 'language');
  });

  app.post('/account/time-zone', { config: { action: 'account.manage_own' } }, async (req, reply) => {
    const p = req.principal!;
    const parsed = readForm(req, TimeZoneInput);
    if (!parsed.ok) return sendAccount(req, reply, 422, undefined, parsed.errors);
    await setTimeZone(deps, p.userId, parsed.data.time_zone);
    return accountFlashes.redirect(reply, '/staff/account', 'time_zone');
  });

  app.post('/account/sign-out-everywhere', { config: { action: 'account.manage_own' } }, async (req, reply) => {
    const p = req.principal!;
    const revokeTokens = textField(req.body, 'revoke_tokens') === 'yes';
    const ended = await signOutEverywhere(deps, p.userId, { revokeTokens });
    clearSessionCookie(reply, secure);
    const done = ended.tokens > 0 ? 'signed_out_everywhere_tokens' : 'signed_out_everywhere';
    return accountFlashes.redirect(reply, '/staff/sign-in', done);
  });

  app.get('/account/tokens', { config: { action: 'token.manage_own' } }, async (req, reply) => {
    const p = req.principal!;
    const tokens = await listTokens(deps, p.userId);
    return sendPage(
      reply,
      200,
      <TokensPage ctx={staffContext(req, cssUrl, accountFlashes.read(req))} tokens={tokens} />,
    );
  });

  app.post('/account/tokens', { config: { action: 'token.manage_own' } }, async (req, reply) => {
    const p = req.principal!;
    const parsed = readForm(req, TokenInput);
    if (!parsed.ok) {
      const tokens = await listTokens(deps, p.userId);
      return sendPage(
        reply,
        422,
        <TokensPage
          ctx={staffContext(req, cssUrl)}
          tokens={tokens}
          label={textField(req.body, 'label', 80)}
          errors={parsed.errors}
        />,
      );
    }
    const token = await createToken(deps, p.userId, parsed.data.label);
    // Shown in the response to the POST rather than after a redirect: the token is never
    // stored in a readable form, so there is nothing a later GET could show.
    return sendPage(
      reply,
      201,
      <TokenCreatedPage ctx={staffContext(req, cssUrl)} label={parsed.data.label} token={token} />,
    );
  });

  app.post<{ Params: { id: string } }>('/account/tokens/:id/revoke', { config: { action: 'token.manage_own' } }, async (req, reply) => {
    const p = req.principal!;
    if (req.params.id.length > 64 || !(await revokeToken(deps, p.userId, req.params.id)))
      return errorPage(req, reply, 'NOT_FOUND');
    return accountFlashes.redirect(reply, '/staff/account/tokens', 'token_revoked');
  });
}
