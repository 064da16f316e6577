import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SurfaceAssets } from '../../contracts/module.js';
import type { Deps } from '../../deps.js';
import { textBody } from '../../platform/http/body-limit.js';
import { defineFlashes } from '../../platform/http/flash.js';
import { parseForm, textField } from '../../platform/http/form.js';
import { checkFormToken, issueFormToken } from '../../platform/http/form-token.js';
import { oneTimeToken } from '../../platform/http/spent-tokens.js';
import { sendPage } from '../../platform/views/render.js';
import { staffContext, staffErrorPage } from '../../platform/views/staff-layout.js';
import { taxonomyOptions, termLabels } from '../taxonomies/index.js';
import { ADDRESS_MAX, DESCRIPTION_MAX, LIST_MAX, NAME_MAX, PGP_KEY_MAX, UUID } from './referral.js';
import { referralPolicy } from './referral.policy.js';
import { PARTNER_FIELDS, PARTNER_LISTS, PartnerFilterInput, PartnerInput } from './referral.schema.js';
import { changePartner, createPartner, findPartner, listPartners, setPartnerActive, type PartnerRow } from './partner.service.js';
import { PARTNERS_HREF, partnerHref, PartnerPage, PartnersPage, serviceOptions, type PartnerChoices, type PartnerForm } from './views/partners.js';

const flashes = defineFlashes({
  created: 'referrals.done.partner_created',
  saved: 'referrals.done.partner_saved',
  unchanged: 'referrals.done.unchanged',
  retired: 'referrals.done.partner_retired',
  reactivated: 'referrals.done.partner_reactivated',
  repeated: 'referrals.done.repeated',
});

/** The partner form's one-time token (platform/http/spent-tokens.ts): the same form sent twice saves once. */
const PARTNER_FORM = 'referrals-partner-form';

/** The partner form's body: every text whole, and its lists of codes (at most LIST_MAX each). */
const partnerBody = textBody({
  name: NAME_MAX,
  description: DESCRIPTION_MAX,
  contact_address: ADDRESS_MAX,
  pgp_key: PGP_KEY_MAX,
  // The three lists, each a repeated field of short codes.
  regions: LIST_MAX * 40,
  languages: LIST_MAX * 40,
  services: 400,
});

/**
 * /staff/partners: the partner directory. Those who refer read it, filtered by service, region
 * and language; coordinators and administrators add a partner, change one, retire it and bring
 * it back, each change audited in its transaction, each form sent once.
 */
