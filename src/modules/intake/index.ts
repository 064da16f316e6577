import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import type { HavenModule, SurfaceAssets } from '../../contracts/module.js';
import { registerDeletionRoutes } from './deletion.routes.js';
import { registerIntakeRoutes } from './intake.routes.js';

export { requestSchema, messageSchema, type TaxonomyCodes } from './intake.schema.js';

/** The intake module: the public landing page, request form, receipt and follow-up. */
export async function registerPublic(
  app: FastifyInstance,
  deps: Deps,
  assets: SurfaceAssets,
): Promise<void> {
  registerIntakeRoutes(app, deps, assets);
  registerDeletionRoutes(app, deps, assets);
}

/** The intake module: public pages only; it reaches cases through the cases module's index. */
export const intakeModule: HavenModule = {
  name: 'intake',
  registerPublic: (app, { deps, assets }) => registerPublic(app, deps, assets),
};
