import { PublicLayout } from '../../../platform/views/public-layout.js';
import {
  EmergencyAdvice,
  OrganisationDescription,
  OtherWaysToReach,
  PlainText,
  type PublicIdentity,
} from '../../settings/index.js';
import type { IntakeContext } from './context.js';

/**
 * The start page: what the helpline does, what happens to what you write, how to stay safe.
 * The organisation's own texts (settings module), when it has written them: advice for someone
 * in physical danger first, its description, its landing text in place of the catalogue's
 * introduction, and its other ways to reach it.
 */
export function LandingPage(props: { ctx: IntakeContext; identity?: PublicIdentity }) {
  const { ctx, identity } = props;
  const t = ctx.t;
  return (
    <PublicLayout ctx={ctx} home={ctx.link('/')} title={t('intake.landing.title')}>
      <h1>{t('intake.landing.title')}</h1>
      {identity ? <EmergencyAdvice t={t} identity={identity} /> : null}
      {identity ? <OrganisationDescription identity={identity} /> : null}
      {identity?.landing ? <PlainText text={identity.landing} /> : <p>{t('intake.landing.intro')}</p>}
      <p>
        <a class="button" href={ctx.link('/request')}>
          {t('intake.landing.start')}
        </a>
      </p>
      <h2>{t('intake.landing.data_title')}</h2>
      <ul>
        <li>{t('intake.landing.data_encrypted')}</li>
        <li>{t('intake.landing.data_staff')}</li>
        <li>{t('intake.landing.data_no_ip')}</li>
        <li>{t('intake.landing.data_no_account')}</li>
      </ul>
      <h2>{t('intake.landing.safety_title')}</h2>
      <ul>
        <li>{t('intake.landing.safety_tor')}</li>
        <li>{t('intake.landing.safety_device')}</li>
        <li>{t('intake.landing.safety_minimum')}</li>
        <li>{t('intake.landing.safety_history')}</li>
      </ul>
      <h2>{t('intake.landing.followup_title')}</h2>
      <p>
        {t('intake.landing.followup_text')}{' '}
        <a href={ctx.link('/followup')}>{t('intake.landing.followup_link')}</a>
      </p>
      {identity ? <OtherWaysToReach t={t} identity={identity} /> : null}
    </PublicLayout>
  );
}
