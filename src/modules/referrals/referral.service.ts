import type { CaseBrief } from '../../contracts/case-extension.js';
import type { Deps } from '../../deps.js';
import { actorOf, recordAudit } from '../../platform/audit/audit.js';
import type { Principal } from '../../platform/auth/roles.js';
import { SealedError } from '../../platform/crypto/vault.js';
import { fail, ok, type Result } from '../../platform/errors.js';
import { recordEvent } from '../../platform/events/outbox.js';
import { spendToken, type OneTimeToken } from '../../platform/http/spent-tokens.js';
import type { Pace } from '../../platform/jobs/pace.js';
import { staffNames } from '../accounts/index.js';
import { can as canOnCase, caseNoticeFacts, referralCaseContent, referralCaseKey, visibleCaseIds, whoMayKnow } from '../cases/index.js';
import { notifyReferralFollowUp } from '../notifications/index.js';
import { DAY_MS, followUpMark, isIdentifying, referralStatus, type ReferralStatus } from './referral.js';
import './referral.errors.js';
import { composeLetter } from './letter.js';
import { referralPolicy, type ReferralAction } from './referral.policy.js';
import * as repo from './referral.repo.js';
import type { OutcomeInput, ReferralInput } from './referral.schema.js';

// Referrals' use cases: a case's referrals for its page, a referral saved with its consent in
// one transaction (audited with what was shared, never the content), its letter (audited as a
// case read), its outcome, and the follow-up reminder. Every entry point first asks whether
// the person may know the case (need-to-know): a case they may not know is NOT_FOUND, as an
// unknown one is.

/** Where a case's referrals are: the page with the form (and its 422s), and the letter. */
export const referralsHref = (caseId: number): string => `/staff/cases/${caseId}/referrals`;
export const letterHref = (caseId: number, id: string): string => `${referralsHref(caseId)}/${id}/letter`;

/** The context a referral's staff summary is sealed under, within its case key. */
const summaryField = (id: string): string => `referral:${id}:summary`;

/**
 * FORBIDDEN for a person whose role may not do `action`, or whom the case policy does not let
 * do its part on this case; NOT_FOUND for a case that does not exist or that they may not know
 * exists (the same answer, so nothing tells them apart).
 */
export async function caseAccess(deps: Deps, actor: Principal, caseId: number, action: ReferralAction): Promise<Result<true>> {
  const allowed = referralPolicy.authorize(actor, action);
  if (!allowed.ok) return allowed;
  const seen = await visibleCaseIds(deps.db, actor, [caseId]);
  const facts = seen.has(caseId) ? await caseNoticeFacts(deps, caseId) : null;
  if (!facts) return fail('NOT_FOUND');
  // Then the case policy, with the case's facts: reading a referral is reading the case; making
  // one, or recording what came of it, is work on the case, as a note is.
  return canOnCase(actor, CASE_ACTION[action], { assignee_id: facts.assignee_id }) ? ok(true) : fail('FORBIDDEN');
}

/** The case action each referral action needs on its case. */
const CASE_ACTION = {
  'partner.view': 'case.view',
  'partner.edit': 'case.view',
  'referral.view': 'case.view',
  'referral.letter': 'case.view',
  'referral.create': 'case.note',
  'referral.outcome': 'case.note',
} as const satisfies Record<ReferralAction, string>;

/** A referral as a case's list shows it. */
export interface ReferralLine {
  id: string;
  partnerId: string;
  partnerName: string;
  createdAt: number;
  createdByName: string | null;
  items: string[];
  consent: { how: string; givenAt: number; recordedByName: string | null; items: string[] } | null;
  followUpAt: number;
  status: ReferralStatus;
  outcome: string | null;
  outcomeAt: number | null;
}

/** Case `caseId`'s referrals, newest first, for a person already let through caseAccess. */
export async function referralLines(deps: Pick<Deps, 'db'>, caseId: number, now: number): Promise<ReferralLine[]> {
  const rows = await repo.referralsOfCase(deps.db, caseId);
  if (rows.length === 0) return [];
  const [partners, names] = await Promise.all([
    repo.partnerNames(deps.db, [...new Set(rows.map((r) => r.partnerId))]),
    staffNames(deps, rows.flatMap((r) => [r.createdBy, ...(r.consent ? [r.consent.recordedBy] : [])])),
  ]);
  return rows.map((r) => ({
    id: r.id,
    partnerId: r.partnerId,
    partnerName: partners.get(r.partnerId) ?? '',
    createdAt: r.createdAt,
    createdByName: names.get(r.createdBy) ?? null,
    items: r.items,
    consent: r.consent
      ? { how: r.consent.how, givenAt: r.consent.givenAt, recordedByName: names.get(r.consent.recordedBy) ?? null, items: r.consent.items }
      : null,
    followUpAt: r.followUpAt,
    status: referralStatus(r, now),
    outcome: r.outcome,
    outcomeAt: r.outcomeAt,
  }));
}

