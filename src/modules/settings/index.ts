import type { HavenModule } from '../../contracts/module.js';
import { SETTINGS_ERRORS } from './settings.errors.js';
import { settingsPolicy } from './settings.policy.js';
import { registerOrganisationFiles, registerSettingsRoutes } from './settings.routes.js';
import { publicBrand } from './settings.service.js';
import { registerSettingsApi, settingsOpenApi } from './settings.api.js';

/**
 * The settings module: the organisation's identity (its name, short description, logo, other
 * ways to reach it, and the public landing text and emergency advice per language), set by
 * administrators on /staff/settings, every save audited, and shown on the public surface instead
 * of the software's name (ADR 27). Everything it holds is public. Its pages read a copy at most
 * a second old (SETTINGS_CACHE_MS), so every process agrees within a second.
 */
export { organisationName, publicIdentity, SETTINGS_CACHE_MS } from './settings.service.js';
export type { PublicIdentity, LocalisedText } from './settings.js';
export { EmergencyAdvice, OrganisationDescription, OtherWaysToReach, PlainText } from './views/public.js';
export { SETTINGS_ACTIONS, settingsPolicy, type SettingsAction } from './settings.policy.js';
// For the referrals module: a partner's PGP public key is checked and named as the organisation's is.
export { pgpFingerprint, groupedFingerprint } from './pgp.js';

/** The settings module as the app sees it. */
export const settingsModule: HavenModule = {
  name: 'settings',
  policy: settingsPolicy,
  errors: SETTINGS_ERRORS,
  nav: [{ href: '/staff/settings', labelKey: 'settings.title', action: 'settings.view', order: 85 }],
  publicBrand: (deps) => () => publicBrand(deps),
  registerPublic: (app, { deps }) => registerOrganisationFiles(app, deps),
  registerStaff: (app, { deps, assets }) => registerSettingsRoutes(app, deps, assets),
  api: { register: (app, { deps }) => registerSettingsApi(app, deps), openapi: settingsOpenApi },
};
