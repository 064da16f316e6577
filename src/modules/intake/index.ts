import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../contracts/deps.js';
import type { SurfaceAssets } from '../../contracts/module.js';

/** The intake module: the public request form, receipt, follow-up and landing page. */
export async function registerPublic(_app: FastifyInstance, _deps: Deps, _assets: SurfaceAssets): Promise<void> {}