/** A partner offered on a case's form, with what of the case it matches. */
export interface SuggestedPartner extends repo.PartnerRow {
  matches: { region: boolean; language: boolean; service: boolean };
}

/**
 * The partners in use, those matching the case best first: its region, its language and the
 * service needed (when one is chosen), one point each; then by name.
 */
export async function suggestPartners(
  deps: Pick<Deps, 'db'>,
  c: Pick<CaseBrief, 'region' | 'language'>,
  service: string | null,
): Promise<SuggestedPartner[]> {
  const partners = await repo.listPartners(deps.db, { includeRetired: false });
  const scored = partners.map((p) => ({
    ...p,
    matches: {
      region: c.region !== null && p.regions.includes(c.region),
      language: c.language !== null && p.languages.includes(c.language),
      service: service !== null && p.services.includes(service),
    },
  }));
  const score = (p: SuggestedPartner) => Number(p.matches.region) + Number(p.matches.language) + 2 * Number(p.matches.service);
  // A stable sort: equal scores keep the directory's order (by name).
  return scored.sort((a, b) => score(b) - score(a));
}

/**
 * Refers case `caseId` to a partner, in one transaction: the form's one-time token is spent
 * (a second copy of the same form saves nothing: REFERRAL_REPEATED), the partner must be in
 * use (REFERRAL_PARTNER_UNAVAILABLE), the referral and the requester's recorded consent for its
 * identifying items are written, the staff summary sealed under the case key, and the audit
 * entry `case.referred` names the partner, the items shared and the consent's id, never what
 * they say. An identifying item without consent never gets here (the schema refuses it), and
 * is refused again here (REFERRAL_CONSENT_MISSING). A case whose personal data was deleted
 * can share nothing identifying (REFERRAL_CASE_PURGED); sealed, nothing can be sealed (SEALED).
 */
export async function createReferral(
  deps: Deps,
  actor: Principal,
  caseId: number,
  input: ReferralInput,
  once: OneTimeToken | undefined,
): Promise<Result<{ id: string }>> {
  const access = await caseAccess(deps, actor, caseId, 'referral.create');
  if (!access.ok) return access;
  const identifying = input.items.filter(isIdentifying);
  const consented = new Set(input.consent?.items ?? []);
  if (identifying.some((i) => !consented.has(i))) return fail('REFERRAL_CONSENT_MISSING', 'consent');
  const now = deps.now();
  const id = crypto.randomUUID();
  try {
    return await deps.db.transaction().execute(async (trx) => {
      if (once && !(await spendToken(trx, once))) return fail<{ id: string }>('REFERRAL_REPEATED');
      const partner = await repo.findPartner(trx, input.partner, deps.dialect);
      if (!partner || !partner.active) return fail<{ id: string }>('REFERRAL_PARTNER_UNAVAILABLE', 'partner');
      const key = await referralCaseKey({ db: trx, vault: deps.vault }, caseId);
      if (!key && identifying.length > 0) return fail<{ id: string }>('REFERRAL_CASE_PURGED');
      await repo.insertReferral(trx, {
        id,
        caseId,
        partnerId: partner.id,
        items: input.items,
        summaryEnc: input.summary !== null && key ? key.seal(summaryField(id), input.summary) : null,
        letterLanguage: input.letterLanguage,
        followUpAt: now + input.followUpDays * DAY_MS,
        createdBy: actor.userId,
        createdAt: now,
      });
      const consentId = input.consent ? crypto.randomUUID() : null;
      if (input.consent && consentId)
        await repo.insertConsent(trx, {
          id: consentId,
          referralId: id,
          items: input.consent.items,
          how: input.consent.how,
          givenAt: input.consent.givenAt,
          recordedBy: actor.userId,
          recordedAt: now,
        });
      await recordAudit(trx, now, {
        ...actorOf(actor),
        action: 'case.referred',
        caseId,
        detail: {
          referral: id,
          partner: partner.id,
          items: input.items.join(','),
          consent: consentId,
          consent_how: input.consent?.how ?? null,
          follow_up_at: now + input.followUpDays * DAY_MS,
        },
      });
      await recordEvent(trx, { type: 'referral.created', payload: { caseId, referralId: id, partnerId: partner.id } }, now);
      return ok({ id });
    });
  } catch (e) {
    if (e instanceof SealedError) return fail('SEALED');
    throw e;
  }
}

