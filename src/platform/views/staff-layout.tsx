import type { ComponentChildren } from 'preact';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/roles.js';
import { errorDefinition, errorMessage, KEEPS_WHAT_WAS_TYPED, type ErrorCode } from '../errors.js';
import { currentEntry, navBox } from './nav.js';
import { sendPage } from './render.js';
import type { PageContext } from './ui.js';
import { DEFAULT_TIME_ZONE } from '../i18n/zones.js';

export interface StaffPageContext extends PageContext {
  /** The reader's time zone: every moment on the page is shown in it, named (time.ts, ADR 28). */
  timeZone: string;
  principal: Principal | null;
  csrfToken: string | null;
  /** A one-line message after a redirect (post → redirect → flash). */
  flash?: string | undefined;
  /** The modules' navigation entries this person may follow, with their order (nav.ts). */
  nav?: { href: string; label: string; order?: number }[];
  /** The current path with its query, to mark the entry the page is (`currentEntry`). */
  url?: string;
}

/**
 * The person's start page: the first page in their navigation (the queue for those who work
 * cases, the audit log for an auditor), else their own account; `/staff` when nobody is signed in.
 */
export function staffHome(ctx: Pick<StaffPageContext, 'principal' | 'nav'>): string {
  if (!ctx.principal) return '/staff';
  return (ctx.nav ?? []).find((e) => navBox(e.href) === null)?.href ?? '/staff/account';
}

/**
 * Entries ordered from here on are the organisation's and the person's own pages (people,
 * teams, retention, taxonomies, the audit log, API tokens…), opened now and then: when there are
 * more than `MORE_AFTER` of them, a wide bar lists them under "More" so that the row keeps room
 * for the case work (the queues with their counts, the go-to-case box). A narrow bar lists
 * everything in its menu.
 */
const MORE_FROM_ORDER = 50;
const MORE_AFTER = 2;

/** The bar's links: those always in the row, and those under "More" (empty when few). */
export function navGroups<T extends { order?: number | undefined }>(links: readonly T[]): { main: T[]; more: T[] } {
  const more = links.filter((e) => (e.order ?? 0) >= MORE_FROM_ORDER);
  if (more.length <= MORE_AFTER) return { main: [...links], more: [] };
  return { main: links.filter((e) => !more.includes(e)), more };
}

/** The staff workspace's page: dense but calm; works without script. */
export function StaffLayout(props: {
  ctx: StaffPageContext;
  title: string;
  children: ComponentChildren;
}) {
  const { ctx } = props;
  const nav = ctx.nav ?? [];
  const links = nav.filter((e) => navBox(e.href) === null);
  const current = currentEntry(
    links.map((e) => e.href),
    ctx.url ?? ctx.path,
  );
  const groups = navGroups(links);
  const link = (e: { href: string; label: string }) => (
    <li>
      <a href={e.href} aria-current={current === e.href ? 'page' : undefined}>
        {e.label}
      </a>
    </li>
  );
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
          <a class="brand" href={staffHome(ctx)}>
            {ctx.t('common.brand')}
          </a>
          {ctx.principal ? (
            <nav aria-label={ctx.t('common.staff_nav')}>
              {/* One row on a wide screen; on a narrow one the entries fold behind this
                  disclosure, which opens without script (staff.css shows it open when wide). */}
              <details class="menu">
                <summary>{ctx.t('common.nav_menu')}</summary>
                <div class="menu-items">
                  <ul class="nav-links">
                    {groups.main.map(link)}
                    {groups.more.length ? (
                      <li class={groups.more.some((e) => e.href === current) ? 'more current' : 'more'}>
                        <details class="more-menu">
                          <summary>{ctx.t('common.nav_more')}</summary>
                          <ul>{groups.more.map(link)}</ul>
                        </details>
                      </li>
                    ) : null}
                  </ul>
                  {nav.map((e) => {
                    const box = navBox(e.href);
                    if (!box) return null;
                    // A GET form, so it works without script; its own ids, apart from any page's fields.
                    const id = `nav-${box.field}`;
                    return (
                      <form method="get" action={box.action} class="inline nav-box">
                        <label for={id}>{e.label}</label>
                        <input id={id} name={box.field} type="text" size={5} dir="auto" autocomplete="off" />
                        <button type="submit">{ctx.t('common.go')}</button>
                      </form>
                    );
                  })}
                  <span class="account">
                    <a href="/staff/account" class="who">
                      <span class="visually-hidden">{ctx.t('common.nav_account')}: </span>
                      <bdi>{ctx.principal.displayName}</bdi>
                    </a>
                    <form method="post" action="/staff/sign-out" class="inline">
                      <input type="hidden" name="_csrf" value={ctx.csrfToken ?? ''} />
                      <button type="submit">{ctx.t('common.sign_out')}</button>
                    </form>
                  </span>
                </div>
              </details>
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
    url: req.url,
    timeZone: req.principal?.timeZone ?? DEFAULT_TIME_ZONE,
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
          <a href={staffHome(req)}>{req.t('common.error.back_to_staff')}</a>
        </p>
      </StaffLayout>,
    );
  };
}
