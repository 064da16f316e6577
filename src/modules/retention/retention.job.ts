import type { Deps } from '../../deps.js';
import type { JobDefinition } from '../../platform/jobs/jobs.js';
import { runRetention } from './retention.service.js';

/** The retention job's name in the schedule. */
export const RETENTION_JOB = 'retention';

/**
 * Applies the retention rules every hour. A case becomes due at most an hour before it is
 * purged; rules count in days, so an hour is well inside their precision.
 */
export function retentionJob(deps: Deps): JobDefinition {
  return {
    name: RETENTION_JOB,
    intervalMs: 60 * 60 * 1000,
    run: async (pace) => {
      await runRetention(deps, pace);
    },
  };
}
