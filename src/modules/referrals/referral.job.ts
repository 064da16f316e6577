import type { Deps } from '../../deps.js';
import type { JobDefinition } from '../../platform/jobs/jobs.js';
import { remindDueFollowUps } from './referral.service.js';

export const FOLLOW_UP_JOB = 'referrals.follow_up';

/**
 * Every five minutes: referrals whose follow-up date has come, told once to the referring
 * person and the case's assignee (the jobs table runs it in one process at a time; the notice's
 * mark keeps it to once even so).
 */
export function followUpJob(deps: Deps): JobDefinition {
  return { name: FOLLOW_UP_JOB, intervalMs: 5 * 60_000, run: async (pace) => void (await remindDueFollowUps(deps, pace)) };
}
