import { z } from 'zod';
import { ALL_STATUSES, parseCaseId } from './case.js';
import { isCalendarDay, QUEUE_SORTS } from './queue.js';
import { CASE_STATUSES, MESSAGE_KINDS, URGENCIES } from '../../contracts/case.js';
import { freeText, safeString } from '../../platform/http/validation.js';
import { CaseLinkOut } from './link.schema.js';

// Input and output schemas of the cases module. The HTML forms and the JSON API parse with
// the same input schemas (forms first turn blank fields into null, see `formValues`), and
// the OpenAPI document is generated from these, so the three cannot drift apart. Messages
// are i18n keys: a person never reads zod's English. Every input string starts from
// safeString or freeText, which refuse control characters.

/** Longest reply or note, in characters. */
export const MESSAGE_MAX = 20_000;

/** A taxonomy code; whether it exists is checked against the taxonomy (data) by the service. */
const code = safeString().trim().min(1).max(64, 'cases.error.unknown_term');
const nullableCode = code.nullable();

/** Triage fields. Every one is optional so that the API can change only some of them. */
export const TriageInput = z.object({
  incident_type: nullableCode.optional(),
  urgency: z.enum(URGENCIES, { message: 'cases.error.urgency_required' }).optional(),
  severity: nullableCode.optional(),
  country: nullableCode.optional(),
  beneficiary: nullableCode.optional(),
  language: code.optional(),
  mandate: code.optional(),
});
export type TriageInput = z.infer<typeof TriageInput>;
export const TRIAGE_FIELDS = Object.keys(TriageInput.shape) as (keyof TriageInput)[];

/** The version a form or API client last saw, for optimistic concurrency. */
const version = z.coerce.number().int().min(1, 'cases.error.version_required');

export const TriageForm = TriageInput.extend({ version });
export type TriageForm = z.infer<typeof TriageForm>;

export const AssignForm = z.object({ assignee_id: safeString().max(64).nullable(), version });
export type AssignForm = z.infer<typeof AssignForm>;

export const ClaimForm = z.object({ version });

export const StatusForm = z.object({
  status: z.enum(CASE_STATUSES, { message: 'cases.error.status_required' }),
  version,
  /** A lead moving the case on although another module's check refused it (ADR 31); blank is no. */
  override: z
    .union([z.literal('yes'), z.null()])
    .optional()
    .transform((v) => v === 'yes'),
});
export type StatusForm = z.infer<typeof StatusForm>;

/** A reply to the requester or an internal note. */
export const MessageInput = z.object({
  body: freeText({ error: 'cases.error.body_required' })
    .trim()
    .min(1, 'cases.error.body_required')
    .max(MESSAGE_MAX, 'cases.error.body_too_long'),
});
export type MessageInput = z.infer<typeof MessageInput>;

/**
 * The case page's reply form: the reply, and the status the case moves to with it
 * (`next_status`, blank: as the reply leaves it), with the version the page showed. Its
 * status field has a name of its own so that its id differs from the status form's.
 */
export const ReplyForm = MessageInput.extend({
  next_status: z.enum(CASE_STATUSES, { message: 'cases.error.status_required' }).nullable().optional(),
  version: version.optional(),
  /** To the requester of a case merged into this one (ADR 38); blank: the case's own requester. */
  to: z.coerce.number({ message: 'cases.reply.error.to' }).int('cases.reply.error.to').positive('cases.reply.error.to').nullable().optional(),
});
export type ReplyForm = z.infer<typeof ReplyForm>;

/**
 * `POST /api/v1/cases/{id}/replies`: the reply and, optionally, the status the case moves to
 * with it (the case page's "reply and set status"), with the version it was read at.
 */
export const ReplyInput = MessageInput.extend({
  status: z.enum(CASE_STATUSES, { message: 'cases.error.status_required' }).optional(),
  version: version.optional(),
  to: z
    .number({ message: 'cases.reply.error.to' })
    .int('cases.reply.error.to')
    .positive('cases.reply.error.to')
    .nullable()
    .optional()
    .describe('A case merged into this one: the reply goes to its requester (their receipt) alone; absent or null: the case’s own requester'),
});
export type ReplyInput = z.infer<typeof ReplyInput>;

/** `PATCH /api/v1/cases/{id}`: triage, assignment and status in one change. */
export const PatchCaseInput = z.strictObject({
  ...TriageInput.shape,
  assignee_id: safeString().max(64).nullable().optional(),
  status: z.enum(CASE_STATUSES, { message: 'cases.error.status_required' }).optional(),
  version: version.optional(),
  /**
   * With `status`: move on although another module's check refused it (coordinators and
   * administrators; audited as `case.checks_overridden`, ADR 31).
   */
  override_checks: z.boolean().optional(),
});
export type PatchCaseInput = z.infer<typeof PatchCaseInput>;

