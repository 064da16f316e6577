import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../contracts/deps.js';
import type { SurfaceAssets } from '../../contracts/module.js';

/** The accounts module: staff sign-in, second factor, enrolment, sessions, API tokens. */
export async function registerStaff(_app: FastifyInstance, _deps: Deps, _assets: SurfaceAssets): Promise<void> {}
