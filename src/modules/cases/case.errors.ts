import { defineErrors } from '../../platform/errors.js';

/** The cases module's own error codes (platform/errors.ts has the generic ones). */
export const CASE_ERRORS = defineErrors({
  CASE_ASSIGNEE_INVALID: { status: 422, messageKey: 'common.error.assignee_invalid' },
  CASE_STATUS_TRANSITION: { status: 422, messageKey: 'common.error.status_transition' },
  /** A module's check refused the status change (contracts/case-extension.ts); its own message says why. */
  CASE_STATUS_REFUSED: { status: 422, messageKey: 'cases.error.status_refused' },
  SAVED_VIEWS_FULL: { status: 422, messageKey: 'cases.saved.error.full' },
  /** A restricted case may be held only by someone who may know it (ADR 32). */
  CASE_ASSIGNEE_NOT_LISTED: { status: 422, messageKey: 'access.error.assignee_not_listed' },
  /** Nobody takes themselves off a case's list: another lead does (ADR 32). */
  CASE_ACCESS_SELF: { status: 422, messageKey: 'access.error.remove_self' },
  /** The holder of a restricted case stays on its list until it is given to someone else (ADR 32). */
  CASE_ACCESS_HOLDER: { status: 422, messageKey: 'access.error.remove_holder' },
  /** Only an active case worker can be listed for a case (ADR 32). */
  CASE_ACCESS_PERSON: { status: 422, messageKey: 'access.error.person_unknown' },
  /** A case number naming no case the person may know, for a link or a merge: the same answer for both (ADR 38). */
  CASE_LINK_UNKNOWN: { status: 422, messageKey: 'cases.link.error.unknown' },
  /** A case is not linked to itself (ADR 38). */
  CASE_LINK_SELF: { status: 422, messageKey: 'cases.link.error.self' },
  /** A case is not merged into itself (ADR 38). */
  CASE_MERGE_SELF: { status: 422, messageKey: 'cases.merge.error.self' },
  /** The case was merged already (ADR 38): its conversation is elsewhere. */
  CASE_MERGED: { status: 409, messageKey: 'cases.merge.error.already' },
  /** A case is merged only into an active case that was not merged itself (ADR 38). */
  CASE_MERGE_TARGET: { status: 422, messageKey: 'cases.merge.error.target' },
  /** A merge never lets more people read a conversation than could before (ADR 38). */
  CASE_MERGE_WIDENS: { status: 422, messageKey: 'cases.merge.error.widens' },
  /** The merge form was open too long, or was not the page's: nothing merged; look again and merge (ADR 38). */
  CASE_MERGE_STALE: { status: 422, messageKey: 'cases.merge.error.stale' },
});

declare module '../../platform/errors.js' {
  interface ModuleErrorCodes {
    CASE_ASSIGNEE_INVALID: true;
    CASE_STATUS_TRANSITION: true;
    CASE_STATUS_REFUSED: true;
    SAVED_VIEWS_FULL: true;
    CASE_ASSIGNEE_NOT_LISTED: true;
    CASE_ACCESS_SELF: true;
    CASE_ACCESS_HOLDER: true;
    CASE_ACCESS_PERSON: true;
    CASE_LINK_UNKNOWN: true;
    CASE_LINK_SELF: true;
    CASE_MERGE_SELF: true;
    CASE_MERGED: true;
    CASE_MERGE_TARGET: true;
    CASE_MERGE_WIDENS: true;
    CASE_MERGE_STALE: true;
  }
}
