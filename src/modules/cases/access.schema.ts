import { z } from 'zod';
import { safeString } from '../../platform/http/validation.js';

// Need-to-know's inputs (ADR 32), shared by the case page's forms and the API. Messages are
// i18n keys (locales/<lang>/access.json).

/** Most people one case's list may hold: more is a forged form or a broken client. */
export const ACCESS_LIST_MAX = 200;

/** A staff member's id, as the forms and the API name people. */
const personId = safeString({ error: 'access.error.person_required' })
  .trim()
  .min(1, 'access.error.person_required')
  .max(64, 'access.error.person_unknown');

/** The version the page showed (restricting and lifting it are checked against it). */
const version = z.coerce.number().int().min(1, 'cases.error.version_required');

/** `POST /staff/cases/:id/restriction`: restrict (`yes`) or lift the restriction (`no`). */
export const RestrictForm = z.object({
  restricted: z.enum(['yes', 'no'], { message: 'access.error.choice_required' }).transform((v) => v === 'yes'),
  version,
});
export type RestrictForm = z.infer<typeof RestrictForm>;

/** `POST /staff/cases/:id/access` and `…/access/remove`: one person to list or to take off. */
export const AccessPersonForm = z.object({ person: personId });
export type AccessPersonForm = z.infer<typeof AccessPersonForm>;

/**
 * `PUT /api/v1/cases/{id}/access`: the whole state, in one transaction: whether the case is
 * restricted and exactly who is listed (the one who restricts it and its assignee are always
 * added), at the version it was read at.
 */
export const AccessInput = z.strictObject({
  restricted: z.boolean({ message: 'access.error.choice_required' }),
  people: z
    .array(personId)
    .max(ACCESS_LIST_MAX, 'access.error.too_many')
    .refine((ids) => new Set(ids).size === ids.length, 'access.error.duplicate'),
  version: z.number().int().min(1, 'cases.error.version_required'),
});
export type AccessInput = z.infer<typeof AccessInput>;

/** A listed person, as the API shows them. */
export const AccessPerson = z.object({
  id: z.string(),
  display_name: z.string(),
  added_by: z.string(),
  added_at: z.string(),
});

/** `GET` and `PUT /api/v1/cases/{id}/access`: who may know the case. */
export const CaseAccess = z.object({
  case_id: z.number().int(),
  restricted: z.boolean(),
  people: z.array(AccessPerson),
  version: z.number().int(),
});
export type CaseAccess = z.infer<typeof CaseAccess>;
