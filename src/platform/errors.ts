import type { Translate } from './i18n/index.js';

/** How a surface answers an expected failure: the HTTP status and the message's i18n key. */
export interface ErrorDefinition {
  status: number;
  messageKey: string;
}

/**
 * The platform's catalogue of expected failures, the ones every surface can meet. Services
 * return `{ ok: false, code }`; routes map the code to an HTTP status and a message key, so
 * every surface says the same thing. A module's own codes are declared by the module
 * (`defineErrors`), never added here.
 */
const platformErrors = {
  VALIDATION_FAILED: { status: 422, messageKey: 'common.error.validation' },
  /** The body could not be read at all (broken or empty JSON, a length that does not match). */
  MALFORMED_BODY: { status: 400, messageKey: 'common.error.malformed' },
  BODY_TOO_LARGE: { status: 413, messageKey: 'common.error.too_large' },
  /** A NUL (U+0000) somewhere in the request: refused by every surface before its handler. */
  CONTROL_CHARACTERS: { status: 422, messageKey: 'common.error.control_chars' },
  /** A file in a form is larger than the route takes (multipart.ts). */
  FILE_TOO_LARGE: { status: 413, messageKey: 'common.error.file_too_large' },
  /** A form carries more files than the route takes. */
  TOO_MANY_FILES: { status: 413, messageKey: 'common.error.too_many_files' },
  /** A file in a form is of a type the route does not take, or is not what it claims to be. */
  FILE_TYPE: { status: 422, messageKey: 'common.error.file_type' },
  /** The body came in a content type this surface does not parse. */
  UNSUPPORTED_MEDIA_TYPE: { status: 415, messageKey: 'common.error.unsupported_media_type' },
  CSRF_INVALID: { status: 403, messageKey: 'common.error.csrf' },
  UNAUTHENTICATED: { status: 401, messageKey: 'common.error.unauthenticated' },
  FORBIDDEN: { status: 403, messageKey: 'common.error.forbidden' },
  NOT_FOUND: { status: 404, messageKey: 'common.error.not_found' },
  CONFLICT: { status: 409, messageKey: 'common.error.conflict' },
  RATE_LIMITED: { status: 429, messageKey: 'common.error.rate_limited' },
  /** Sealed mode (ADR 10): nothing that reads case content works until an unseal. */
  SEALED: { status: 503, messageKey: 'common.error.sealed' },
  INTERNAL: { status: 500, messageKey: 'common.error.internal' },
} as const satisfies Record<string, ErrorDefinition>;

/**
 * The codes modules add. A module declares its codes in TypeScript by augmenting this
 * interface (`declare module '…/platform/errors.js' { interface ModuleErrorCodes { X: true } }`)
 * and at run time with `defineErrors`, so both the type and the catalogue know them.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface ModuleErrorCodes {}

export type ErrorCode = keyof typeof platformErrors | keyof ModuleErrorCodes;

const catalog = new Map<string, ErrorDefinition>(Object.entries(platformErrors));

/**
 * Adds a module's codes to the catalogue (at import of the module's errors file, so any code
 * that can fail with one has it defined). The same definition twice is harmless; a code
 * defined twice differently, or clashing with a platform code, throws at start.
 */
export function defineErrors<C extends string>(defs: Record<C, ErrorDefinition>): Readonly<Record<C, ErrorDefinition>> {
  for (const [code, def] of Object.entries(defs) as [string, ErrorDefinition][]) {
    const known = catalog.get(code);
    if (known && (known.status !== def.status || known.messageKey !== def.messageKey))
      throw new Error(`the error code ${code} is defined twice`);
    catalog.set(code, def);
  }
  return defs;
}

/** The status and message key of `code`. */
export function errorDefinition(code: ErrorCode): ErrorDefinition {
  const def = catalog.get(code);
  if (!def) throw new Error(`the error code ${code} is not defined: is its module's errors file imported?`);
  return def;
}

/** Every code known to this process, for the API's description and tests. */
export function knownErrorCodes(): string[] {
  return [...catalog.keys()];
}

/** A typed expected outcome: success with a value, or a catalogued failure. */
export type Result<T> =
  | { ok: true; value: T }
  | {
      ok: false;
      code: ErrorCode;
      field?: string;
      /** A more precise message than the code's own (an i18n key taking no values), when one is known. */
      messageKey?: string;
    };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T = never>(code: ErrorCode, field?: string): Result<T> =>
  field === undefined ? { ok: false, code } : { ok: false, code, field };

/** The API's error body: `{ error: { code, message, field? } }`. */
export function apiError(code: ErrorCode, message: string, field?: string) {
  return { error: field === undefined ? { code, message } : { code, message, field } };
}

/** What a route's configuration says about its limits, for the messages that name them. */
export interface RouteLimits {
  /** The longest text the route takes, in characters (platform/http/body-limit.ts). */
  textMax?: number | undefined;
  /** The files it takes (platform/http/multipart.ts). */
  multipart?: { maxFileBytes: number; maxFiles: number } | undefined;
}

/**
 * What an error says for `code`, in the reader's language. A 413 on a route that takes text
 * (route config `textMax`, see platform/http/body-limit.ts) says how long a text may be; a
 * file too large or one too many says how large and how many (route config `multipart`).
 */
export function errorMessage(t: Translate, code: ErrorCode, limits?: number | RouteLimits): string {
  const { textMax, multipart } = typeof limits === 'number' ? { textMax: limits, multipart: undefined } : (limits ?? {});
  if (code === 'BODY_TOO_LARGE' && textMax) return t('common.error.too_large_text', { max: textMax });
  if (code === 'FILE_TOO_LARGE' && multipart)
    return t('common.error.file_too_large_max', { mb: multipart.maxFileBytes / (1024 * 1024) });
  if (code === 'TOO_MANY_FILES' && multipart) return t('common.error.too_many_files_max', { max: multipart.maxFiles });
  return t(errorDefinition(code).messageKey);
}

/** Errors after which going back in the browser finds what was typed, and can send it again. */
export const KEEPS_WHAT_WAS_TYPED: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'BODY_TOO_LARGE',
  'CONTROL_CHARACTERS',
]);
