import { z } from 'zod';
import type { Deps } from '../../deps.js';
import type { EventSubscriber } from '../../platform/events/outbox.js';
import type { JobDefinition } from '../../platform/jobs/jobs.js';
import { noticeClockPoints, onCaseAssigned, onCaseCreated, onMessageReceived, onStepReached, purgeOldNotifications } from './notification.service.js';

// What the notifications module listens to and runs: the cases module's events (delivered at
// least once; each handled once per event id, notification.service.ts `notify`) and the clock
// job that notices deadlines and escalations.

const CaseId = z.number().int().positive();
const Created = z.object({ caseId: CaseId, spamReason: z.string().nullable().optional() });
const Received = z.object({ caseId: CaseId });
const Assigned = z.object({ caseId: CaseId, to: z.string().nullable(), by: z.string().nullable().optional() });
const StepReached = z.object({
  caseId: CaseId,
  stepId: z.string().min(1).max(64),
  waitStartedAt: z.number().int().nonnegative(),
  recipients: z.array(z.string().max(64)).max(10_000),
});

/** The cases module's events that notify someone. */
export function notificationSubscribers(deps: Deps): EventSubscriber[] {
  return [
    {
      name: 'notifications.cases',
      events: ['case.created', 'case.message_received', 'case.assigned'],
      async handle(event) {
        if (event.type === 'case.created') {
          const p = Created.parse(event.payload);
          await onCaseCreated(deps, event.id, p.caseId, p.spamReason ?? null);
        } else if (event.type === 'case.message_received') {
          await onMessageReceived(deps, event.id, Received.parse(event.payload).caseId);
        } else if (event.type === 'case.assigned') {
          const p = Assigned.parse(event.payload);
          await onCaseAssigned(deps, event.id, { caseId: p.caseId, to: p.to, by: p.by ?? null });
        }
      },
    },
    {
      // A step of the escalation ladder reached (ADR 34): its people are told.
      name: 'notifications.escalation',
      events: ['escalation.step_reached'],
      async handle(event) {
        await onStepReached(deps, StepReached.parse(event.payload));
      },
    },
  ];
}

export const CLOCK_JOB = 'notifications.clock';

/** Every minute: first-response deadlines that are near (once each); escalations are the escalation module's. */
export function clockJob(deps: Deps): JobDefinition {
  return { name: CLOCK_JOB, intervalMs: 60_000, run: async (pace) => void (await noticeClockPoints(deps, pace)) };
}

export const PURGE_JOB = 'notifications.purge';

/** Every night at 03:30 UTC: notifications done with for 90 days are deleted. */
export function purgeJob(deps: Deps): JobDefinition {
  return { name: PURGE_JOB, cron: '30 3 * * *', run: async () => void (await purgeOldNotifications(deps)) };
}
