import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import type { HavenModule, SurfaceAssets } from '../../contracts/module.js';
import type { JobDefinition } from '../../platform/jobs/jobs.js';
import { retentionJob } from './retention.job.js';
import { retentionPolicy } from './retention.policy.js';
import { registerRetentionRoutes } from './retention.routes.js';

/**
 * The retention module: rules per case status, and optionally per incident type, for how
 * long personal data is kept; the scheduled job that applies them (through the cases
 * module's purge), and the admin page.
 */
export { RETENTION_JOB, retentionJob } from './retention.job.js';
export { runRetention, listRules, type RetentionRunReport } from './retention.service.js';

/** Registers /staff/retention on the staff surface. */
export async function registerStaff(app: FastifyInstance, deps: Deps, assets: SurfaceAssets): Promise<void> {
  registerRetentionRoutes(app, deps, assets);
}

/** The module's scheduled jobs. */
export function jobs(deps: Deps): JobDefinition[] {
  return [retentionJob(deps)];
}

/** The retention module as the app and worker see it. */
export const retentionModule: HavenModule = {
  name: 'retention',
  policy: retentionPolicy,
  nav: [{ href: '/staff/retention', labelKey: 'retention.title', action: 'retention.view', order: 70 }],
  registerStaff: (app, { deps, assets }) => registerStaff(app, deps, assets),
  jobs,
};
