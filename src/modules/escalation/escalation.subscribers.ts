import { z } from 'zod';
import type { Deps } from '../../deps.js';
import type { EventSubscriber } from '../../platform/events/outbox.js';
import type { JobDefinition } from '../../platform/jobs/jobs.js';
import { runEscalationClock } from './escalation.service.js';
import { resolvedAtOf, updateCaseSla } from './sla.service.js';

// What the escalation module runs and listens to (ADR 34): the clock job, every minute, leased
// so one process runs it at a time; and the cases module's events that feed the SLA read model.

export const CLOCK_JOB = 'escalation.clock';

/** Every minute: the steps cases have reached, each recorded once per wait. */
export function clockJob(deps: Deps): JobDefinition {
  return { name: CLOCK_JOB, intervalMs: 60_000, run: async (pace) => void (await runEscalationClock(deps, pace)) };
}

const CaseEvent = z.object({ caseId: z.number().int().positive(), to: z.string().optional() });

/** The SLA read model's feed: a case arrived, was first answered, or changed status. */
export function slaSubscribers(deps: Deps): EventSubscriber[] {
  return [
    {
      name: 'escalation.sla',
      events: ['case.created', 'case.replied', 'case.status_changed'],
      async handle(event) {
        const p = CaseEvent.parse(event.payload);
        const resolvedAt = event.type === 'case.status_changed' ? resolvedAtOf(p.to, event.occurredAt) : null;
        await updateCaseSla(deps, p.caseId, resolvedAt);
      },
    },
  ];
}
