import { defineErrors } from '../../platform/errors.js';

/** The cases module's own error codes (platform/errors.ts has the generic ones). */
export const CASE_ERRORS = defineErrors({
  CASE_ASSIGNEE_INVALID: { status: 422, messageKey: 'common.error.assignee_invalid' },
  CASE_STATUS_TRANSITION: { status: 422, messageKey: 'common.error.status_transition' },
});

declare module '../../platform/errors.js' {
  interface ModuleErrorCodes {
    CASE_ASSIGNEE_INVALID: true;
    CASE_STATUS_TRANSITION: true;
  }
}