/** A calendar day as a date field sends it, and a real one (no 31 February). */
const day = safeString()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'cases.error.day_invalid')
  .refine((d) => isCalendarDay(d), 'cases.error.day_invalid');

/** Queue filters, from the staff queue's GET form or the API's query string. */
export const QueueQuery = z.object({
  /** `main` (default) or `spam`: the queue of requests intake saved as suspected spam. */
  view: z.enum(['main', 'spam']).optional(),
  /** One status, or `all`; without it, the active statuses. */
  status: z.enum([...CASE_STATUSES, ALL_STATUSES]).optional(),
  incident_type: code.optional(),
  region: code.optional(),
  language: code.optional(),
  /** A staff member's id, `unassigned`, or `mine`. */
  assignee: safeString().trim().min(1).max(64).optional(),
  /** The order: `deadline` (default: awaiting a reply first, then first-response deadline), `activity` (latest first), `received` (newest first). */
  sort: z.enum(QUEUE_SORTS).optional(),
  /** Received on or after this day (YYYY-MM-DD, in the reader's time zone). */
  received_from: day.optional(),
  /** Received on or before this day (YYYY-MM-DD, in the reader's time zone). */
  received_to: day.optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
  /** The opaque `next_cursor` of the previous page (of the same sort). */
  cursor: safeString()
    .regex(/^([01]|k)\.\d{1,16}\.[1-9]\d{0,9}$/)
    .refine((c) => parseCaseId(c.split('.')[2]) !== null)
    .optional(),
});
export type QueueQuery = z.infer<typeof QueueQuery>;

/** Turns a form or query body into parseable values: blank strings become null (or are dropped). */
export { formValues } from '../../platform/http/form.js';

// Output shapes of the API (documented in the OpenAPI document and checked by its test).

const time = z.iso.datetime().describe('ISO 8601, UTC');

export const CaseSummary = z.strictObject({
  id: z.number().int(),
  status: z.enum(CASE_STATUSES),
  urgency: z.enum(URGENCIES),
  incident_type: z.string().nullable(),
  rsit: z
    .string()
    .nullable()
    .describe('Reference Security Incident Taxonomy class/type of the incident type'),
  severity: z.string().nullable(),
  country: z.string().nullable(),
  region: z.string().nullable(),
  language: z.string(),
  beneficiary: z.string().nullable(),
  mandate: z.string(),
  assignee_id: z.string().nullable(),
  awaiting_reply: z.boolean(),
  created_at: time,
  updated_at: time,
  first_response_due_at: time,
  first_response_at: time.nullable(),
  last_activity_at: time,
  closed_at: time.nullable(),
  version: z.number().int(),
});
export type CaseSummary = z.infer<typeof CaseSummary>;

export const CaseMessage = z.strictObject({
  id: z.string(),
  kind: z
    .enum(MESSAGE_KINDS)
    .describe(
      'requester: from the requester; reply: sent to the requester; note: internal, never shown to the requester',
    ),
  author_id: z.string().nullable(),
  author_name: z.string().nullable(),
  body: z.string(),
  created_at: time,
  via: z
    .number()
    .int()
    .nullable()
    .optional()
    .describe('The case merged into this one whose receipt the message belongs to; null: this case’s own requester'),
});
export type CaseMessage = z.infer<typeof CaseMessage>;

export const CaseDetail = CaseSummary.extend({
  contact_method: z.string(),
  contact: z.string().nullable(),
  messages: z.array(CaseMessage),
  merged_into: z.number().int().nullable().describe('The case this one was merged into (it is closed); null unless merged'),
  merged_here: z.array(z.number().int()).describe('Cases merged into this one: their requesters reach its conversation with their receipts'),
  links: z.array(CaseLinkOut).describe('Linked cases the caller may know'),
});
export type CaseDetail = z.infer<typeof CaseDetail>;

export const CaseList = z.strictObject({
  data: z.array(CaseSummary),
  next_cursor: z
    .string()
    .nullable()
    .describe('Pass as `cursor` for the next page; null on the last page'),
});

export const MessageCreated = z.strictObject({ message: CaseMessage, case: CaseSummary });

export const ApiErrorBody = z.strictObject({
  error: z.strictObject({ code: z.string(), message: z.string(), field: z.string().optional() }),
});
