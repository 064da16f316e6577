import { definePolicy } from '../../platform/auth/policy.js';

/**
 * Who may do what with the organisation's settings. Deny by default. Everything on the page is
 * public once saved, so coordinators, who speak for the helpline, read it too; only
 * administrators change it, since it is what every person asking for help sees first.
 */
export const SETTINGS_ACTIONS = ['settings.view', 'settings.edit'] as const;
export type SettingsAction = (typeof SETTINGS_ACTIONS)[number];

export const settingsPolicy = definePolicy<SettingsAction>({
  'settings.view': ['admin', 'coordinator'],
  'settings.edit': ['admin'],
});