/**
 * Records what came of a referral, which closes its follow-up; audited as
 * `case.referral_outcome`. False when an outcome was already recorded; NOT_FOUND for a
 * referral that is not this case's.
 */
export async function recordOutcome(
  deps: Deps,
  actor: Principal,
  caseId: number,
  referralId: string,
  input: OutcomeInput,
): Promise<Result<boolean>> {
  const access = await caseAccess(deps, actor, caseId, 'referral.outcome');
  if (!access.ok) return access;
  const now = deps.now();
  return deps.db.transaction().execute(async (trx) => {
    const r = await repo.findReferral(trx, caseId, referralId, deps.dialect);
    if (!r) return fail<boolean>('NOT_FOUND');
    if (!(await repo.setOutcome(trx, r.id, input.outcome, now, actor.userId))) return ok(false);
    await recordAudit(trx, now, {
      ...actorOf(actor),
      action: 'case.referral_outcome',
      caseId,
      detail: { referral: r.id, partner: r.partnerId, outcome: input.outcome },
    });
    return ok(true);
  });
}

/** A referral's letter: its text, its language, and the partner it is for. */
export interface Letter {
  text: string;
  language: string;
  partnerName: string;
  referralId: string;
}

/**
 * The letter of referral `referralId`, written from the translatable template in the
 * referral's language with the shared items filled in: the only place a referral's content is
 * decrypted, so it is audited as a case read (`case.viewed`, naming the referral and the items
 * it carries). NOT_FOUND for a referral that is not this case's; REFERRAL_CASE_PURGED when the
 * case's personal data was deleted; SEALED while sealed.
 */
export async function referralLetter(deps: Deps, actor: Principal, caseId: number, referralId: string): Promise<Result<Letter>> {
  const access = await caseAccess(deps, actor, caseId, 'referral.letter');
  if (!access.ok) return access;
  const r = await repo.findReferral(deps.db, caseId, referralId);
  if (!r) return fail('NOT_FOUND');
  const partner = await repo.findPartner(deps.db, r.partnerId);
  try {
    const [content, key] = await Promise.all([referralCaseContent(deps, caseId), referralCaseKey(deps, caseId)]);
    // Its personal data deleted, a case has nothing left to write a letter from.
    if (!content || !key) return fail('REFERRAL_CASE_PURGED');
    const summary = r.summaryEnc ? key.open(summaryField(r.id), r.summaryEnc) : null;
    const text = await composeLetter(deps, {
      language: r.letterLanguage,
      caseId,
      partnerName: partner?.name ?? '',
      handlerName: actor.displayName,
      items: r.items,
      content,
      summary,
      consentGivenAt: r.consent?.givenAt ?? null,
    });
    await recordAudit(deps.db, deps.now(), {
      ...actorOf(actor),
      action: 'case.viewed',
      caseId,
      detail: { referral: r.id, letter: true, items: r.items.join(',') },
    });
    return ok({ text, language: r.letterLanguage, partnerName: partner?.name ?? '', referralId: r.id });
  } catch (e) {
    if (e instanceof SealedError) return fail('SEALED');
    throw e;
  }
}

/** How many due referrals one run of the follow-up job takes at most. */
export const FOLLOW_UP_BATCH = 200;

/**
 * The follow-up reminder: each open referral whose date has come is told once, to the person
 * who referred and the case's assignee, those of them who may (still) know the case, through
 * the notifications module (kind `referral_follow_up`). Once: the notice's mark names the
 * referral and its date, whichever process runs the job, and the referral is then marked told.
 * Returns how many referrals were handled.
 */
export async function remindDueFollowUps(deps: Deps, pace?: Pace): Promise<number> {
  const due = await repo.dueReferrals(deps.db, deps.now(), FOLLOW_UP_BATCH);
  for (const r of due) {
    const caseId = Number(r.case_id);
    const followUpAt = Number(r.follow_up_at);
    const facts = await caseNoticeFacts(deps, caseId);
    await notifyReferralFollowUp(deps, {
      mark: followUpMark(r.id, followUpAt),
      caseId,
      recipients: async (tx) => {
        const ids = [r.created_by, ...(facts?.assignee_id ? [facts.assignee_id] : [])];
        const may = await whoMayKnow(tx.db, caseId, ids);
        return ids.filter((id) => may.has(id));
      },
    });
    await repo.markReminded(deps.db, r.id, deps.now());
    await pace?.breathe();
  }
  return due.length;
}
