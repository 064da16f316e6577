import { z } from 'zod';
import type { Deps } from '../../deps.js';
import type { EventSubscriber } from '../../platform/events/outbox.js';
import type { JobDefinition } from '../../platform/jobs/jobs.js';
import { indexCase, runIndexing } from './search.service.js';

// What keeps the search index up to date (ADR 37): the cases module's events, delivered after
// their commit (at least once; indexing a case is idempotent), and a job that indexes what the
// events could not (changes made while sealed), every case at first, and every case again under
// a new key after a rotation.

/**
 * The cases module's events after which a case's text has changed. A merge (ADR 38) changes two:
 * the duplicate's messages moved to the case in `into`, and both are indexed again; a requester
 * deleting a merged request takes their messages off the case it was merged into.
 */
export const TEXT_EVENTS = [
  'case.created',
  'case.message_received',
  'case.replied',
  'case.note_added',
  'case.merged',
  'case.receipt_purged',
] as const;

const Payload = z.object({ caseId: z.number().int().positive(), into: z.number().int().positive().optional() });

/** Indexes the case an event names, as it is when the event is handled. */
export function searchSubscribers(deps: Deps): EventSubscriber[] {
  return [
    {
      name: 'search.index',
      events: TEXT_EVENTS,
      async handle(event) {
        const { caseId, into } = Payload.parse(event.payload);
        await indexCase(deps, caseId);
        if (into !== undefined) await indexCase(deps, into);
      },
    },
  ];
}

export const INDEX_JOB = 'search.index';

/** Every minute: stale cases, then the walk under the active key until every case is under it. */
export function indexJob(deps: Deps): JobDefinition {
  return {
    name: INDEX_JOB,
    intervalMs: 60_000,
    // A walk over a million cases outlasts one claim: it renews nothing, so it stops at a batch
    // boundary once the lease is near its end and the next run resumes from the saved position.
    leaseMs: 10 * 60_000,
    run: async (pace) => void (await runIndexing(deps, pace, 50_000)),
  };
}
