import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CaseBrief } from '../../contracts/case-extension.js';
import type { SurfaceAssets } from '../../contracts/module.js';
import type { Deps } from '../../deps.js';
import type { PlatformDeps } from '../../platform/deps.js';
import type { Principal } from '../../platform/auth/roles.js';
import { errorDefinition } from '../../platform/errors.js';
import { textBody } from '../../platform/http/body-limit.js';
import { defineFlashes } from '../../platform/http/flash.js';
import { parseForm } from '../../platform/http/form.js';
import { checkFormToken, issueFormToken } from '../../platform/http/form-token.js';
import { oneTimeToken } from '../../platform/http/spent-tokens.js';
import { sendPage } from '../../platform/views/render.js';
import { staffContext, staffErrorPage, type StaffPageContext } from '../../platform/views/staff-layout.js';
import { caseNoticeFacts } from '../cases/index.js';
import { DAY_MS, letterLanguageFor, parseCaseId, SERVICES, SHARE_ITEMS, SUMMARY_MAX, UUID } from './referral.js';
import { referralPolicy } from './referral.policy.js';
import { OutcomeInput, REFERRAL_FIELDS, REFERRAL_LISTS, referralInput } from './referral.schema.js';
import { caseAccess, createReferral, recordOutcome, referralLetter, referralLines, referralsHref, suggestPartners } from './referral.service.js';
import { serviceOptions } from './views/partners.js';
import { LetterPage, ReferralsPage, ReferralsSection, type ReferralForm, type ReferralsSectionProps } from './views/referrals.js';

const flashes = defineFlashes({
  created: 'referrals.done.created',
  outcome: 'referrals.done.outcome',
  outcome_already: 'referrals.done.outcome_already',
  repeated: 'referrals.done.repeated',
});

/** The referral form's one-time token (platform/http/spent-tokens.ts): the same form sent twice refers once. */
const REFERRAL_FORM = 'referrals-referral-form';

/** The service asked for on the suggestions' form (`?service=`), when it is one. */
function serviceOf(url: string | undefined): string | null {
  const q = new URLSearchParams((url ?? '').split('?')[1] ?? '');
  const s = q.get('service');
  return s !== null && (SERVICES as readonly string[]).includes(s) ? s : null;
}

/**
 * What the case's section shows for `actor`: the referrals, the partners suggested for the case,
 * and the form. Only for a person already let through caseAccess (the cases module has decided
 * they may see the case, or the route asked).
 */
export async function sectionProps(
  deps: PlatformDeps,
  ctx: StaffPageContext,
  actor: Principal,
  c: Pick<CaseBrief, 'id' | 'region' | 'language'>,
  now: number,
  form: ReferralForm | null,
): Promise<ReferralsSectionProps> {
  const service = serviceOf(ctx.url);
  const [lines, partners] = await Promise.all([referralLines(deps, c.id, now), suggestPartners(deps, c, service)]);
  return {
    ctx,
    caseId: c.id,
    lines,
    partners,
    service,
    serviceOptions: serviceOptions(ctx.t),
    canCreate: referralPolicy.can(actor, 'referral.create'),
    canOutcome: referralPolicy.can(actor, 'referral.outcome'),
    defaultLanguage: letterLanguageFor(c.language),
    form,
    formToken: issueFormToken(deps.vault.formKey, REFERRAL_FORM, now),
    now,
  };
}

/**
 * The case page's section (contracts/case-extension.ts): the cases module calls it only for a
 * case the person may see; it asks again (need-to-know and the role), and shows nothing to
 * someone who may not read referrals.
 */
export async function referralPanel(
  deps: PlatformDeps,
  input: { ctx: StaffPageContext; actor: Principal; case: CaseBrief; now: number },
) {
  if (!(await caseAccess(deps, input.actor, input.case.id, 'referral.view')).ok) return null;
  return ReferralsSection(await sectionProps(deps, input.ctx, input.actor, input.case, input.now, null));
}

/**
 * A case's referrals under /staff/cases/:id/referrals: the page with its form (a refused form
 * comes back here with 422), a new referral (303 with a flash), an outcome, and the letter.
 * Every route asks whether the person may know the case: one they may not is a 404, as an
 * unknown one.
 */
