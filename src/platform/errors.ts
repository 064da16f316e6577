import type { Translate } from './i18n/index.js';

/**
 * The catalogue of expected failures. Services return `{ ok: false, code }`; routes map the
 * code to an HTTP status and a message key here, so every surface says the same thing.
 */
export const errorCatalog = {
  VALIDATION_FAILED: { status: 422, messageKey: 'common.error.validation' },
  /** The body could not be read at all (broken or empty JSON, a length that does not match). */
  MALFORMED_BODY: { status: 400, messageKey: 'common.error.malformed' },
  BODY_TOO_LARGE: { status: 413, messageKey: 'common.error.too_large' },
  /** A NUL (U+0000) somewhere in the request: refused by every surface before its handler. */
  CONTROL_CHARACTERS: { status: 422, messageKey: 'common.error.control_chars' },
  /** The body came in a content type this surface does not parse. */
  UNSUPPORTED_MEDIA_TYPE: { status: 415, messageKey: 'common.error.unsupported_media_type' },
  CSRF_INVALID: { status: 403, messageKey: 'common.error.csrf' },
  UNAUTHENTICATED: { status: 401, messageKey: 'common.error.unauthenticated' },
  FORBIDDEN: { status: 403, messageKey: 'common.error.forbidden' },
  NOT_FOUND: { status: 404, messageKey: 'common.error.not_found' },
  CONFLICT: { status: 409, messageKey: 'common.error.conflict' },
  RATE_LIMITED: { status: 429, messageKey: 'common.error.rate_limited' },
  CASE_ASSIGNEE_INVALID: { status: 422, messageKey: 'common.error.assignee_invalid' },
  CASE_STATUS_TRANSITION: { status: 422, messageKey: 'common.error.status_transition' },
  /** Sealed mode (ADR 10): nothing that reads case content works until an unseal. */
  SEALED: { status: 503, messageKey: 'common.error.sealed' },
  UNSEAL_FAILED: { status: 401, messageKey: 'vault.error.unseal_failed' },
  INTERNAL: { status: 500, messageKey: 'common.error.internal' },
} as const;

export type ErrorCode = keyof typeof errorCatalog;

/** A typed expected outcome: success with a value, or a catalogued failure. */
export type Result<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; field?: string };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(code: ErrorCode, field?: string): Result<T> =>
  field === undefined ? { ok: false, code } : { ok: false, code, field };

/** The API's error body: `{ error: { code, message, field? } }`. */
export function apiError(code: ErrorCode, message: string, field?: string) {
  return { error: field === undefined ? { code, message } : { code, message, field } };
}

/**
 * What an error says for `code`, in the reader's language. A 413 on a route that takes text
 * (route config `textMax`, see platform/http/body-limit.ts) says how long a text may be.
 */
export function errorMessage(t: Translate, code: ErrorCode, textMax?: number): string {
  if (code === 'BODY_TOO_LARGE' && textMax) return t('common.error.too_large_text', { max: textMax });
  return t(errorCatalog[code].messageKey);
}

/** Errors after which going back in the browser finds what was typed, and can send it again. */
export const KEEPS_WHAT_WAS_TYPED: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'BODY_TOO_LARGE',
  'CONTROL_CHARACTERS',
]);
