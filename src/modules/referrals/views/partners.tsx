import { CsrfField, ErrorSummary, Radios, Select, TextArea, TextField, type FieldErrors, type Option } from '../../../platform/views/form.js';
import { StaffLayout, type StaffPageContext } from '../../../platform/views/staff-layout.js';
import { TableScroll } from '../../../platform/views/table-scroll.js';
import { groupedFingerprint } from '../../settings/index.js';
import { ADDRESS_MAX, CONTACT_KINDS, DESCRIPTION_MAX, NAME_MAX, PGP_KEY_MAX, SERVICES } from '../referral.js';
import type { PartnerRow } from '../referral.repo.js';
import { CheckboxList, MultiSelect } from './fields.js';

// The partner directory's pages: the list with its filters (and the form to add a partner for
// those who edit), and one partner (its form for those who edit). Pure functions of data.

export const PARTNERS_HREF = '/staff/partners';
export const partnerHref = (id: string): string => `${PARTNERS_HREF}/${encodeURIComponent(id)}`;

/** A partner form shown again: what was typed, the boxes ticked, a message key per field. */
export interface PartnerForm {
  values: Record<string, string>;
  lists: Record<string, string[]>;
  errors: FieldErrors;
}

/** The vocabularies a partner is described with, labelled in the reader's language. */
export interface PartnerChoices {
  services: Option[];
  regions: Option[];
  languages: Option[];
  regionLabels: Map<string, string>;
  languageLabels: Map<string, string>;
}

/** The form a partner is added or changed with. */
function PartnerFields(p: { ctx: StaffPageContext; form: PartnerForm; choices: PartnerChoices; labels: Record<string, string> }) {
  const { ctx, form, choices, labels } = p;
  const t = ctx.t;
  const e = form.errors;
  return (
    <>
      <TextField t={t} name="name" label={labels.name!} value={form.values.name} maxLength={NAME_MAX} error={e.name} />
      <TextArea t={t} name="description" label={labels.description!} hint={t('referrals.partner.hint.description')} value={form.values.description} rows={4} maxLength={DESCRIPTION_MAX} error={e.description} />
      <CheckboxList t={t} name="services" label={labels.services!} error={e.services} options={choices.services} checked={form.lists.services ?? []} />
      <CheckboxList t={t} name="regions" label={labels.regions!} hint={t('referrals.partner.hint.regions')} error={e.regions} options={choices.regions} checked={form.lists.regions ?? []} />
      <MultiSelect t={t} name="languages" label={labels.languages!} hint={t('referrals.partner.hint.languages')} error={e.languages} options={choices.languages} selected={form.lists.languages ?? []} />
      <Radios
        t={t}
        name="contact_kind"
        label={labels.contact_kind!}
        value={form.values.contact_kind}
        error={e.contact_kind}
        options={CONTACT_KINDS.map((k) => ({ value: k, label: t(`referrals.contact_kind.${k}`) }))}
      />
      <TextField t={t} name="contact_address" label={labels.contact_address!} hint={t('referrals.partner.hint.contact_address')} value={form.values.contact_address} maxLength={ADDRESS_MAX} error={e.contact_address} />
      <TextArea t={t} name="pgp_key" label={labels.pgp_key!} hint={t('referrals.partner.hint.pgp_key')} value={form.values.pgp_key} rows={6} maxLength={PGP_KEY_MAX} error={e.pgp_key} />
    </>
  );
}

function fieldLabels(t: StaffPageContext['t']): Record<string, string> {
  return {
    name: t('referrals.partner.field.name'),
    description: t('referrals.partner.field.description'),
    services: t('referrals.partner.field.services'),
    regions: t('referrals.partner.field.regions'),
    languages: t('referrals.partner.field.languages'),
    contact_kind: t('referrals.partner.field.contact_kind'),
    contact_address: t('referrals.partner.field.contact_address'),
    pgp_key: t('referrals.partner.field.pgp_key'),
  };
}

/** A list of codes as their labels, in the reader's list format. */
function named(codes: readonly string[], labels: (c: string) => string): string {
  return codes.map(labels).join(', ');
}

