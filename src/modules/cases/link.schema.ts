import { z } from 'zod';
import { safeString } from '../../platform/http/validation.js';
import { parseCaseId } from './case.js';
import { LINK_REASONS } from './link.js';

// The inputs of linking and merging cases (ADR 38), shared by the case page's forms and the API.
// Messages are i18n keys (locales/<lang>/cases.json).

/**
 * A case number as a person types it ("1234", "#1234", " # 1234 ") or as the API sends it (a
 * number): the case's id. Anything else is refused with one message, whether it names a case or not.
 */
export const caseNumber = z
  .union([z.number(), safeString()])
  .transform((v, ctx) => {
    const id = typeof v === 'number' ? (Number.isSafeInteger(v) ? parseCaseId(String(v)) : null) : v.length > 20 ? null : parseCaseId(v.trim().replace(/^#\s*/, ''));
    if (id === null) {
      ctx.addIssue({ code: 'custom', message: 'cases.link.error.number' });
      return z.NEVER;
    }
    return id;
  });

/** `POST /staff/cases/:id/links`: the other case and why (related when not said). */
export const LinkForm = z.object({
  other: caseNumber,
  reason: z.enum(LINK_REASONS, { message: 'cases.link.error.reason' }).nullable().optional().transform((r) => r ?? 'related'),
});
export type LinkForm = z.infer<typeof LinkForm>;

/** `POST /staff/cases/:id/links/remove`: the other case of the link to remove. */
export const UnlinkForm = z.object({ other: caseNumber });

/** `POST /staff/cases/:id/merge`: the case this one (the duplicate) is merged into, at the version the page showed. */
export const MergeForm = z.object({
  into: caseNumber,
  version: z.coerce.number().int().min(1, 'cases.error.version_required').optional(),
});
export type MergeForm = z.infer<typeof MergeForm>;

/** `POST /api/v1/cases/{id}/links`. */
export const LinkInput = z.strictObject({
  case: caseNumber.describe('The other case: its id (a number, or "#1234" as typed)'),
  reason: z.enum(LINK_REASONS, { message: 'cases.link.error.reason' }).optional().describe('Why they are linked; related when absent'),
});

/** `POST /api/v1/cases/{id}/merge`. */
export const MergeInput = z.strictObject({
  into: caseNumber.describe('The case this one is merged into: its id'),
  version: z.number().int().min(1).optional().describe('The version of this case the client read; CONFLICT when it changed'),
});

/** A link as the API shows it. */
export const CaseLinkOut = z.strictObject({
  case_id: z.number().int(),
  status: z.string(),
  merged_into: z.number().int().nullable(),
  reason: z.enum(LINK_REASONS),
  created_at: z.iso.datetime().describe('ISO 8601, UTC'),
});

/** What a merge answers. */
export const MergeResult = z.strictObject({
  into: z.number().int(),
  messages: z.number().int().describe('Messages moved'),
  files: z.number().int().describe('Files moved'),
});
