import type { VNode } from 'preact';
import { unitListFor } from '../../../platform/i18n/formats.js';
import { displayName } from '../../../platform/i18n/index.js';
import { isolate } from '../../../platform/text.js';
import { CsrfField, ErrorSummary, Radios, Select, TextArea, TextField, type FieldErrors, type Option } from '../../../platform/views/form.js';
import { StaffLayout, type StaffPageContext } from '../../../platform/views/staff-layout.js';
import { TableScroll } from '../../../platform/views/table-scroll.js';
import { formatTime, isoTime } from '../../../platform/views/time.js';
import {
  CONSENT_WAYS,
  DEFAULT_FOLLOW_UP_DAYS,
  IDENTIFYING,
  LETTER_LANGUAGES,
  MAX_FOLLOW_UP_DAYS,
  msToDate,
  OUTCOMES,
  SHARE_ITEMS,
  SUMMARY_MAX,
} from '../referral.js';
import type { ReferralLine, SuggestedPartner } from '../referral.service.js';
import { letterHref, referralsHref } from '../referral.service.js';
import { CheckboxList } from './fields.js';
import { LETTER_DAY } from '../letter.js';

// A case's referrals: the section the case page shows (through the case extension contract)
// and the referrals page shows with a refused form; and the letter's page. Pure functions of
// data; what a person may do is decided by the caller.

/** The referral form shown again: what was typed, the boxes ticked, a message key per field. */
export interface ReferralForm {
  values: Record<string, string>;
  lists: Record<string, string[]>;
  errors: FieldErrors;
}

export interface ReferralsSectionProps {
  ctx: StaffPageContext;
  caseId: number;
  lines: ReferralLine[];
  partners: SuggestedPartner[];
  /** The service asked for on the suggestions' form, if any. */
  service: string | null;
  serviceOptions: Option[];
  canCreate: boolean;
  canOutcome: boolean;
  /** The letter's language the form offers first: the case's own, when a letter exists in it. */
  defaultLanguage: string;
  form: ReferralForm | null;
  formToken: string;
  now: number;
  /** The heading's level: 2 on the case page and the referrals page. */
  headingId?: string;
}

function labelsOf(t: StaffPageContext['t']): Record<string, string> {
  return {
    partner: t('referrals.form.partner'),
    items: t('referrals.form.items'),
    summary: t('referrals.form.summary'),
    consent: t('referrals.form.consent'),
    consent_how: t('referrals.form.consent_how'),
    consent_on: t('referrals.form.consent_on'),
    letter_language: t('referrals.form.letter_language'),
    follow_up_days: t('referrals.form.follow_up_days'),
  };
}

/** A partner as the form offers it: its name, and what of the case it matches. */
function partnerOption(t: StaffPageContext['t'], p: SuggestedPartner): Option {
  const m = [p.matches.service ? t('referrals.match.service') : '', p.matches.region ? t('referrals.match.region') : '', p.matches.language ? t('referrals.match.language') : ''].filter(Boolean);
  return { value: p.id, label: m.length ? t('referrals.form.partner_matches', { name: p.name, matches: m.join(', ') }) : p.name };
}

