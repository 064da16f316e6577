import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import type { SurfaceAssets } from '../../contracts/module.js';
import type { JobDefinition } from '../../platform/jobs/jobs.js';
import { retentionJob } from './retention.job.js';
import { registerRetentionRoutes } from './retention.routes.js';

/**
 * The retention module: rules per case status, and optionally per incident type, for how
 * long personal data is kept; the scheduled job that applies them (through the cases
 * module's purge), and the admin page.
 */
export { RETENTION_JOB, retentionJob } from './retention.job.js';
export { runRetention, listRules, type RetentionRunReport } from './retention.service.js';
export { RETENTION_ACTIONS, can, type RetentionAction } from './retention.policy.js';

/** Registers /staff/retention on the staff surface. */
export async function registerStaff(app: FastifyInstance, deps: Deps, assets: SurfaceAssets): Promise<void> {
  registerRetentionRoutes(app, deps, assets);
}

/** The module's scheduled jobs. */
export function jobs(deps: Deps): JobDefinition[] {
  return [retentionJob(deps)];
}
