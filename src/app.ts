import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import Fastify, { type FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { resealersOf, type HavenModule } from './contracts/module.js';
import type { Deps } from './deps.js';
import { MODULES } from './modules.js';
import { combinePolicies } from './platform/auth/policy.js';
import { registerStylesheet } from './platform/http/assets.js';
import { acceptMultipart, sessionMayRead } from './platform/http/multipart.js';
import { registerOpenApi } from './platform/http/openapi.js';
import { capConnections, serverLimits } from './platform/http/server-limits.js';
import { apiSurface, publicSurface, routerErrors, sendApiError, staffSurface, type SurfaceErrorPages } from './platform/http/surfaces.js';
import { scheduleOf } from './platform/jobs/jobs.js';
import { loggerOptions } from './platform/log/index.js';
import { projectRoot } from './platform/paths.js';
import { publicErrorPage } from './platform/views/public-layout.js';
import { staffErrorPage } from './platform/views/staff-layout.js';

/**
 * Builds Haven's web application from its dependencies and its modules (src/modules.ts).
 * Composition only: it never listens, so tests inject requests in-process. Three surfaces,
 * each with its own headers, layout, error pages and authentication: public intake (/),
 * staff workspace (/staff), API (/api/v1). Each module adds its routes to the surfaces it
 * declares; the policies and navigation entries of all of them make one engine and one bar.
 */
export async function createApp(
  deps: Deps,
  opts: { logStream?: DestinationStream; modules?: readonly HavenModule[] } = {},
): Promise<FastifyInstance> {
  const modules = opts.modules ?? MODULES;
  // What modules add to cases, for the cases module's pages and services (ADR 31). Set on the
  // one deps object every route shares, so services called from any module see them.
  deps.caseExtensions = modules.flatMap((m) => (m.caseExtension ? [m.caseExtension] : []));
  // What the vault's key changes re-seal beside its own data (contracts/module.ts).
  deps.resealers = resealersOf(modules);
  const policy = combinePolicies(modules.flatMap((m) => (m.policy ? [m.policy] : [])));
  const nav = modules.flatMap((m) => m.nav ?? []).sort((a, b) => a.order - b.order);
  const jobSchedules = new Map(modules.flatMap((m) => m.jobs?.(deps) ?? []).map((j) => [j.name, scheduleOf(j)]));
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
    // The organisation's name and logo on every public page, from the module that gives them.
    publicSurface(pub, deps, errorPages.public, { brand: modules.find((m) => m.publicBrand)?.publicBrand?.(deps) });
    // Files in forms only on the routes that ask for them (config.multipart); refused elsewhere.
    await acceptMultipart(pub, { refuse: errorPages.public });
    for (const m of modules) await m.registerPublic?.(pub, { deps, assets: { cssUrl }, jobSchedules });
  });

  await app.register(
    async (staff) => {
      const cssUrl = registerStylesheet(staff, { file: join(views, 'staff.css'), prefix: '/assets', name: 'staff' });
      errorPages.staff = staffErrorPage(cssUrl);
      staffSurface(staff, deps, errorPages.staff, { policy, nav });
      await acceptMultipart(staff, { refuse: errorPages.staff, mayRead: sessionMayRead });
      for (const m of modules) await m.registerStaff?.(staff, { deps, assets: { cssUrl }, jobSchedules });
    },
    { prefix: '/staff' },
  );

  await app.register(
    async (api) => {
      apiSurface(api, deps, { policy });
      await acceptMultipart(api, { refuse: sendApiError });
      registerOpenApi(api, modules.flatMap((m) => (m.api ? [m.api.openapi] : [])));
      for (const m of modules) await m.api?.register(api, { deps });
    },
    { prefix: '/api/v1' },
  );

  return app;
}
