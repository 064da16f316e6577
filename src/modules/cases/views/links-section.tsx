import type { Translate } from '../../../platform/i18n/index.js';
import { CsrfField, Select, TextField, type FieldErrors } from '../../../platform/views/form.js';
import type { TimeContext } from '../../../platform/views/time.js';
import { LINK_REASONS } from '../link.js';
import type { CaseLinkView, DuplicateSuggestion } from '../link.service.js';
import { Moment } from './format.js';

/** The case page's link and merge forms' shared state (ADR 38). */
export interface LinksProps {
  t: Translate;
  at: TimeContext;
  csrfToken: string | null;
  caseId: number;
  version: number;
  /** The one-time token every link and merge form carries. */
  token: string;
  links: CaseLinkView[];
  duplicates: DuplicateSuggestion[];
  /** Cases merged into this one. */
  mergedHere: number[];
  mayLink: boolean;
  mayMerge: boolean;
  linkErrors: FieldErrors;
  mergeErrors: FieldErrors;
  values: { other?: string | undefined; reason?: string | undefined; into?: string | undefined };
}

const caseHref = (id: number) => `/staff/cases/${id}`;

/**
 * "Linked cases": the links (each with its reason, and a button to remove it), cases merged into
 * this one, the form that links another case by number and the one that merges this case into
 * another. Plain forms with the CSRF and one-time tokens; JavaScript only enhances.
 */
export function LinksSection(p: LinksProps) {
  const { t } = p;
  const hidden = () => (
    <>
      <CsrfField token={p.csrfToken} />
      <input type="hidden" name="_once" value={p.token} />
    </>
  );
  if (!p.mayLink && !p.mayMerge && p.links.length === 0 && p.mergedHere.length === 0) return null;
  return (
    <section class="panel" aria-labelledby="links-title" id="links">
      <h2 id="links-title">{t('cases.link.title')}</h2>
      {p.links.length > 0 ? (
        <ul class="case-links">
          {p.links.map((l) => (
            <li>
              <a href={caseHref(l.caseId)}>{t('cases.case_number', { id: l.caseId })}</a>{' '}
              <span class="tag">{t(`cases.status.${l.status}`)}</span>
              {l.mergedInto !== null ? (
                <>
                  {' '}
                  <span class="tag">{t('cases.merge.tag')}</span>
                </>
              ) : null}
              <span class="meta">
                {' · '}
                {t(`cases.link.reason.${l.reason}`)}
                {' · '}
                <Moment at={p.at} ms={l.createdAt} />
              </span>
              {p.mayLink ? (
                <form method="post" action={`${caseHref(p.caseId)}/links/remove`} class="inline">
                  {hidden()}
                  <input type="hidden" name="other" value={String(l.caseId)} />
                  <button type="submit" class="secondary">
                    {t('cases.link.remove')}
                    <span class="visually-hidden"> {t('cases.case_number', { id: l.caseId })}</span>
                  </button>
                </form>
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p>{t('cases.link.none')}</p>
      )}
      {p.mergedHere.length > 0 ? (
        <p>
          {t('cases.merge.merged_here')}{' '}
          {p.mergedHere.map((id, i) => (
            <>
              {i > 0 ? ', ' : ''}
              <a href={caseHref(id)}>{t('cases.case_number', { id })}</a>
            </>
          ))}
        </p>
      ) : null}
      {p.mayLink ? (
        <form method="post" action={`${caseHref(p.caseId)}/links`}>
          {hidden()}
          <TextField
            t={t}
            name="other"
            label={t('cases.link.other')}
            hint={t('cases.link.other_hint')}
            error={p.linkErrors.other}
            value={p.values.other}
            inputmode="numeric"
            maxLength={20}
          />
          <Select
            t={t}
            name="reason"
            label={t('cases.link.reason_label')}
            value={p.values.reason ?? 'related'}
            error={p.linkErrors.reason}
            options={LINK_REASONS.map((r) => ({ value: r, label: t(`cases.link.reason.${r}`) }))}
          />
          <button type="submit">{t('cases.link.submit')}</button>
        </form>
      ) : null}
      {p.mayMerge ? (
        <form method="post" action={`${caseHref(p.caseId)}/merge`} class="merge-form">
          {hidden()}
          <input type="hidden" name="version" value={String(p.version)} />
          <h3>{t('cases.merge.title')}</h3>
          <TextField
            t={t}
            name="into"
            label={t('cases.merge.into')}
            hint={t('cases.merge.into_hint')}
            error={p.mergeErrors.into}
            value={p.values.into}
            inputmode="numeric"
            maxLength={20}
          />
          <button type="submit" class="warning">
            {t('cases.merge.submit')}
          </button>
        </form>
      ) : null}
    </section>
  );
}

/**
 * "Possible duplicates": other open cases from the same contact handle that the reader may know,
 * each with a one-click link and "merge this case into it" (plain forms).
 */
export function DuplicatesSection(p: LinksProps) {
  const { t } = p;
  if (p.duplicates.length === 0) return null;
  return (
    <section class="panel" aria-labelledby="duplicates-title" id="duplicates">
      <h2 id="duplicates-title">{t('cases.duplicates.title')}</h2>
      <p class="hint">{t('cases.duplicates.intro')}</p>
      <ul class="case-links">
        {p.duplicates.map((d) => (
          <li>
            <a href={caseHref(d.caseId)}>{t('cases.case_number', { id: d.caseId })}</a>{' '}
            <span class="tag">{t(`cases.status.${d.status}`)}</span>
            <span class="meta">
              {' · '}
              {t('cases.duplicates.received')} <Moment at={p.at} ms={d.createdAt} />
            </span>
            <span class="actions">
              {p.mayLink && !d.linked ? (
                <form method="post" action={`${caseHref(p.caseId)}/links`} class="inline">
                  <CsrfField token={p.csrfToken} />
                  <input type="hidden" name="_once" value={p.token} />
                  <input type="hidden" name="other" value={String(d.caseId)} />
                  <input type="hidden" name="reason" value="same_requester" />
                  <button type="submit" class="secondary">
                    {t('cases.duplicates.link', { id: d.caseId })}
                  </button>
                </form>
              ) : d.linked ? (
                <span class="meta"> {t('cases.duplicates.linked')}</span>
              ) : null}
              {p.mayMerge ? (
                <form method="post" action={`${caseHref(p.caseId)}/merge`} class="inline">
                  <CsrfField token={p.csrfToken} />
                  <input type="hidden" name="_once" value={p.token} />
                  <input type="hidden" name="version" value={String(p.version)} />
                  <input type="hidden" name="into" value={String(d.caseId)} />
                  <button type="submit" class="secondary">
                    {t('cases.duplicates.merge_into', { id: d.caseId })}
                  </button>
                </form>
              ) : null}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
