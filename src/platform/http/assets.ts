import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';

/**
 * Serves a small stylesheet from memory at a versioned path (`/assets/public.<hash>.css`), so
 * pages can cache it forever and a new release changes the address.
 */
export function registerStylesheet(app: FastifyInstance, opts: { file: string; prefix: string; name: string }): string {
  const body = readFileSync(opts.file);
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 10);
  const path = `${opts.prefix}/${opts.name}.${hash}.css`;
  // Routes are relative to the plugin's prefix (e.g. /staff); pages need the full address.
  const url = `${app.prefix}${path}`;
  // A static file with no secrets: it needs no role (context.ts `action`) and no session, and it
  // answers while sealed, so the sign-in, enrolment, second-factor and unseal pages are styled.
  app.get(path, { config: { action: 'none', auth: 'public', whileSealed: true } }, async (_req, reply) =>
    reply
      .header('cache-control', 'public, max-age=31536000, immutable')
      .type('text/css; charset=utf-8')
      .send(body),
  );
  return url;
}
