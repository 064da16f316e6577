import type { Deps } from '../../deps.js';
import { ACTIVE_STATUSES } from '../../contracts/case.js';

// What the escalation module reads of cases (ADR 34): the clock's columns and the codes its
// ladders' conditions and the SLA read model name; identifiers and codes only, never content.
// Kept apart from case.repo.ts, to be read alone.

/** A case as the escalation ladder and the SLA read model see it. */
export interface CaseClockFacts {
  id: number;
  status: string;
  urgency: string;
  severity: string | null;
  region: string | null;
  language: string;
  /** 1 while it waits in the suspected-spam queue: it never escalates nor counts. */
  suspected_spam: number;
  assignee_id: string | null;
  awaiting_reply: number;
  created_at: number;
  first_response_due_at: number;
  first_response_at: number | null;
  last_activity_at: number;
}

const COLUMNS = [
  'id',
  'status',
  'urgency',
  'severity',
  'region',
  'language',
  'suspected_spam',
  'assignee_id',
  'awaiting_reply',
  'created_at',
  'first_response_due_at',
  'first_response_at',
  'last_activity_at',
] as const;

/** The clock facts of case `caseId`, or null when there is none. */
export async function caseClockFacts(deps: Pick<Deps, 'db'>, caseId: number): Promise<CaseClockFacts | null> {
  const row = await deps.db.selectFrom('cases').select(COLUMNS).where('id', '=', caseId).executeTakeFirst();
  return row ?? null;
}

/**
 * Cases on the escalation clock: awaiting the helpline's reply, not suspected spam, in an
 * active status other than `waiting` (the clock is paused while the helpline waits on the
 * requester), whose latest activity is at `since` or later; the most recent first, at most
 * `limit`. One range of cases_queue_main per status.
 */
export async function casesOnTheClock(deps: Pick<Deps, 'db'>, p: { since: number; limit: number }): Promise<CaseClockFacts[]> {
  return deps.db
    .selectFrom('cases')
    .select(COLUMNS)
    .where('suspected_spam', '=', 0)
    .where(
      'status',
      'in',
      ACTIVE_STATUSES.filter((s) => s !== 'waiting'),
    )
    .where('awaiting_reply', '=', 1)
    .where('last_activity_at', '>=', p.since)
    .orderBy('last_activity_at', 'desc')
    .orderBy('id')
    .limit(p.limit)
    .execute();
}