export function registerPartnerRoutes(app: FastifyInstance, deps: Deps, assets: SurfaceAssets): void {
  const errorPage = staffErrorPage(assets.cssUrl);
  const canEdit = (req: FastifyRequest) => referralPolicy.can(req.principal, 'partner.edit');
  const token = () => issueFormToken(deps.vault.formKey, PARTNER_FORM, deps.now());

  async function choices(locale: string): Promise<PartnerChoices> {
    const [regions, languages, regionLabels, languageLabels] = await Promise.all([
      taxonomyOptions(deps, 'region', locale),
      taxonomyOptions(deps, 'language', locale),
      termLabels(deps, 'region', locale),
      termLabels(deps, 'language', locale),
    ]);
    return { services: [], regions, languages, regionLabels, languageLabels };
  }

  async function listPage(req: FastifyRequest, reply: FastifyReply, status: number, form: PartnerForm | null) {
    const query = (req.query ?? {}) as Record<string, unknown>;
    const wanted = Object.fromEntries(
      ['service', 'region', 'language'].flatMap((k) => (typeof query[k] === 'string' && query[k] !== '' ? [[k, query[k]]] : [])),
    );
    const filter = PartnerFilterInput.safeParse(wanted);
    const filterErrors: Record<string, string> = {};
    if (!filter.success) for (const issue of filter.error.issues) filterErrors[String(issue.path[0])] ??= String(issue.message).startsWith('referrals.') ? issue.message : 'referrals.error.filter';
    const f = filter.success ? filter.data : {};
    const [partners, c] = await Promise.all([
      listPartners(deps, { ...f, includeRetired: canEdit(req) }),
      choices(req.locale),
    ]);
    return sendPage(
      reply,
      Object.keys(filterErrors).length ? 422 : status,
      <PartnersPage
        ctx={staffContext(req, assets.cssUrl, status === 200 ? flashes.read(req) : undefined)}
        partners={filter.success ? partners : []}
        filter={{ service: textField(query, 'service', 40), region: textField(query, 'region', 40), language: textField(query, 'language', 40) }}
        filterErrors={filterErrors}
        choices={{ ...c, services: serviceOptions(req.t) }}
        canEdit={canEdit(req)}
        form={form}
        formToken={token()}
      />,
    );
  }

  async function partnerPage(req: FastifyRequest, reply: FastifyReply, partner: PartnerRow, status: number, form: PartnerForm | null) {
    const c = await choices(req.locale);
    return sendPage(
      reply,
      status,
      <PartnerPage
        ctx={staffContext(req, assets.cssUrl, status === 200 ? flashes.read(req) : undefined)}
        partner={partner}
        choices={{ ...c, services: serviceOptions(req.t) }}
        canEdit={canEdit(req)}
        form={form}
        formToken={token()}
      />,
    );
  }

  /** The partner the address names; undefined when unknown (a malformed id is unknown too). */
  async function partnerOf(req: FastifyRequest): Promise<PartnerRow | undefined> {
    const id = (req.params as { id?: string }).id ?? '';
    return UUID.test(id) ? findPartner(deps, id) : undefined;
  }

  /** The form as sent: checked, or shown again with its messages. */
  function readPartnerForm(req: FastifyRequest) {
    const form = parseForm(PartnerInput, req.body, { fields: PARTNER_FIELDS, lists: PARTNER_LISTS, shown: PGP_KEY_MAX });
    const lists = Object.fromEntries(
      PARTNER_LISTS.map((l) => {
        const v = (req.body as Record<string, unknown> | undefined)?.[l];
        const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
        return [l, list.filter((x): x is string => typeof x === 'string').slice(0, LIST_MAX).map((x) => x.slice(0, 40))];
      }),
    );
    const check = checkFormToken(deps.vault.formKey, PARTNER_FORM, (req.body as Record<string, unknown> | undefined)?._once, deps.now());
    const once = check.ok ? oneTimeToken(deps.vault, 'referrals-partner-form-token', String((req.body as Record<string, unknown>)._once), check.issuedAt) : undefined;
    return { form, lists, once };
  }

  /** A refusal naming a field (an unknown region or language): the form again; else the error page. */
  const fieldFailure = (code: string, field: string | undefined) =>
    field === 'regions' ? 'referrals.error.region_unknown' : field === 'languages' ? 'referrals.error.language_unknown' : code === 'VALIDATION_FAILED' ? 'common.form.invalid' : null;

  app.get('/partners', { config: { action: 'partner.view' } }, async (req, reply) => listPage(req, reply, 200, null));

  app.post('/partners', { ...partnerBody, config: { ...partnerBody.config, action: 'partner.edit' } }, async (req, reply) => {
    const { form, lists, once } = readPartnerForm(req);
    if (!form.ok) return listPage(req, reply, 422, { values: form.values, lists, errors: form.errors });
    const result = await createPartner(deps, req.principal!, form.data, once);
    if (!result.ok) {
      if (result.code === 'REFERRAL_REPEATED') return flashes.redirect(reply, PARTNERS_HREF, 'repeated');
      const key = result.field ? fieldFailure(result.code, result.field) : null;
      if (key) return listPage(req, reply, 422, { values: form.values, lists, errors: { [result.field!]: key } });
      return errorPage(req, reply, result.code);
    }
    return flashes.redirect(reply, partnerHref(result.value.id), 'created');
  });

  app.get('/partners/:id', { config: { action: 'partner.view' } }, async (req, reply) => {
    const partner = await partnerOf(req);
    // A retired partner is for those who may bring it back; to the others it is no longer there.
    if (!partner || (!partner.active && !canEdit(req))) return errorPage(req, reply, 'NOT_FOUND');
    return partnerPage(req, reply, partner, 200, null);
  });

  app.post('/partners/:id', { ...partnerBody, config: { ...partnerBody.config, action: 'partner.edit' } }, async (req, reply) => {
    const partner = await partnerOf(req);
    if (!partner) return errorPage(req, reply, 'NOT_FOUND');
    const { form, lists, once } = readPartnerForm(req);
    if (!form.ok) return partnerPage(req, reply, partner, 422, { values: form.values, lists, errors: form.errors });
    const result = await changePartner(deps, req.principal!, partner.id, form.data, once);
    if (!result.ok) {
      if (result.code === 'REFERRAL_REPEATED') return flashes.redirect(reply, partnerHref(partner.id), 'repeated');
      const key = result.field ? fieldFailure(result.code, result.field) : null;
      if (key) return partnerPage(req, reply, partner, 422, { values: form.values, lists, errors: { [result.field!]: key } });
      return errorPage(req, reply, result.code);
    }
    return flashes.redirect(reply, partnerHref(partner.id), result.value ? 'saved' : 'unchanged');
  });

  for (const [path, active] of [
    ['retire', false],
    ['reactivate', true],
  ] as const) {
    app.post(`/partners/:id/${path}`, { config: { action: 'partner.edit' } }, async (req, reply) => {
      const partner = await partnerOf(req);
      if (!partner) return errorPage(req, reply, 'NOT_FOUND');
      const result = await setPartnerActive(deps, req.principal!, partner.id, active);
      if (!result.ok) return errorPage(req, reply, result.code);
      return flashes.redirect(reply, partnerHref(partner.id), result.value ? (active ? 'reactivated' : 'retired') : 'unchanged');
    });
  }
}
