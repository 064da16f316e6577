import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { PlatformDeps as Deps } from '../deps.js';
import { principalForToken } from '../auth/api-token.js';
import type { PolicyEngine } from '../auth/policy.js';
import { navCountValues, type NavEntry } from '../views/nav.js';
import { staffHome } from '../views/staff-layout.js';
import type { PublicBrandProvider } from '../views/ui.js';
import { SealedError } from '../crypto/vault.js';
import { csrfMatches, loadSession, STAFF_COOKIE } from '../auth/session.js';
import { apiError, errorDefinition, errorMessage, type ErrorCode } from '../errors.js';
import { dirOf, PUBLIC_LOCALES, STAFF_LOCALES } from '../i18n/index.js';
import { API_CSP, PUBLIC_CSP, setSecurityHeaders, STAFF_CSP } from './headers.js';
import { refuseCrossSite } from './origin.js';
import { findNul } from './validation.js';
import type { ErrorPage } from './error-page.js';
import type { RouteAuth } from './context.js';
import './context.js';

export type { ErrorPage };

function langChoice(req: FastifyRequest): string | undefined {
  const q = req.query as Record<string, unknown> | undefined;
  return typeof q?.lang === 'string' ? q.lang : undefined;
}

/**
 * Maps what Fastify throws to the catalogue. A body that cannot be parsed is 400 and a
 * content type with no parser is 415, apart from a parsed body that fails its schema (422).
 */
export function codeFor(err: FastifyError): ErrorCode {
  if (err instanceof SealedError) return 'SEALED';
  if (err.validation) return 'VALIDATION_FAILED';
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || err.statusCode === 413) return 'BODY_TOO_LARGE';
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || err.statusCode === 415) return 'UNSUPPORTED_MEDIA_TYPE';
  // A body Fastify could not read is 400 (lib/errors.js): empty or broken JSON
  // (FST_ERR_CTP_EMPTY_JSON_BODY, FST_ERR_CTP_INVALID_JSON_BODY), a length that does not
  // match Content-Length (FST_ERR_CTP_INVALID_CONTENT_LENGTH), a parser's SyntaxError, or a
  // request stream that broke mid-body.
  if (err.statusCode === 400) return 'MALFORMED_BODY';
  if (err.statusCode === 404) return 'NOT_FOUND';
  return 'INTERNAL';
}

/**
 * The last line against U+0000, which PostgreSQL cannot store: a request carrying one in its
 * route parameters, query string or body is refused (422) before any handler runs, whatever
 * the route's own schema checks (validation.ts `findNul`). Other control characters are
 * refused by the schemas themselves, with a message next to the field.
 */
function refuseNul(refuse: (req: FastifyRequest, reply: FastifyReply, field: string) => FastifyReply) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const field = findNul(req.params) ?? findNul(req.query) ?? findNul(req.body);
    if (field !== null) return refuse(req, reply, field);
  };
}

/** A staff or API route as registered, with the action it declares (what the policy table walks). */
export interface DeclaredRoute {
  surface: 'staff' | 'api';
  method: string;
  url: string;
  action: string;
  auth: RouteAuth;
  csrf: 'session' | 'none';
}

// Keyed by the HTTP server, which the root app and every plugin inside it share.
const declared = new WeakMap<object, DeclaredRoute[]>();

/** Every staff and API route registered on `app`'s server so far, each with its action. */
export function declaredRoutes(app: FastifyInstance): readonly DeclaredRoute[] {
  return declared.get(app.server) ?? [];
}

/**
 * Deny by default, checked when the app is built: every route registered on the surface from
 * here on names its policy action (`config.action`), or `'none'` for a route that needs no role,
 * and the action is one some module's policy declares. A route that does not is an error at
 * start, not a page anyone can open.
 */
