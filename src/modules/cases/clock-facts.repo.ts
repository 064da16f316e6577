import type { Deps } from '../../deps.js';
import { ACTIVE_STATUSES } from '../../contracts/case.js';
import { awaitingReplyIn, NOTICE_COLUMNS, type CaseNoticeFacts } from './notice.repo.js';

// What the escalation module reads of cases (ADR 34): the clock's columns and the codes its
// ladders' conditions and the SLA read model name; identifiers and codes only, never content.
// Kept apart from case.repo.ts, to be read alone.

/** A case as the escalation ladder and the SLA read model see it. */
export type CaseClockFacts = CaseNoticeFacts & {
  urgency: string;
  severity: string | null;
};

const COLUMNS = [...NOTICE_COLUMNS, 'urgency', 'severity'] as const;

/** The clock facts of case `caseId`, or null when there is none. */
export async function caseClockFacts(deps: Pick<Deps, 'db'>, caseId: number): Promise<CaseClockFacts | null> {
  const row = await deps.db.selectFrom('cases').select(COLUMNS).where('id', '=', caseId).executeTakeFirst();
  return row ?? null;
}

/**
 * The clock facts of the cases among `caseIds` (unknown ids left out): what the escalation
 * module reads for the queue's marker of one page (ADR 34's addendum). Primary-key lookups.
 */
export async function clockFactsOf(deps: Pick<Deps, 'db'>, caseIds: readonly number[]): Promise<CaseClockFacts[]> {
  const ids = [...new Set(caseIds.filter((id) => Number.isSafeInteger(id)))];
  const out: CaseClockFacts[] = [];
  for (let i = 0; i < ids.length; i += 500)
    out.push(...(await deps.db.selectFrom('cases').select(COLUMNS).where('id', 'in', ids.slice(i, i + 500)).execute()));
  return out;
}

/**
 * Cases on the escalation clock: awaiting the helpline's reply, not suspected spam, in an
 * active status other than `waiting` (the clock is paused while the helpline waits on the
 * requester), whose latest activity is at `since` or later; the most recent first, at most
 * `limit`. One range of cases_queue_main per status.
 */
export async function casesOnTheClock(deps: Pick<Deps, 'db'>, p: { since: number; limit: number }): Promise<CaseClockFacts[]> {
  return awaitingReplyIn(
    deps,
    COLUMNS,
    ACTIVE_STATUSES.filter((s) => s !== 'waiting'),
    p,
  ).execute();
}
