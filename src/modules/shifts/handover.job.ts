import type { Deps } from '../../deps.js';
import type { JobDefinition } from '../../platform/jobs/jobs.js';
import { openDueHandovers, purgeOldNotes } from './handover.service.js';

export const HANDOVER_JOB = 'shifts.handovers';
export const NOTES_PURGE_JOB = 'shifts.notes_purge';

/**
 * Every minute, opens the handover of each team's shift that ends within half an hour (ADR 33).
 * The job is leased (one process runs it at a time) and each handover's unique key (team, end)
 * makes a second run, or a second process, open none twice.
 */
export function handoverJob(deps: Deps): JobDefinition {
  return {
    name: HANDOVER_JOB,
    intervalMs: 60_000,
    run: async (pace) => void (await openDueHandovers(deps, pace)),
  };
}

/** Every night, deletes the notes of handovers that ended more than 30 days ago. */
export function notesPurgeJob(deps: Deps): JobDefinition {
  return {
    name: NOTES_PURGE_JOB,
    cron: '40 3 * * *',
    run: async () => void (await purgeOldNotes(deps)),
  };
}
