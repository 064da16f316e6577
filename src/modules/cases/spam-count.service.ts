import type { Deps } from '../../deps.js';
import type { Principal } from '../../platform/auth/roles.js';
import { NAV_COUNT_MAX } from '../../platform/views/nav.js';
import { ACTIVE_STATUSES } from '../../contracts/case.js';
import { can } from './case.policy.js';
import { countSuspectedSpamFor } from './access.js';

/**
 * How many cases wait in the suspected-spam queue, for the number in the staff bar's link to
 * it: suspected and still awaiting a decision (an active status; a case marked as spam has had
 * its decision). Counts no further than one above what the bar shows (`NAV_COUNT_MAX`), so the
 * query reads at most that many index entries with a million cases. 0 for those who may not
 * list the queue. Restricted cases the actor may not know are not counted (ADR 32).
 */
export async function countWaitingSpam(deps: Deps, actor: Principal): Promise<number> {
  if (!can(actor, 'case.list')) return 0;
  return countSuspectedSpamFor(deps.db, actor, ACTIVE_STATUSES, NAV_COUNT_MAX + 1);
}