function requireActions(app: FastifyInstance, surface: DeclaredRoute['surface'], policy: PolicyEngine): void {
  const list = declared.get(app.server) ?? [];
  declared.set(app.server, list);
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = [route.method].flat();
    const where = `${surface} route ${methods.join(',')} ${route.url}`;
    const action = route.config?.action;
    if (action === undefined) throw new Error(`the ${where} declares no action (config.action, or 'none' when it needs no role)`);
    if (action !== 'none' && !policy.actions.has(action))
      throw new Error(`the ${where} names the action "${action}", which no module's policy declares`);
    for (const method of methods) {
      list.push({ surface, method, url: route.url, action, auth: route.config?.auth ?? 'full', csrf: route.config?.csrf ?? 'session' });
    }
  });
}

/** Whether the route's declared action refuses this principal (never for `'none'`). */
function refusedByPolicy(req: FastifyRequest, policy: PolicyEngine): boolean {
  const action = req.routeOptions.config?.action;
  if (action === undefined || action === 'none') return false;
  return !policy.can(req.principal, action);
}

/**
 * The public surface: strict CSP, no script, no cookie unless a page needs one, locale from
 * the browser or a plain `?lang=` link. `brand`, when a module gives one, names the organisation
 * on every page (`req.brand`, read before anything else can answer, error pages included).
 */
export function publicSurface(
  app: FastifyInstance,
  deps: Deps,
  errorPage: ErrorPage,
  opts: { brand?: PublicBrandProvider | undefined } = {},
): void {
  app.addHook('onRequest', async (req, reply) => {
    setSecurityHeaders(reply, PUBLIC_CSP, deps.config.secureCookies);
    req.locale = deps.i18n.negotiate(req.headers['accept-language'], PUBLIC_LOCALES, langChoice(req));
    req.dir = dirOf(req.locale);
    req.t = deps.i18n.translator(req.locale);
    reply.header('content-language', req.locale);
    reply.header('vary', 'accept-language');
    if (opts.brand) req.brand = await opts.brand(req.locale);
  });
  // Behind the form tokens, a POST made by another site's page is refused (origin.ts).
  app.addHook('onRequest', refuseCrossSite(deps, errorPage));
  app.addHook('preHandler', refuseNul((req, reply) => errorPage(req, reply, 'CONTROL_CHARACTERS')));
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const code = codeFor(err);
    if (code === 'INTERNAL') req.log.error({ err }, 'public request failed');
    return errorPage(req, reply, code);
  });
  app.setNotFoundHandler((req, reply) => errorPage(req, reply, 'NOT_FOUND'));
}

/**
 * The staff surface: server-side sessions, a second factor before the workspace opens,
 * synchronizer CSRF tokens on every POST, deny by default.
 */
