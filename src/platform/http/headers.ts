import type { FastifyReply } from 'fastify';

// Each surface has its own Content-Security-Policy. The public one allows no script at all;
// neither allows anything from another origin.
export const PUBLIC_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
export const STAFF_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/**
 * HTTPS only, for two years, subdomains included: after one visit over https a browser never
 * again tries plain http (where a network observer could strip TLS or read a session cookie).
 * Not `preload`: that list is hard to leave, and is the organisation's choice for its domain.
 */
export const HSTS = 'max-age=63072000; includeSubDomains';

/**
 * Headers every response carries: no caching of personal pages, no referrer, no sniffing; and
 * HSTS when Haven is reached over https (`secureCookies`, from PUBLIC_URL). Over plain http it
 * is never sent: browsers ignore it there, and a local or onion address must stay reachable.
 */
export function setSecurityHeaders(reply: FastifyReply, csp: string, https: boolean): void {
  reply.header('content-security-policy', csp);
  if (https) reply.header('strict-transport-security', HSTS);
  reply.header('referrer-policy', 'no-referrer');
  reply.header('x-content-type-options', 'nosniff');
  reply.header('x-frame-options', 'DENY');
  reply.header('cross-origin-opener-policy', 'same-origin');
  reply.header('cross-origin-resource-policy', 'same-origin');
  reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=(), interest-cohort=()');
  if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
}
