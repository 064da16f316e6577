import type { z } from 'zod';
import type { FieldErrors } from '../views/form.js';

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
