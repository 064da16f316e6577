import { defineErrors } from '../../platform/errors.js';

/** The settings module's own error codes (platform/errors.ts has the generic ones). */
export const SETTINGS_ERRORS = defineErrors({
  /** The settings were saved by someone else since the form was shown: shown again, nothing saved. */
  SETTINGS_CHANGED: { status: 409, messageKey: 'settings.error.changed' },
});

declare module '../../platform/errors.js' {
  interface ModuleErrorCodes {
    SETTINGS_CHANGED: true;
  }
}
