import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../contracts/deps.js';
import type { SurfaceAssets } from '../../contracts/module.js';

/** The cases module: the handler workspace and the cases API. */
export async function registerStaff(_app: FastifyInstance, _deps: Deps, _assets: SurfaceAssets): Promise<void> {}

export async function registerApi(_app: FastifyInstance, _deps: Deps): Promise<void> {}
