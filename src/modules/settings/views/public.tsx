import type { Translate } from '../../../platform/i18n/index.js';
import { paragraphs, type LocalisedText, type PublicIdentity } from '../settings.js';

// The organisation's texts and other ways to reach it, as the public landing page shows them
// (intake's view composes these). Pure functions of data. Every text is the organisation's own,
// in the language it was written in (`lang`), its direction found from its content (`dir="auto"`).

/** Plain text with paragraphs: a <p> per paragraph, a <br> per line break inside one. */
export function PlainText(props: { text: LocalisedText; class?: string }) {
  return (
    <>
      {paragraphs(props.text.text).map((lines) => (
        <p lang={props.text.lang} dir="auto" class={props.class}>
          {lines.flatMap((line, i) => (i === 0 ? [line] : [<br />, line]))}
        </p>
      ))}
    </>
  );
}

/**
 * The advice for someone in physical danger, first on the page and set apart: whoever needs it
 * should not have to read anything else before it.
 */
export function EmergencyAdvice(props: { t: Translate; identity: PublicIdentity }) {
  const { emergency } = props.identity;
  if (!emergency) return null;
  return (
    <section class="emergency" aria-labelledby="emergency-title">
      <h2 id="emergency-title">{props.t('settings.public.emergency_title')}</h2>
      <PlainText text={emergency} />
    </section>
  );
}

/** The organisation's short description, under the page's heading. */
export function OrganisationDescription(props: { identity: PublicIdentity }) {
  const { description } = props.identity;
  if (!description) return null;
  return (
    <p class="lead" lang={description.lang} dir="auto">
      {description.text}
    </p>
  );
}

/**
 * Other ways to reach the organisation: its onion service, its Signal number, its PGP key (a
 * plain-text page to copy or save). Nothing here loads anything: each is text or a link.
 */
export function OtherWaysToReach(props: { t: Translate; identity: PublicIdentity }) {
  const { t, identity } = props;
  if (!identity.onionUrl && !identity.signalNumber && !identity.pgpKeyUrl) return null;
  return (
    <section aria-labelledby="reach-title">
      <h2 id="reach-title">{t('settings.public.reach_title')}</h2>
      <dl class="reach">
        {identity.onionUrl ? (
          <>
            <dt>{t('settings.public.onion')}</dt>
            <dd>
              <a href={identity.onionUrl} dir="ltr" class="address">
                {identity.onionUrl}
              </a>
            </dd>
          </>
        ) : null}
        {identity.signalNumber ? (
          <>
            <dt>{t('settings.public.signal')}</dt>
            <dd>
              <bdi dir="ltr" class="address">
                {identity.signalNumber}
              </bdi>
            </dd>
          </>
        ) : null}
        {identity.pgpKeyUrl ? (
          <>
            <dt>{t('settings.public.pgp')}</dt>
            <dd>
              <a href={identity.pgpKeyUrl}>{t('settings.public.pgp_link')}</a>
              {identity.pgpFingerprint ? (
                <>
                  <br />
                  {t('settings.public.pgp_fingerprint')}{' '}
                  <bdi dir="ltr" class="address">
                    {identity.pgpFingerprint}
                  </bdi>
                </>
              ) : null}
            </dd>
          </>
        ) : null}
      </dl>
    </section>
  );
}
