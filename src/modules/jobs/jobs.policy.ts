import { definePolicy } from '../../platform/auth/policy.js';

/**
 * Who may see the worker's state and try dead-lettered work again. Deny by default. The page
 * names cases only by id, but trying a task again can re-send or re-run work that touches
 * people, so both are for administrators only.
 */
export const JOBS_ACTIONS = ['jobs.view', 'jobs.retry'] as const;
export type JobsAction = (typeof JOBS_ACTIONS)[number];

export const jobsPolicy = definePolicy<JobsAction>({
  'jobs.view': ['admin'],
  'jobs.retry': ['admin'],
});
