import type { Translate } from '../../../platform/i18n/index.js';
import { CsrfField, Select, type FieldErrors, type Option } from '../../../platform/views/form.js';
import type { TimeContext } from '../../../platform/views/time.js';
import type { CaseAccessView } from '../access.service.js';
import { Moment } from './format.js';

/**
 * The case page's "Who may know this case" (need-to-know, ADR 32): whether the case is
 * restricted, who is listed (and when they were added), and, for those who may change it, a
 * form to list a case worker, a button to take each person off, and one to restrict the case
 * or lift the restriction. Plain forms, each with the CSRF token and the one-time token; the
 * restriction's form also with the case's version.
 */
export function AccessSection(props: {
  t: Translate;
  at: TimeContext;
  csrfToken: string | null;
  caseId: number;
  access: CaseAccessView;
  /** The one-time form token every form of the section carries. */
  token: string;
  /** Case workers who could be listed, by name. */
  staff: readonly Option[];
  /** Whether the reader may change the restriction and the list. */
  may: boolean;
  /** The reader's own id: nobody takes themselves off. */
  me: string;
  errors: FieldErrors;
}) {
  const { t, access, may } = props;
  if (!may && !access.restricted && access.people.length === 0) return null;
  const listed = new Set(access.people.map((p) => p.userId));
  const candidates = props.staff.filter((o) => !listed.has(o.value));
  const base = `/staff/cases/${props.caseId}`;
  const hidden = () => (
    <>
      <CsrfField token={props.csrfToken} />
      <input type="hidden" name="_once" value={props.token} />
    </>
  );
  return (
    <section class="panel" aria-labelledby="access-title" id="access">
      <h2 id="access-title">{t('access.title')}</h2>
      <p>{access.restricted ? t('access.restricted_intro') : t('access.open_intro')}</p>
      {access.people.length > 0 ? (
        <ul class="access-list">
          {access.people.map((p) => (
            <li>
              <bdi>{p.displayName}</bdi>
              {' · '}
              <span class="meta">
                {t('access.added')} <Moment at={props.at} ms={p.addedAt} />
              </span>
              {may && p.userId !== props.me ? (
                <form method="post" action={`${base}/access/remove`} class="inline">
                  {hidden()}
                  <input type="hidden" name="person" value={p.userId} />
                  <button type="submit" class="secondary">
                    {t('access.remove')}
                    <span class="visually-hidden">
                      {' '}
                      <bdi>{p.displayName}</bdi>
                    </span>
                  </button>
                </form>
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p>{t('access.nobody_listed')}</p>
      )}
      {may && candidates.length > 0 ? (
        <form method="post" action={`${base}/access`}>
          {hidden()}
          <Select
            t={t}
            name="person"
            label={t('access.person')}
            hint={t('access.person_hint')}
            error={props.errors.person}
            options={candidates}
          />
          <button type="submit">{t('access.add')}</button>
        </form>
      ) : null}
      {may ? (
        <form method="post" action={`${base}/restriction`}>
          {hidden()}
          <input type="hidden" name="version" value={String(access.version)} />
          <input type="hidden" name="restricted" value={access.restricted ? 'no' : 'yes'} />
          <p class="hint">{access.restricted ? t('access.lift_hint') : t('access.restrict_hint')}</p>
          <button type="submit">{access.restricted ? t('access.lift') : t('access.restrict')}</button>
        </form>
      ) : null}
    </section>
  );
}
