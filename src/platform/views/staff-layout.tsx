import type { ComponentChildren } from 'preact';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/roles.js';
import { errorDefinition, errorMessage, KEEPS_WHAT_WAS_TYPED, type ErrorCode } from '../errors.js';
import { sendPage } from './render.js';
import type { PageContext } from './ui.js';

export interface StaffPageContext extends PageContext {
  principal: Principal | null;
  csrfToken: string | null;
  /** A one-line message after a redirect (post → redirect → flash). */
  flash?: string | undefined;
  /** The modules' navigation entries this person may follow. */
  nav?: { href: string; label: string }[];
}

/** The staff workspace's page: dense but calm; works without script. */
export function StaffLayout(props: {
  ctx: StaffPageContext;
  title: string;
  children: ComponentChildren;
}) {
  const { ctx } = props;
  return (
    <html lang={ctx.locale} dir={ctx.dir}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <meta name="robots" content="noindex" />
        <title>{`${props.title} · ${ctx.t('common.brand')}`}</title>
        <link rel="stylesheet" href={ctx.cssUrl} />
      </head>
      <body class="staff">
        <a class="skip" href="#main">
          {ctx.t('common.skip_to_content')}
        </a>
        <header class="bar">
          <a class="brand" href="/staff">
            {ctx.t('common.brand')}
          </a>
          {ctx.principal ? (
            <nav aria-label={ctx.t('common.staff_nav')}>
              {(ctx.nav ?? []).map((e) => (
                <a href={e.href} aria-current={ctx.path === e.href ? 'page' : undefined}>
                  {e.label}
                </a>
              ))}
              <a href="/staff/account" class="who">
                <span class="visually-hidden">{ctx.t('common.nav_account')}: </span>
                <bdi>{ctx.principal.displayName}</bdi>
              </a>
              <form method="post" action="/staff/sign-out" class="inline">
                <input type="hidden" name="_csrf" value={ctx.csrfToken ?? ''} />
                <button type="submit">{ctx.t('common.sign_out')}</button>
              </form>
            </nav>
          ) : null}
        </header>
        {ctx.flash ? (
          <div class="flash" role="status">
            {ctx.flash}
          </div>
        ) : null}
        <main id="main">{props.children}</main>
      </body>
    </html>
  );
}

/** Builds the page context for a staff request. */
export function staffContext(
  req: FastifyRequest,
  cssUrl: string,
  flash?: string,
): StaffPageContext {
  return {
    t: req.t,
    locale: req.locale,
    dir: req.dir,
    cssUrl,
    path: req.url.split('?')[0] ?? '/staff',
    principal: req.principal,
    csrfToken: req.staff?.csrfToken ?? null,
    flash,
    nav: req.nav ?? [],
  };
}

export function staffErrorPage(cssUrl: string) {
  return (req: FastifyRequest, reply: FastifyReply, code: ErrorCode): FastifyReply => {
    const { status } = errorDefinition(code);
    const message = errorMessage(req.t, code, req.routeOptions?.config);
    return sendPage(
      reply,
      status,
      <StaffLayout ctx={staffContext(req, cssUrl)} title={req.t('common.error.title')}>
        <h1>{req.t('common.error.title')}</h1>
        <p>{message}</p>
        {KEEPS_WHAT_WAS_TYPED.has(code) ? <p>{req.t('common.error.go_back')}</p> : null}
        <p>
          <a href="/staff">{req.t('common.error.back_to_staff')}</a>
        </p>
      </StaffLayout>,
    );
  };
}
