import type { FastifyRequest } from 'fastify';
import { formatUtcMedium } from '../../../platform/views/time.js';
import type { PageContext } from '../../../platform/views/ui.js';

/** What intake's views need: the page context and a way to build links that keep the chosen language. */
export interface IntakeContext extends PageContext {
  /** A path on the public surface, with `?lang=` kept when the person chose a language by link. */
  link: (path: string) => string;
}

/**
 * The context for one request. A language picked with `?lang=` is carried on every link and
 * form action (there is no cookie to remember it); a language negotiated from the browser
 * needs nothing, the browser sends it again.
 */
export function intakeContext(req: FastifyRequest, cssUrl: string, path: string): IntakeContext {
  const q = (req.query as Record<string, unknown> | undefined)?.lang;
  const chosen = typeof q === 'string' && q === req.locale ? q : undefined;
  return {
    t: req.t,
    locale: req.locale,
    dir: req.dir,
    cssUrl,
    path,
    brand: req.brand,
    link: (p) => (chosen ? `${p}${p.includes('?') ? '&' : '?'}lang=${chosen}` : p),
  };
}

/** A moment shown to a requester: the server does not know their time zone, so it says UTC. */
export function formatWhen(locale: string, ms: number): string {
  return formatUtcMedium(locale, ms);
}
