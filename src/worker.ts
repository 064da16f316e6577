import type { Deps } from './contracts/deps.js';
import * as retention from './modules/retention/index.js';
import { createJobRunner, type JobRunner } from './platform/jobs/jobs.js';

/**
 * Builds Haven's background worker from its dependencies: every module's scheduled jobs over
 * the schedule in the database. Composition only, like createApp; `haven serve` starts it and
 * `haven jobs run-due` runs it once.
 */
export function createWorker(deps: Deps, opts: { onError?: (job: string, e: unknown) => void } = {}): JobRunner {
  return createJobRunner(deps, [...retention.jobs(deps)], opts);
}
