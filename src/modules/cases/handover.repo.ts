import type { Deps } from '../../deps.js';
import { ACTIVE_STATUSES } from '../../contracts/case.js';
import type { Principal } from '../../platform/auth/roles.js';
import { visibleTo } from './access.js';

// What a shift handover reads of cases (the shifts module): a team's active cases, by the
// team's regions and languages as notifications find a team's people, and only those the
// reader may know exist (need-to-know). Structured fields and the case number, never content,
// so reading them is not a case view. Kept apart from case.repo.ts, to be read alone.

/** A case as a handover lists it. */
export interface HandoverCase {
  id: number;
  status: string;
  urgency: string;
  region: string | null;
  language: string;
  assignee_id: string | null;
  awaiting_reply: number;
  created_at: number;
  first_response_due_at: number;
  first_response_at: number | null;
  last_activity_at: number;
}

const COLUMNS = [
  'cases.id',
  'cases.status',
  'cases.urgency',
  'cases.region',
  'cases.language',
  'cases.assignee_id',
  'cases.awaiting_reply',
  'cases.created_at',
  'cases.first_response_due_at',
  'cases.first_response_at',
  'cases.last_activity_at',
] as const;

/**
 * The active cases (new, vetting, open, waiting; not suspected spam) of a team, those in one of
 * `regions` or in one of `languages`, that `actor` may know exist; oldest first, at most
 * `limit` (ask for one more to know there are more). None for a team with neither.
 */
export async function teamActiveCases(
  deps: Pick<Deps, 'db'>,
  actor: Pick<Principal, 'userId' | 'roles'>,
  team: { regions: readonly string[]; languages: readonly string[] },
  limit: number,
): Promise<HandoverCase[]> {
  if (team.regions.length === 0 && team.languages.length === 0) return [];
  const rows = await deps.db
    .selectFrom('cases')
    .select(COLUMNS)
    .where('cases.suspected_spam', '=', 0)
    .where('cases.status', 'in', ACTIVE_STATUSES)
    .where((eb) =>
      eb.or([
        ...(team.regions.length === 0 ? [] : [eb('cases.region', 'in', [...team.regions])]),
        ...(team.languages.length === 0 ? [] : [eb('cases.language', 'in', [...team.languages])]),
      ]),
    )
    .where(visibleTo(actor))
    .orderBy('cases.created_at')
    .orderBy('cases.id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    ...r,
    created_at: Number(r.created_at),
    first_response_due_at: Number(r.first_response_due_at),
    first_response_at: r.first_response_at === null ? null : Number(r.first_response_at),
    last_activity_at: Number(r.last_activity_at),
  }));
}
