import { defineErrors } from '../../platform/errors.js';

/** The cases module's own error codes (platform/errors.ts has the generic ones). */
export const CASE_ERRORS = defineErrors({
  CASE_ASSIGNEE_INVALID: { status: 422, messageKey: 'common.error.assignee_invalid' },
  CASE_STATUS_TRANSITION: { status: 422, messageKey: 'common.error.status_transition' },
  SAVED_VIEWS_FULL: { status: 422, messageKey: 'cases.saved.error.full' },
});

declare module '../../platform/errors.js' {
  interface ModuleErrorCodes {
    CASE_ASSIGNEE_INVALID: true;
    CASE_STATUS_TRANSITION: true;
    SAVED_VIEWS_FULL: true;
  }
}
