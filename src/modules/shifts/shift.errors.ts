import { defineErrors } from '../../platform/errors.js';

/** The shifts module's own error codes (platform/errors.ts has the generic ones). */
export const SHIFT_ERRORS = defineErrors({
  /** A new slot shares time with another of the team's slots: a field message on the weekday. */
  SHIFT_OVERLAP: { status: 422, messageKey: 'shifts.error.overlap' },
  /** The date's shift already has a change for that person (or a changed lead). */
  SHIFT_EXCEPTION_TAKEN: { status: 409, messageKey: 'shifts.error.exception_taken' },
  /** The handover was acknowledged already (by someone else, or by this form sent twice). */
  HANDOVER_ACKNOWLEDGED: { status: 409, messageKey: 'shifts.error.already_acknowledged' },
});

declare module '../../platform/errors.js' {
  interface ModuleErrorCodes {
    SHIFT_OVERLAP: true;
    SHIFT_EXCEPTION_TAKEN: true;
    HANDOVER_ACKNOWLEDGED: true;
  }
}