export function staffSurface(
  app: FastifyInstance,
  deps: Deps,
  errorPage: ErrorPage,
  modules: { policy: PolicyEngine; nav?: readonly NavEntry[] },
): void {
  const nav = modules.nav ?? [];
  const { policy } = modules;
  requireActions(app, 'staff', policy);
  app.addHook('onRequest', async (req, reply) => {
    setSecurityHeaders(reply, STAFF_CSP, deps.config.secureCookies);
    req.staff = await loadSession(deps, req.cookies[STAFF_COOKIE]);
    req.principal = req.staff?.stage === 'full' ? req.staff.principal : null;
    const preferred = req.staff?.principal.locale;
    req.locale = deps.i18n.negotiate(req.headers['accept-language'], STAFF_LOCALES, langChoice(req) ?? preferred);
    req.dir = dirOf(req.locale);
    req.t = deps.i18n.translator(req.locale);
    // The modules' navigation entries this person may follow, in their language; their counts
    // are asked for only once the request is known to draw a page (below).
    req.nav = nav.filter((e) => policy.can(req.principal, e.action)).map((e) => ({ href: e.href, label: req.t(e.labelKey), order: e.order }));
  });
  // Behind the CSRF tokens, a POST made by another site's page is refused (origin.ts).
  app.addHook('onRequest', refuseCrossSite(deps, errorPage));
  app.addHook('preHandler', async (req, reply) => {
    // Sealed (ADR 10): every staff page gives way to the unseal form; only it and the stylesheet
    // answer. A rotation started by another process seals this one too, until unsealed again (ADR 21).
    const asset = req.routeOptions.url?.startsWith('/staff/assets/') ?? false;
    if (!asset) await deps.vault.refresh(deps.db);
    if (deps.vault.sealed && !req.routeOptions.config.whileSealed && !asset) {
      return reply.redirect('/staff/unseal', 303);
    }
    const need = req.routeOptions.config.auth ?? 'full';
    if (need !== 'public') {
      const stage = req.staff?.stage;
      const allowed = need === 'full' ? stage === 'full' : need === 'enrol' ? stage === 'enrol' : stage === 'partial';
      if (!allowed) {
        if (stage === 'partial') return reply.redirect('/staff/sign-in/second-factor', 303);
        if (stage === 'enrol') return reply.redirect('/staff/enrol/second-factor', 303);
        // The person's own start page: /staff is the queue, which not every role may open.
        if (stage === 'full') return reply.redirect(staffHome(req), 303);
        return reply.redirect('/staff/sign-in', 303);
      }
    }
    if (req.method === 'POST' && (req.routeOptions.config.csrf ?? 'session') === 'session') {
      if (!req.staff || !csrfMatches(req, req.staff.csrfToken)) return errorPage(req, reply, 'CSRF_INVALID');
    }
    // The route's action, asked of the one engine; handlers ask again with the record's facts.
    if (refusedByPolicy(req, policy)) return errorPage(req, reply, 'FORBIDDEN');
    // A page for a signed-in person: the bar's counts, asked of the modules that give them.
    if ((req.method === 'GET' || req.method === 'HEAD') && need === 'full' && req.principal) {
      req.nav = await countedNav(deps, req, nav, policy);
    }
  });
  // After the session, sealed and CSRF checks: deny by default comes first.
  app.addHook('preHandler', refuseNul((req, reply) => errorPage(req, reply, 'CONTROL_CHARACTERS')));
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const code = codeFor(err);
    if (code === 'INTERNAL') req.log.error({ err }, 'staff request failed');
    return errorPage(req, reply, code);
  });
  app.setNotFoundHandler((req, reply) => errorPage(req, reply, 'NOT_FOUND'));
}

/**
 * The bar's entries `req.principal` may follow, in their language, each with its count when it
 * has one (`NavCount`): the counts are asked for together, one query each.
 */
async function countedNav(
  deps: Deps,
  req: FastifyRequest,
  nav: readonly NavEntry[],
  policy: PolicyEngine,
): Promise<{ href: string; label: string; order?: number }[]> {
  const principal = req.principal!;
  const entries = nav.filter((e) => policy.can(principal, e.action));
  if (!entries.some((e) => e.count)) return req.nav ?? [];
  return Promise.all(
    entries.map(async (e) => {
      if (!e.count) return { href: e.href, label: req.t(e.labelKey), order: e.order };
      const n = await e.count.of(deps, principal);
      return { href: e.href, label: req.t(e.count.labelKey, navCountValues(n)), order: e.order };
    }),
  );
}

/** Sends an API error in the one shape the API uses. */
export function sendApiError(req: FastifyRequest, reply: FastifyReply, code: ErrorCode, field?: string): FastifyReply {
  const { status } = errorDefinition(code);
  const message = errorMessage(req.t, code, req.routeOptions?.config?.textMax);
  return reply.code(status).send(apiError(code, message, field));
}

