import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import type { HavenModule, SurfaceAssets } from '../../contracts/module.js';
import { casesOpenApi } from './openapi.js';
import { casesPolicy } from './case.policy.js';
import { CASE_ERRORS } from './case.errors.js';
import { applyDeletionListsAtStart, backupKeysJob } from './deletion-lists.job.js';
import { registerCaseApi } from './case.api.js';
import { registerAccessApi } from './access.api.js';
import { registerCaseRoutes } from './case.routes.js';
import { registerGotoRoutes } from './goto.routes.js';
import { registerQueueRoutes } from './queue.routes.js';
import { registerSpamRoutes } from './spam.routes.js';
import { registerAttachmentRoutes } from './attachment.routes.js';
import { attachmentsExpiryJob } from './attachment.job.js';
import { countWaitingSpam } from './spam-count.service.js';
import type { CaseKey } from '../../platform/crypto/vault.js';
import { getCaseRow, listMessageRows } from './case.repo.js';
import { openMessageBody } from './message-body.js';
import { attachmentsOfCase } from './attachment.service.js';

/**
 * The cases module: the handler workspace, the cases API, and what other modules call —
 * intake (a request and its conversation), vault (sealed messages), retention and a
 * requester's deletion (purge), the demo (its bulk load) and `haven backup` (the deletion
 * lists). Nothing else is exported: other modules go through these.
 */
export {
  LIMITS,
  submitRequest,
  submitRequests,
  caseIdForReceipt,
  requesterView,
  addRequesterMessage,
  type NewRequestInput,
} from './requester.service.js';
export { moveSealedMessages } from './message-body.js';
export {
  insertDemoCases,
  countNonDemoCases,
  type DemoCaseRecord,
  type DemoMessageRecord,
} from './demo-cases.service.js';
export { reapplyShreds } from './shred-ledger.service.js';
export { purgeCasePersonalData, listCasesDueForPurge } from './purge.service.js';
export { countOpenCases, reassignOpenCases, releaseHiddenCases } from './case.service.js';
// For intake: files sent with a request or a follow-up, and the requester's downloads (ADR 26).
export { attachmentRule, stageFiles, sendAttachment, type StagedFiles } from './attachment.routes.js';
export { openAttachment, dropStaged, forgetStaged, type AttachmentSummary, type StagedAttachment } from './attachment.service.js';
// For the notifications module: who needs to know about a case, and when its clock passes a point.
export { caseNoticeFacts, casesAwaitingReply, type CaseNoticeFacts } from './notice.repo.js';
export { caseClock } from './case.js';
// For the escalation module (ADR 34): the clock's facts of the cases whose ladder may have a step due.
export { caseClockFacts, casesOnTheClock, clockFactsOf, type CaseClockFacts } from './clock-facts.repo.js';
// Need-to-know (ADR 32): whether a person may know a case exists. Anything that lists, counts,
// searches or notifies about cases goes through these.
export { visibleTo, visibleCaseIds, hiddenCaseIds, hiddenRestrictedIds, whoMayKnow } from './access.js';
// For the search module (ADR 37): a case's texts to index, and its results shown as the queue's
// rows (HTML) and the case list's summaries (API).
export { caseTextsForIndex, searchResultRows, type CaseTexts } from './search-text.js';
export { toCaseSummary } from './case.api.js';
export { rsitByIncidentType } from './case.service.js';
export { queueOptions } from './case.present.js';
export { QueueTable, type QueueTableProps } from './views/queue.js';
export type { QueueRow } from './case.repo.js';
// The case policy, for modules acting on a case (playbooks' tasks): ask it with the case's facts.
export { can } from './case.policy.js';

/**
 * For the referrals module (ADR 36): the key of case `caseId`, to seal and open what a referral
 * keeps of the case under it (shredded with the case), or null when there is no such case or its
 * personal data was deleted. Throws SealedError while sealed.
 */
export async function referralCaseKey(deps: Pick<Deps, 'db' | 'vault'>, caseId: number): Promise<CaseKey | null> {
  const row = await getCaseRow(deps.db, caseId);
  return row && row.purged_at === null ? deps.vault.caseKey(caseId, row.key_wrapped) : null;
}

/** What a referral letter may carry of a case: its structured fields and, decrypted, what the requester gave. */
export interface ReferralCaseContent {
  incidentType: string | null;
  region: string | null;
  country: string | null;
  language: string;
  urgency: string;
  contactMethod: string;
  contact: string | null;
  /** The request as the requester wrote it (their first message). */
  firstRequest: string | null;
  /** The names of the files the requester sent. */
  attachmentNames: string[];
}

/**
 * For the referrals module's letter (ADR 36): case `caseId`'s content, decrypted, or null when
 * there is no such case or its personal data was deleted. The caller audits it as a case read.
 */
export async function referralCaseContent(deps: Pick<Deps, 'db' | 'vault'>, caseId: number): Promise<ReferralCaseContent | null> {
  const row = await getCaseRow(deps.db, caseId);
  if (!row || row.purged_at !== null) return null;
  const key = deps.vault.caseKey(caseId, row.key_wrapped);
  const requester = await listMessageRows(deps.db, caseId, ['requester']);
  const files = await attachmentsOfCase(deps, caseId);
  return {
    incidentType: row.incident_type,
    region: row.region,
    country: row.country,
    language: row.language,
    urgency: row.urgency,
    contactMethod: row.contact_method,
    contact: row.contact_enc ? key.open('contact', row.contact_enc) : null,
    firstRequest: requester[0] ? openMessageBody(deps.vault, key, requester[0]) : null,
    attachmentNames: requester.flatMap((m) => (files.get(m.id) ?? []).map((f) => f.name)),
  };
}
export { teamActiveCases, type HandoverCase } from './handover.repo.js';

/** Registers the handler workspace under /staff: the queue (`GET /staff`) and case pages. */
async function registerStaff(
  app: FastifyInstance,
  deps: Deps,
  assets: SurfaceAssets,
): Promise<void> {
  registerGotoRoutes(app, deps, assets);
  registerCaseRoutes(app, deps, assets);
  registerQueueRoutes(app, deps, assets);
  registerSpamRoutes(app, deps, assets);
  registerAttachmentRoutes(app, deps, assets);
}

/** Registers the cases API under /api/v1, with its OpenAPI document. */
async function registerApi(app: FastifyInstance, deps: Deps): Promise<void> {
  registerCaseApi(app, deps);
  registerAccessApi(app, deps);
}

/** The cases module as the app and worker see it. */
export const casesModule: HavenModule = {
  name: 'cases',
  roles: ['coordinator', 'handler'],
  policy: casesPolicy,
  errors: CASE_ERRORS,
  nav: [
    { href: '/staff', labelKey: 'common.nav_queue', action: 'case.list', order: 10 },
    {
      href: '/staff?view=spam',
      labelKey: 'common.nav_spam',
      action: 'case.list',
      order: 11,
      // How many wait for a decision, in the link: "Suspected spam (12)".
      count: { of: countWaitingSpam, labelKey: 'common.nav_spam_count' },
    },
    // A box, not a link (platform/views/nav.ts): a case number, then its page.
    { href: '/staff/cases/go?number=', labelKey: 'common.nav_goto', action: 'case.view', order: 12 },
  ],
  registerStaff: (app, { deps, assets }) => registerStaff(app, deps, assets),
  jobs: (deps) => [backupKeysJob(deps), attachmentsExpiryJob(deps)],
  onStart: applyDeletionListsAtStart,
  api: { register: (app, { deps }) => registerApi(app, deps), openapi: casesOpenApi },
};
