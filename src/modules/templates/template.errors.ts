import { defineErrors } from '../../platform/errors.js';

/** The templates module's own error codes (platform/errors.ts has the generic ones). */
export const TEMPLATE_ERRORS = defineErrors({
  /** The template already has a text in that language: a field message (edit that one instead). */
  TEMPLATE_LANGUAGE_TAKEN: { status: 422, messageKey: 'templates.error.language_taken' },
  /** The last text of a template is not removed: retire the template instead. */
  TEMPLATE_LAST_VARIANT: { status: 409, messageKey: 'templates.error.last_variant' },
});

declare module '../../platform/errors.js' {
  interface ModuleErrorCodes {
    TEMPLATE_LANGUAGE_TAKEN: true;
    TEMPLATE_LAST_VARIANT: true;
  }
}
