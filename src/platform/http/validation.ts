import { z } from 'zod';
import type { FieldErrors } from '../views/form.js';
import { hasForbiddenChars, normalizeNewlines } from '../text.js';

/** The field message for text holding a character no typed text contains (platform/text.ts). */
export const CONTROL_CHARS_MESSAGE = 'common.form.control_chars';

/**
 * The string every input schema starts from, instead of `z.string()`: it refuses control
 * characters, lone surrogates and noncharacters (see platform/text.ts) before any other check,
 * with a field message of its own, so no such character reaches a service or the database.
 */
export function safeString(params?: Parameters<typeof z.string>[0]) {
  return z.string(params).refine((s) => !hasForbiddenChars(s), {
    message: CONTROL_CHARS_MESSAGE,
    abort: true,
  });
}

/**
 * Free text (a request, a message, a reply): a safeString whose line breaks are counted as
 * one character each, as the person sees them (browsers send CRLF).
 */
export function freeText(params?: Parameters<typeof z.string>[0]) {
  return safeString(params).overwrite(normalizeNewlines);
}

/**
 * Turns a zod failure into per-field message keys. Schemas give their messages as i18n keys
 * (e.g. `intake.error.description_required`); any other message becomes the generic
 * `common.form.invalid`, so a person never sees zod's English.
 */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? '_form');
    if (out[field]) continue;
    out[field] = /^[a-z_]+\.[a-z0-9_.]+$/.test(issue.message) ? issue.message : 'common.form.invalid';
  }
  return out;
}

/** Form bodies arrive as strings or arrays of strings; anything else becomes undefined. */
export function formBody(body: unknown): Record<string, string | string[] | undefined> {
  if (!body || typeof body !== 'object') return {};
  return body as Record<string, string | string[] | undefined>;
}

/**
 * Where a NUL (U+0000) hides in a parsed body, query string or route parameters: the path of
 * the first string (or key) holding one, such as `assignee` or `messages.0.body`, or null.
 * PostgreSQL cannot store U+0000 and refuses a query carrying one, so each surface refuses the
 * request before its handler runs (surfaces.ts), whatever the route's own schema checks.
 */
export function findNul(value: unknown): string | null {
  // Depth-first with a stack of its own, so a deeply nested JSON body cannot overflow it.
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\0')) return path || '_body';
    } else if (v && typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, child] = entries[i]!;
        if (k.includes('\0')) return path || '_body';
        stack.push([child, path ? `${path}.${k}` : k]);
      }
    }
  }
  return null;
}
