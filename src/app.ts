import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import Fastify, { type FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import type { Deps } from './deps.js';
import * as accounts from './modules/accounts/index.js';
import * as cases from './modules/cases/index.js';
import * as intake from './modules/intake/index.js';
import * as vault from './modules/vault/index.js';
import * as retention from './modules/retention/index.js';
import { registerStylesheet } from './platform/http/assets.js';
import { capConnections, serverLimits } from './platform/http/server-limits.js';
import { apiSurface, publicSurface, routerErrors, staffSurface, type SurfaceErrorPages } from './platform/http/surfaces.js';
import { loggerOptions } from './platform/log/index.js';
import { projectRoot } from './platform/paths.js';
import { publicErrorPage } from './platform/views/public-layout.js';
import { staffErrorPage } from './platform/views/staff-layout.js';

/**
 * Builds Haven's web application from its dependencies. Composition only: it never listens,
 * so tests inject requests in-process. Three surfaces, each with its own headers, layout,
 * error pages and authentication: public intake (/), staff workspace (/staff), API (/api/v1).
 */
export async function createApp(deps: Deps, opts: { logStream?: DestinationStream } = {}): Promise<FastifyInstance> {
  // What the router refuses before a surface sees it is answered in that surface's own way.
  const errorPages: SurfaceErrorPages = {};
  const app = Fastify({
    logger: loggerOptions(deps.config.logLevel, opts.logStream),
    trustProxy: false,
    bodyLimit: deps.config.bodyLimitBytes,
    // Request ids are random per process and carry nothing about the client.
    requestIdHeader: false,
    // Timeouts for slow clients, and what Node's parser refuses answered without logging it.
    ...serverLimits(deps.config),
    frameworkErrors: routerErrors(deps, errorPages),
  });
  capConnections(app, deps.config);
  await app.register(fastifyCookie);
  await app.register(fastifyFormbody, { bodyLimit: deps.config.bodyLimitBytes });

  const views = join(projectRoot(), 'src', 'platform', 'views');

  await app.register(async (pub) => {
    const cssUrl = registerStylesheet(pub, { file: join(views, 'public.css'), prefix: '/assets', name: 'public' });
    errorPages.public = publicErrorPage(cssUrl);
    publicSurface(pub, deps, errorPages.public);
    await intake.registerPublic(pub, deps, { cssUrl });
  });

  await app.register(
    async (staff) => {
      const cssUrl = registerStylesheet(staff, { file: join(views, 'staff.css'), prefix: '/assets', name: 'staff' });
      errorPages.staff = staffErrorPage(cssUrl);
      staffSurface(staff, deps, errorPages.staff);
      await accounts.registerStaff(staff, deps, { cssUrl });
      await cases.registerStaff(staff, deps, { cssUrl });
      await vault.registerStaff(staff, deps, { cssUrl });
      await retention.registerStaff(staff, deps, { cssUrl });
    },
    { prefix: '/staff' },
  );

  await app.register(
    async (api) => {
      apiSurface(api, deps);
      await cases.registerApi(api, deps);
    },
    { prefix: '/api/v1' },
  );

  return app;
}
