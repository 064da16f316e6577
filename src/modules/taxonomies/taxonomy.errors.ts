import { defineErrors } from '../../platform/errors.js';

/** The taxonomies module's own error codes (platform/errors.ts has the generic ones). */
export const TAXONOMY_ERRORS = defineErrors({
  /** A term's code is already in its vocabulary (perhaps in another case): a field message. */
  TAXONOMY_CODE_TAKEN: { status: 422, messageKey: 'taxonomies.error.code_taken' },
  /** A fixed vocabulary (Haven's code or a standard relies on it) gains or loses no term. */
  TAXONOMY_FIXED: { status: 409, messageKey: 'taxonomies.error.fixed' },
  /** The last term in use of a vocabulary is not retired: every form needs one to offer. */
  TAXONOMY_LAST_TERM: { status: 409, messageKey: 'taxonomies.error.last_term' },
});

declare module '../../platform/errors.js' {
  interface ModuleErrorCodes {
    TAXONOMY_CODE_TAKEN: true;
    TAXONOMY_FIXED: true;
    TAXONOMY_LAST_TERM: true;
  }
}
