import type { HavenModule } from '../../contracts/module.js';
import { jobsPolicy } from './jobs.policy.js';
import { registerJobsRoutes } from './jobs.routes.js';

/**
 * The jobs module: the administrators' page on the worker (/staff/jobs): the job schedule,
 * the work waiting, and the dead-lettered tasks and event deliveries, with "try again". The
 * schedule, the task queue and the outbox themselves are platform (platform/jobs,
 * platform/events); the worker runs them.
 */
export { JOBS_ACTIONS, jobsPolicy, type JobsAction } from './jobs.policy.js';

/** The jobs module as the app sees it. */
export const jobsModule: HavenModule = {
  name: 'jobs',
  policy: jobsPolicy,
  nav: [{ href: '/staff/jobs', labelKey: 'jobs.title', action: 'jobs.view', order: 80 }],
  registerStaff: (app, { deps, assets, jobSchedules }) =>
    registerJobsRoutes(app, deps, assets, jobSchedules),
};