export function registerReferralRoutes(app: FastifyInstance, deps: Deps, assets: SurfaceAssets): void {
  const errorPage = staffErrorPage(assets.cssUrl);
  const params = (req: FastifyRequest) => req.params as Record<string, string | undefined>;

  async function page(req: FastifyRequest, reply: FastifyReply, caseId: number, status: number, form: ReferralForm | null) {
    const facts = await caseNoticeFacts(deps, caseId);
    if (!facts) return errorPage(req, reply, 'NOT_FOUND');
    const ctx = staffContext(req, assets.cssUrl, status === 200 ? flashes.read(req) : undefined);
    const props = await sectionProps(deps, ctx, req.principal!, { id: caseId, region: facts.region, language: facts.language }, deps.now(), form);
    return sendPage(reply, status, <ReferralsPage {...props} />);
  }

  /** The case the address names, when the person may know it; else the answer already sent. */
  async function caseOf(req: FastifyRequest, reply: FastifyReply, action: 'referral.view' | 'referral.create' | 'referral.letter' | 'referral.outcome') {
    const caseId = parseCaseId(params(req).id);
    if (caseId === null) return { reply: errorPage(req, reply, 'NOT_FOUND') };
    const access = await caseAccess(deps, req.principal!, caseId, action);
    if (!access.ok) return { reply: errorPage(req, reply, access.code) };
    return { caseId };
  }

  app.get('/cases/:id/referrals', { config: { action: 'referral.view' } }, async (req, reply) => {
    const found = await caseOf(req, reply, 'referral.view');
    if ('reply' in found) return found.reply;
    return page(req, reply, found.caseId, 200, null);
  });

  const body = textBody({ summary: SUMMARY_MAX, partner: 40, items: 200, consent: 200, consent_how: 20, consent_on: 20, letter_language: 8, follow_up_days: 8 });
  app.post('/cases/:id/referrals', { ...body, config: { ...body.config, action: 'referral.create' } }, async (req, reply) => {
    const found = await caseOf(req, reply, 'referral.create');
    if ('reply' in found) return found.reply;
    const caseId = found.caseId;
    const now = deps.now();
    const today = Math.floor(now / DAY_MS) * DAY_MS;
    const form = parseForm(referralInput(today), req.body, { fields: REFERRAL_FIELDS, lists: REFERRAL_LISTS, shown: SUMMARY_MAX });
    const raw = (req.body ?? {}) as Record<string, unknown>;
    const lists = Object.fromEntries(
      REFERRAL_LISTS.map((l) => {
        const v = raw[l];
        const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
        return [l, list.filter((x): x is string => typeof x === 'string' && (SHARE_ITEMS as readonly string[]).includes(x))];
      }),
    );
    if (!form.ok) return page(req, reply, caseId, 422, { values: form.values, lists, errors: form.errors });
    const check = checkFormToken(deps.vault.formKey, REFERRAL_FORM, raw._once, now);
    const once = check.ok ? oneTimeToken(deps.vault, 'referrals-referral-form-token', String(raw._once), check.issuedAt) : undefined;
    const result = await createReferral(deps, req.principal!, caseId, form.data, once);
    if (!result.ok) {
      if (result.code === 'REFERRAL_REPEATED') return flashes.redirect(reply, referralsHref(caseId), 'repeated');
      if (result.field && errorDefinition(result.code).status === 422)
        return page(req, reply, caseId, 422, { values: form.values, lists, errors: { [result.field]: errorDefinition(result.code).messageKey } });
      return errorPage(req, reply, result.code);
    }
    return flashes.redirect(reply, `${referralsHref(caseId)}#referral-${result.value.id}`, 'created');
  });

  app.post('/cases/:id/referrals/:rid/outcome', { config: { action: 'referral.outcome' } }, async (req, reply) => {
    const found = await caseOf(req, reply, 'referral.outcome');
    if ('reply' in found) return found.reply;
    const rid = params(req).rid ?? '';
    if (!UUID.test(rid)) return errorPage(req, reply, 'NOT_FOUND');
    const form = parseForm(OutcomeInput, req.body, { fields: ['outcome'] });
    if (!form.ok) return errorPage(req, reply, 'VALIDATION_FAILED');
    const result = await recordOutcome(deps, req.principal!, found.caseId, rid, form.data);
    if (!result.ok) return errorPage(req, reply, result.code);
    return flashes.redirect(reply, `${referralsHref(found.caseId)}#referral-${rid}`, result.value ? 'outcome' : 'outcome_already');
  });

  app.get('/cases/:id/referrals/:rid/letter', { config: { action: 'referral.letter' } }, async (req, reply) => {
    const found = await caseOf(req, reply, 'referral.letter');
    if ('reply' in found) return found.reply;
    const rid = params(req).rid ?? '';
    if (!UUID.test(rid)) return errorPage(req, reply, 'NOT_FOUND');
    const letter = await referralLetter(deps, req.principal!, found.caseId, rid);
    if (!letter.ok) return errorPage(req, reply, letter.code);
    if ((req.query as { format?: unknown }).format === 'text') {
      return reply
        .code(200)
        .header('content-type', 'text/plain; charset=utf-8')
        .header('content-disposition', `attachment; filename="referral-${found.caseId}.txt"`)
        .header('cache-control', 'no-store')
        .send(letter.value.text);
    }
    return sendPage(
      reply,
      200,
      <LetterPage
        ctx={staffContext(req, assets.cssUrl)}
        caseId={found.caseId}
        referralId={rid}
        partnerName={letter.value.partnerName}
        language={letter.value.language}
        text={letter.value.text}
      />,
    );
  });
}
