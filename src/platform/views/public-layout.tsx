import type { ComponentChildren } from 'preact';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorDefinition, errorMessage, KEEPS_WHAT_WAS_TYPED, type ErrorCode } from '../errors.js';
import { displayName, PUBLIC_LOCALES } from '../i18n/index.js';
import { isolate } from '../text.js';
import { sendPage } from './render.js';
import type { PageContext } from './ui.js';

/**
 * The public surface's page: no script, one small stylesheet from this server, the system
 * font stack, language links that work without JavaScript, and `<html lang dir>` from the locale.
 */
export function PublicLayout(props: {
  ctx: PageContext;
  title: string;
  children: ComponentChildren;
  /** False on a page that must not be left by accident (the receipt, shown once). */
  languageLinks?: boolean;
  /** Where the brand links to; a module passes `/?lang=xx` to keep a language chosen by link. */
  home?: string;
  /**
   * False on the request form, the heaviest public page: its lists leave no room for the
   * organisation's logo within the 30 KB budget (ADR 27); the name still shows.
   */
  logo?: boolean;
}) {
  const { ctx } = props;
  // The organisation's name, once set (ADR 27), isolated: in another script than the page's it
  // must not reorder the title around it.
  const name = ctx.brand?.name ?? null;
  const logo = props.logo === false ? null : (ctx.brand?.logoUrl ?? null);
  return (
    <html lang={ctx.locale} dir={ctx.dir}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <meta name="robots" content="noindex" />
        <title>{`${props.title} · ${name === null ? ctx.t('common.brand') : isolate(name)}`}</title>
        <link rel="stylesheet" href={ctx.cssUrl} />
      </head>
      <body>
        <a class="skip" href="#main">
          {ctx.t('common.skip_to_content')}
        </a>
        <header class="site">
          <a class="brand" href={props.home ?? '/'}>
            {logo ? <img class="logo" src={logo} alt="" /> : null}
            {name === null ? ctx.t('common.brand') : <bdi>{name}</bdi>}
          </a>
          {props.languageLinks === false ? null : (
            <nav aria-label={ctx.t('common.languages')}>
              <ul class="langs">
                {PUBLIC_LOCALES.map((l) => (
                  <li>
                    <a
                      href={`${ctx.path}?lang=${l}`}
                      lang={l}
                      hreflang={l}
                      aria-current={l === ctx.locale ? 'true' : undefined}
                    >
                      {displayName(l, 'language', l)}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          )}
        </header>
        <main id="main">{props.children}</main>
        <footer class="site">
          <p>{ctx.t('common.footer_privacy')}</p>
        </footer>
      </body>
    </html>
  );
}

/** The public error page, in the person's language. */
export function publicErrorPage(cssUrl: string) {
  return (req: FastifyRequest, reply: FastifyReply, code: ErrorCode): FastifyReply => {
    const ctx: PageContext = { t: req.t, locale: req.locale, dir: req.dir, cssUrl, path: '/', brand: req.brand };
    const { status } = errorDefinition(code);
    const message = errorMessage(req.t, code, req.routeOptions?.config);
    return sendPage(
      reply,
      status,
      <PublicLayout ctx={ctx} title={req.t('common.error.title')}>
        <h1>{req.t('common.error.title')}</h1>
        <p>{message}</p>
        {KEEPS_WHAT_WAS_TYPED.has(code) ? <p>{req.t('common.error.go_back')}</p> : null}
        <p>
          <a href="/">{req.t('common.error.home')}</a>
        </p>
      </PublicLayout>,
    );
  };
}
