import type { Deps } from '../../deps.js';
import { purgeCasePersonalData } from '../cases/index.js';
import * as repo from './intake.repo.js';
import type { FollowupSession } from './intake.service.js';

/**
 * A requester deletes their own request, now: the case's personal data is crypto-shredded
 * (purgeCasePersonalData, audited as the requester's act), which also ends every follow-up
 * session on the case; their own session is ended here too, in case the purge found the case
 * already purged. Immediate rather than scheduled: the person is told it is done, and a
 * delay would leave the conversation readable by whoever holds the code meanwhile.
 */
export async function deleteOwnRequest(deps: Deps, session: FollowupSession): Promise<void> {
  await purgeCasePersonalData(deps, session.caseId, { kind: 'requester' });
  await repo.deleteSession(deps.db, session.idHash);
}