/** How to reach a partner: the kind, then the address isolated (it may be in any script). */
function Contact(p: { ctx: StaffPageContext; partner: PartnerRow }) {
  return (
    <>
      {p.ctx.t(`referrals.contact_kind.${p.partner.contactKind}`)}: <bdi dir="ltr">{p.partner.contactAddress}</bdi>
    </>
  );
}

export interface PartnersPageProps {
  ctx: StaffPageContext;
  partners: PartnerRow[];
  filter: { service?: string | undefined; region?: string | undefined; language?: string | undefined };
  filterErrors: FieldErrors;
  choices: PartnerChoices;
  canEdit: boolean;
  form: PartnerForm | null;
  formToken: string;
}

/** The directory: filters (a GET form), the partners, and the form to add one. */
export function PartnersPage(p: PartnersPageProps) {
  const { ctx } = p;
  const t = ctx.t;
  const labels = fieldLabels(t);
  const form = p.form ?? { values: { contact_kind: 'email' }, lists: {}, errors: {} };
  const serviceLabel = (c: string) => t(`referrals.service.${c}`);
  return (
    <StaffLayout ctx={ctx} title={t('referrals.partners.title')}>
      <h1>{t('referrals.partners.title')}</h1>
      <p>{t('referrals.partners.intro')}</p>
      <form method="get" action={PARTNERS_HREF} class="filters">
        <ErrorSummary t={t} errors={p.filterErrors} labels={{ service: t('referrals.filter.service'), region: t('referrals.filter.region'), language: t('referrals.filter.language') }} locale={ctx.locale} />
        <Select t={t} name="service" label={t('referrals.filter.service')} blank={t('referrals.filter.any')} value={p.filter.service} options={p.choices.services} error={p.filterErrors.service} />
        <Select t={t} name="region" label={t('referrals.filter.region')} blank={t('referrals.filter.any')} value={p.filter.region} options={p.choices.regions} error={p.filterErrors.region} />
        <Select t={t} name="language" label={t('referrals.filter.language')} blank={t('referrals.filter.any')} value={p.filter.language} options={p.choices.languages} error={p.filterErrors.language} />
        <button type="submit">{t('referrals.filter.submit')}</button>
      </form>
      {p.partners.length === 0 ? (
        <p>{t('referrals.partners.none')}</p>
      ) : (
        <TableScroll label={t('referrals.partners.table')}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('referrals.partners.col.name')}</th>
                <th scope="col">{t('referrals.partners.col.services')}</th>
                <th scope="col">{t('referrals.partners.col.where')}</th>
                <th scope="col">{t('referrals.partners.col.contact')}</th>
                <th scope="col">{t('referrals.partners.col.state')}</th>
              </tr>
            </thead>
            <tbody>
              {p.partners.map((partner) => (
                <tr>
                  <th scope="row">
                    <a href={partnerHref(partner.id)}>
                      <bdi>{partner.name}</bdi>
                    </a>
                  </th>
                  <td>{named(partner.services, serviceLabel)}</td>
                  <td>
                    {named(partner.regions, (c) => p.choices.regionLabels.get(c) ?? c)}
                    {partner.regions.length && partner.languages.length ? ' · ' : ''}
                    {named(partner.languages, (c) => p.choices.languageLabels.get(c) ?? c)}
                  </td>
                  <td>
                    <Contact ctx={ctx} partner={partner} />
                    {partner.pgpFingerprint ? (
                      <>
                        <br />
                        <span class="hint">
                          {t('referrals.partner.fingerprint')} <code dir="ltr">{groupedFingerprint(partner.pgpFingerprint)}</code>
                        </span>
                      </>
                    ) : null}
                  </td>
                  <td>{partner.active ? t('referrals.partner.state.active') : <strong>{t('referrals.partner.state.retired')}</strong>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
      {p.canEdit ? (
        <section class="panel" aria-labelledby="new-partner-title" id="new-partner">
          <h2 id="new-partner-title">{t('referrals.partner.new_title')}</h2>
          <ErrorSummary t={t} errors={form.errors} labels={labels} locale={ctx.locale} />
          <form method="post" action={PARTNERS_HREF} novalidate>
            <CsrfField token={ctx.csrfToken} />
            <input type="hidden" name="_once" value={p.formToken} />
            <PartnerFields ctx={ctx} form={form} choices={p.choices} labels={labels} />
            <button type="submit">{t('referrals.partner.add')}</button>
          </form>
        </section>
      ) : null}
    </StaffLayout>
  );
}

export interface PartnerPageProps {
  ctx: StaffPageContext;
  partner: PartnerRow;
  choices: PartnerChoices;
  canEdit: boolean;
  form: PartnerForm | null;
  formToken: string;
}

/** What a partner's stored values look like in its form. */
export function partnerForm(partner: PartnerRow): PartnerForm {
  return {
    values: {
      name: partner.name,
      description: partner.description,
      contact_kind: partner.contactKind,
      contact_address: partner.contactAddress,
      pgp_key: partner.pgpKey ?? '',
    },
    lists: { services: partner.services, regions: partner.regions, languages: partner.languages },
    errors: {},
  };
}

/** One partner: what it does and how to reach it; its form, retire and bring back for those who edit. */
export function PartnerPage(p: PartnerPageProps) {
  const { ctx, partner } = p;
  const t = ctx.t;
  const labels = fieldLabels(t);
  const form = p.form ?? partnerForm(partner);
  return (
    <StaffLayout ctx={ctx} title={partner.name}>
      <p>
        <a href={PARTNERS_HREF}>{t('referrals.partners.back')}</a>
      </p>
      <h1>
        <bdi>{partner.name}</bdi> {partner.active ? null : <span class="tag">{t('referrals.partner.state.retired')}</span>}
      </h1>
      <dl class="facts">
        <dt>{labels.services}</dt>
        <dd>{named(partner.services, (c) => t(`referrals.service.${c}`))}</dd>
        <dt>{labels.regions}</dt>
        <dd>{named(partner.regions, (c) => p.choices.regionLabels.get(c) ?? c) || t('referrals.partner.anywhere')}</dd>
        <dt>{labels.languages}</dt>
        <dd>{named(partner.languages, (c) => p.choices.languageLabels.get(c) ?? c) || '—'}</dd>
        <dt>{labels.contact_address}</dt>
        <dd>
          <Contact ctx={ctx} partner={partner} />
        </dd>
        <dt>{t('referrals.partner.fingerprint')}</dt>
        <dd>{partner.pgpFingerprint ? <code dir="ltr">{groupedFingerprint(partner.pgpFingerprint)}</code> : t('referrals.partner.no_key')}</dd>
      </dl>
      {partner.description ? (
        <p class="description">
          <bdi>{partner.description}</bdi>
        </p>
      ) : null}
      {p.canEdit ? (
        <>
          <section class="panel" aria-labelledby="edit-partner-title">
            <h2 id="edit-partner-title">{t('referrals.partner.edit_title')}</h2>
            <ErrorSummary t={t} errors={form.errors} labels={labels} locale={ctx.locale} />
            <form method="post" action={partnerHref(partner.id)} novalidate>
              <CsrfField token={ctx.csrfToken} />
              <input type="hidden" name="_once" value={p.formToken} />
              <PartnerFields ctx={ctx} form={form} choices={p.choices} labels={labels} />
              <button type="submit">{t('referrals.partner.save')}</button>
            </form>
          </section>
          <form method="post" action={`${partnerHref(partner.id)}/${partner.active ? 'retire' : 'reactivate'}`}>
            <CsrfField token={ctx.csrfToken} />
            <p class="hint">{partner.active ? t('referrals.partner.retire_hint') : t('referrals.partner.reactivate_hint')}</p>
            <button type="submit" class={partner.active ? 'warning' : 'secondary'}>
              {partner.active ? t('referrals.partner.retire') : t('referrals.partner.reactivate')}
            </button>
          </form>
        </>
      ) : null}
    </StaffLayout>
  );
}

/** Every service as an option, labelled in the reader's language. */
export function serviceOptions(t: StaffPageContext['t']): Option[] {
  return SERVICES.map((s) => ({ value: s, label: t(`referrals.service.${s}`) }));
}