/** The JSON API: bearer tokens, English messages, errors as { error: { code, message, field? } }. */
export function apiSurface(app: FastifyInstance, deps: Deps, modules: { policy: PolicyEngine }): void {
  const { policy } = modules;
  requireActions(app, 'api', policy);
  // The API takes JSON only: a form or plain-text body is answered 415, not parsed into
  // something that then fails the schema with a misleading 422.
  app.removeContentTypeParser(['text/plain', 'application/x-www-form-urlencoded']);
  app.addHook('onRequest', async (req, reply) => {
    setSecurityHeaders(reply, API_CSP, deps.config.secureCookies);
    req.locale = 'en';
    req.dir = 'ltr';
    req.t = deps.i18n.translator('en');
    req.staff = null;
    req.principal = null;
    await deps.vault.refresh(deps.db);
    if (deps.vault.sealed) return sendApiError(req, reply, 'SEALED');
    const header = req.headers.authorization;
    if (header?.startsWith('Bearer ')) req.principal = await principalForToken(deps, header.slice(7).trim());
    // Before the body is read: nobody without a token gets a body parsed, or learns from a
    // 400 or 415 what this route would have accepted. Unknown routes fall through to 404.
    const need = req.routeOptions.config?.auth ?? 'full';
    if (req.routeOptions.url !== undefined && need !== 'public' && !req.principal) {
      reply.header('www-authenticate', 'Bearer');
      return sendApiError(req, reply, 'UNAUTHENTICATED');
    }
    // Nor does a token whose holder's role may not do what the route does.
    if (req.routeOptions.url !== undefined && refusedByPolicy(req, policy)) return sendApiError(req, reply, 'FORBIDDEN');
  });
  // The API's one validation code, naming the field that held the NUL.
  app.addHook(
    'preHandler',
    refuseNul((req, reply, field) =>
      reply.code(422).send(apiError('VALIDATION_FAILED', req.t(errorDefinition('CONTROL_CHARACTERS').messageKey), field)),
    ),
  );
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const code = codeFor(err);
    if (code === 'INTERNAL') req.log.error({ err }, 'api request failed');
    return sendApiError(req, reply, code);
  });
  app.setNotFoundHandler((req, reply) => sendApiError(req, reply, 'NOT_FOUND'));
}

/** The error pages of the public and staff surfaces, filled in as the surfaces are built. */
export interface SurfaceErrorPages {
  public?: ErrorPage;
  staff?: ErrorPage;
}

/**
 * Answers what Fastify's router refuses before any surface's hooks run: a path that is not
 * valid UTF-8 once decoded (`FST_ERR_BAD_URL`) or a path parameter longer than 100 characters
 * (`FST_ERR_MAX_PARAM_LENGTH`). Neither can name a page, so each is the surface's own 404 (an
 * error page in the person's language, or the API's error shape), with the surface's
 * headers, rather than the router's raw English JSON. The surface is told by the path.
 */
export function routerErrors(deps: Deps, pages: SurfaceErrorPages) {
  return (_err: FastifyError, req: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const path = req.raw.url ?? '/';
    req.staff = null;
    req.principal = null;
    if (path === '/api/v1' || path.startsWith('/api/v1/')) {
      setSecurityHeaders(reply, API_CSP, deps.config.secureCookies);
      req.locale = 'en';
      req.dir = 'ltr';
      req.t = deps.i18n.translator('en');
      return sendApiError(req, reply, 'NOT_FOUND');
    }
    const staff = path === '/staff' || path.startsWith('/staff/');
    const page = staff ? pages.staff : pages.public;
    setSecurityHeaders(reply, staff ? STAFF_CSP : PUBLIC_CSP, deps.config.secureCookies);
    req.locale = deps.i18n.negotiate(req.headers['accept-language'], staff ? STAFF_LOCALES : PUBLIC_LOCALES, undefined);
    req.dir = dirOf(req.locale);
    req.t = deps.i18n.translator(req.locale);
    if (!page) return reply.code(404).type('text/plain; charset=utf-8').send(req.t('common.error.not_found'));
    return page(req, reply, 'NOT_FOUND');
  };
}
