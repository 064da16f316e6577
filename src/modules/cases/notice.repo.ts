import type { Deps } from '../../deps.js';
import { ACTIVE_STATUSES } from '../../contracts/case.js';

// What the notifications module reads of cases, to decide who needs to know: identifiers and
// codes only, never a case's content. Kept apart from case.repo.ts, to be read alone.

/** A case as the notifications module sees it. */
export interface CaseNoticeFacts {
  id: number;
  status: string;
  region: string | null;
  language: string;
  /** 1 when it waits in the suspected-spam queue: nobody is notified about it. */
  suspected_spam: number;
  assignee_id: string | null;
  awaiting_reply: number;
  created_at: number;
  first_response_due_at: number;
  first_response_at: number | null;
  last_activity_at: number;
}

/** The columns of CaseNoticeFacts; the escalation clock's facts add to them (clock-facts.repo.ts). */
export const NOTICE_COLUMNS = [
  'id',
  'status',
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

/** The facts of case `caseId`, or null when there is none. */
export async function caseNoticeFacts(deps: Deps, caseId: number): Promise<CaseNoticeFacts | null> {
  const row = await deps.db.selectFrom('cases').select(NOTICE_COLUMNS).where('id', '=', caseId).executeTakeFirst();
  return row ?? null;
}

/**
 * Cases that await the helpline's reply, are not suspected spam, are in an active status, and
 * saw their latest activity at `since` or later (the clock job's look-back), the most recent
 * first, at most `limit`: the ones whose deadline or escalation may be near. One range of
 * cases_queue_main per status.
 */
export async function casesAwaitingReply(
  deps: Deps,
  p: { since: number; limit: number },
): Promise<CaseNoticeFacts[]> {
  return awaitingReplyIn(deps, NOTICE_COLUMNS, ACTIVE_STATUSES, p).execute();
}

/**
 * `columns` of the cases in `statuses` that await the helpline's reply, are not suspected spam
 * and saw their latest activity at `since` or later, the most recent first, at most `limit`:
 * one range of cases_queue_main per status. The notifications clock and the escalation clock
 * (clock-facts.repo.ts) each read their own columns and statuses with it.
 */
export function awaitingReplyIn<C extends (typeof NOTICE_COLUMNS)[number] | 'urgency' | 'severity'>(
  deps: Pick<Deps, 'db'>,
  columns: readonly C[],
  statuses: readonly string[],
  p: { since: number; limit: number },
) {
  return deps.db
    .selectFrom('cases')
    .select(columns)
    .where('suspected_spam', '=', 0)
    .where('status', 'in', [...statuses])
    .where('awaiting_reply', '=', 1)
    .where('last_activity_at', '>=', p.since)
    .orderBy('last_activity_at', 'desc')
    .orderBy('id')
    .limit(p.limit);
}
