import { defineErrors } from '../../platform/errors.js';

/** The escalation module's own error codes (platform/errors.ts has the generic ones). */
export const ESCALATION_ERRORS = defineErrors({
  /** The global ladder is never removed: a team's ladder is, and its team falls back to the global one. */
  ESCALATION_GLOBAL_KEPT: { status: 409, messageKey: 'escalation.error.global_kept' },
});

declare module '../../platform/errors.js' {
  interface ModuleErrorCodes {
    ESCALATION_GLOBAL_KEPT: true;
  }
}