/** The list of a case's referrals, with the letter and the outcome form of each. */
function ReferralList(p: ReferralsSectionProps) {
  const { ctx } = p;
  const t = ctx.t;
  if (p.lines.length === 0) return <p>{t('referrals.case.none')}</p>;
  return (
    <TableScroll label={t('referrals.case.table')}>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('referrals.case.col.partner')}</th>
            <th scope="col">{t('referrals.case.col.when')}</th>
            <th scope="col">{t('referrals.case.col.shared')}</th>
            <th scope="col">{t('referrals.case.col.consent')}</th>
            <th scope="col">{t('referrals.case.col.follow_up')}</th>
            <th scope="col">{t('referrals.case.col.status')}</th>
          </tr>
        </thead>
        <tbody>
          {p.lines.map((r) => (
            <tr id={`referral-${r.id}`}>
              <th scope="row">
                <bdi>{r.partnerName}</bdi>
                <br />
                <a href={letterHref(p.caseId, r.id)}>{t('referrals.case.letter')}</a>
              </th>
              <td>
                <time datetime={isoTime(r.createdAt)}>{formatTime(ctx, r.createdAt)}</time>
                <br />
                {t('referrals.case.by', { name: isolate(r.createdByName ?? '—') })}
              </td>
              <td>{unitListFor(ctx.locale).format(r.items.map((i) => t(`referrals.item.${i}`)))}</td>
              <td>
                {/* The day and the name isolated: in Arabic "Haven، 21 …" would read "21 ,Haven". */}
                {r.consent
                  ? t('referrals.case.consent_line', {
                      how: t(`referrals.consent_how.${r.consent.how}`),
                      date: isolate(LETTER_DAY(ctx.locale).format(r.consent.givenAt)),
                      name: isolate(r.consent.recordedByName ?? '—'),
                    })
                  : t('referrals.case.consent_none')}
              </td>
              <td>
                <time datetime={isoTime(r.followUpAt)}>{formatTime(ctx, r.followUpAt)}</time>
              </td>
              <td>
                {r.status === 'outcome_recorded' ? (
                  <>
                    {t('referrals.status.outcome_recorded')}: {t(`referrals.outcome.${r.outcome ?? 'accepted'}`)}
                  </>
                ) : r.status === 'follow_up_due' ? (
                  <strong>{t('referrals.status.follow_up_due')}</strong>
                ) : (
                  t('referrals.status.sent')
                )}
                {r.outcome === null && p.canOutcome ? (
                  <form method="post" action={`${referralsHref(p.caseId)}/${r.id}/outcome`} class="inline">
                    <CsrfField token={ctx.csrfToken} />
                    <label for={`f-outcome-${r.id}`}>{t('referrals.outcome.label')}</label>{' '}
                    <select id={`f-outcome-${r.id}`} name="outcome">
                      {OUTCOMES.map((o) => (
                        <option value={o}>{t(`referrals.outcome.${o}`)}</option>
                      ))}
                    </select>{' '}
                    <button type="submit">{t('referrals.outcome.submit')}</button>
                  </form>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

/** The form "Refer to a partner". */
function ReferralFormView(p: ReferralsSectionProps) {
  const { ctx } = p;
  const t = ctx.t;
  const labels = labelsOf(t);
  const form = p.form ?? {
    values: {
      letter_language: p.defaultLanguage,
      follow_up_days: String(DEFAULT_FOLLOW_UP_DAYS),
      consent_on: msToDate(p.now),
    },
    lists: { items: ['case_facts'] },
    errors: {},
  };
  const e = form.errors;
  const items = SHARE_ITEMS.map((i) => ({
    value: i,
    label: t(`referrals.item.${i}`),
    hint: IDENTIFYING.has(i) ? t('referrals.item.identifying') : t('referrals.item.not_identifying'),
  }));
  const identifying = SHARE_ITEMS.filter((i) => IDENTIFYING.has(i)).map((i) => ({ value: i, label: t('referrals.form.consent_item', { item: t(`referrals.item.${i}`) }) }));
  if (p.partners.length === 0) return <p>{t('referrals.form.no_partners')}</p>;
  return (
    <>
      <form method="get" action={referralsHref(p.caseId)} class="filters">
        <Select t={t} name="service" label={t('referrals.form.service_needed')} blank={t('referrals.filter.any')} value={p.service ?? undefined} options={p.serviceOptions} />
        <button type="submit" class="secondary">{t('referrals.form.suggest')}</button>
      </form>
      <ErrorSummary t={t} errors={e} labels={labels} locale={ctx.locale} />
      <form method="post" action={referralsHref(p.caseId)} novalidate>
        <CsrfField token={ctx.csrfToken} />
        <input type="hidden" name="_once" value={p.formToken} />
        <Select t={t} name="partner" label={labels.partner!} hint={t('referrals.form.partner_hint')} value={form.values.partner} error={e.partner} options={p.partners.map((x) => partnerOption(t, x))} />
        <CheckboxList t={t} name="items" label={labels.items!} hint={t('referrals.form.items_hint')} error={e.items} options={items} checked={form.lists.items ?? []} />
        <TextArea t={t} name="summary" label={labels.summary!} hint={t('referrals.form.summary_hint')} value={form.values.summary} rows={6} maxLength={SUMMARY_MAX} error={e.summary} />
        <fieldset class="panel consent">
          <legend>{t('referrals.form.consent_title')}</legend>
          <p class="hint">{t('referrals.form.consent_rule')}</p>
          <CheckboxList t={t} name="consent" label={labels.consent!} error={e.consent} options={identifying} checked={form.lists.consent ?? []} />
          <Radios t={t} name="consent_how" label={labels.consent_how!} value={form.values.consent_how} error={e.consent_how} options={CONSENT_WAYS.map((w) => ({ value: w, label: t(`referrals.consent_how.${w}`) }))} />
          <TextField t={t} name="consent_on" type="date" label={labels.consent_on!} value={form.values.consent_on} maxLength={10} error={e.consent_on} />
        </fieldset>
        <Select
          t={t}
          name="letter_language"
          label={labels.letter_language!}
          value={form.values.letter_language}
          error={e.letter_language}
          options={LETTER_LANGUAGES.map((l) => ({ value: l, label: `${displayName(ctx.locale, 'language', l)} (${l})` }))}
        />
        <TextField
          t={t}
          name="follow_up_days"
          type="number"
          inputmode="numeric"
          label={labels.follow_up_days!}
          hint={t('referrals.form.follow_up_hint', { max: MAX_FOLLOW_UP_DAYS })}
          value={form.values.follow_up_days}
          maxLength={3}
          error={e.follow_up_days}
        />
        <button type="submit">{t('referrals.form.submit')}</button>
      </form>
    </>
  );
}

/** The case's referrals and the form to add one: a `<section class="panel">` of the case page. */
export function ReferralsSection(p: ReferralsSectionProps): VNode {
  const t = p.ctx.t;
  const headingId = p.headingId ?? 'referrals-title';
  return (
    <section class="panel" id="referrals" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('referrals.case.title')}</h2>
      <ReferralList {...p} />
      {p.canCreate ? (
        <>
          <h3>{t('referrals.form.title')}</h3>
          <ReferralFormView {...p} />
        </>
      ) : null}
    </section>
  );
}

/** The referrals page: the same section on a page of its own (a refused form comes back here). */
export function ReferralsPage(p: ReferralsSectionProps) {
  const t = p.ctx.t;
  return (
    <StaffLayout ctx={p.ctx} title={t('referrals.page.title', { id: p.caseId })}>
      <p>
        <a href={`/staff/cases/${p.caseId}`}>{t('referrals.page.back', { id: p.caseId })}</a>
      </p>
      <h1>{t('referrals.page.title', { id: p.caseId })}</h1>
      <ReferralsSection {...p} />
    </StaffLayout>
  );
}

/** A referral's letter, to copy (a read-only box, in the letter's language and direction) or download as text. */
export function LetterPage(p: { ctx: StaffPageContext; caseId: number; referralId: string; partnerName: string; language: string; text: string }) {
  const t = p.ctx.t;
  const dir = p.language === 'ar' ? 'rtl' : 'ltr';
  return (
    <StaffLayout ctx={p.ctx} title={t('referrals.letter_page.title', { id: p.caseId })}>
      <p>
        <a href={referralsHref(p.caseId)}>{t('referrals.page.back_to_referrals')}</a>
      </p>
      <h1>{t('referrals.letter_page.title', { id: p.caseId })}</h1>
      <p>
        {t('referrals.letter_page.for')} <bdi>{p.partnerName}</bdi>
      </p>
      <p class="hint">{t('referrals.letter_page.not_sent')}</p>
      <div class="field">
        <label for="f-letter">{t('referrals.letter_page.text')}</label>
        <textarea id="f-letter" readOnly rows={24} lang={p.language} dir={dir}>
          {p.text}
        </textarea>
      </div>
      <p>
        <a href={`${letterHref(p.caseId, p.referralId)}?format=text`} download={`referral-${p.caseId}.txt`}>
          {t('referrals.letter_page.download')}
        </a>
      </p>
    </StaffLayout>
  );
}
