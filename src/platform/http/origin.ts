import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PlatformDeps as Deps } from '../deps.js';
import type { ErrorPage } from './error-page.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function defaultPort(protocol: string): string {
  return protocol === 'https:' ? '443' : '80';
}

/**
 * True when a browser says this state-changing request comes from another site. A second line
 * behind the synchronizer tokens (which stay the main defence), not a replacement for them:
 *
 * - `Sec-Fetch-Site: cross-site` is set by the browser itself and cannot be forged by a page;
 *   no Haven form posts across sites.
 * - An `Origin` is accepted when it is PUBLIC_URL's origin, or names the host the request was
 *   sent to (its `Host`). The second rule keeps the onion address working beside a clearnet
 *   PUBLIC_URL, and a default PUBLIC_URL reached by another name; it compares host and port
 *   only, because behind a TLS proxy Haven cannot see the scheme. A page on another site
 *   cannot make a browser send our host as its Origin.
 * - No `Origin`, or `Origin: null`, is accepted: privacy browsers (Tor Browser among them) send
 *   those on ordinary form posts, and refusing them would lose real requests.
 */
export function isCrossSite(req: FastifyRequest, publicUrl: string): boolean {
  if (SAFE_METHODS.has(req.method)) return false;
  if (req.headers['sec-fetch-site'] === 'cross-site') return true;
  const origin = req.headers.origin;
  if (origin === undefined || origin === 'null') return false;
  let from: URL;
  try {
    from = new URL(origin);
  } catch {
    return true; // a browser never sends a malformed Origin
  }
  if (from.origin === new URL(publicUrl).origin) return false;
  const host = req.headers.host;
  if (!host) return true;
  let to: URL;
  try {
    to = new URL(`${from.protocol}//${host}`);
  } catch {
    return true;
  }
  const samePort = (from.port || defaultPort(from.protocol)) === (to.port || defaultPort(from.protocol));
  return !(from.hostname === to.hostname && samePort);
}

/**
 * An onRequest hook for the HTML surfaces: refuses a cross-site POST with the surface's CSRF
 * error page (403) before its body is read. The operator is told at most once a minute, without
 * the request's headers; a PUBLIC_URL that does not match the address people use, behind a
 * proxy that rewrites Host, would refuse every form, and that must not go unnoticed.
 */
export function refuseCrossSite(deps: Deps, errorPage: ErrorPage) {
  let warnedAt = -Infinity;
  return async (req: FastifyRequest, reply: FastifyReply) => {
    if (!isCrossSite(req, deps.config.publicUrl)) return;
    const now = Date.now();
    if (now - warnedAt >= 60_000) {
      warnedAt = now;
      req.log.warn(
        'a form from another site was refused (if people see "form expired" pages, check that PUBLIC_URL is the address they use, or that the proxy passes Host)',
      );
    }
    return errorPage(req, reply, 'CSRF_INVALID');
  };
}
