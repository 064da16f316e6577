import { z } from 'zod';
import { safeString } from '../../platform/http/validation.js';

// The audit log page's filters, read from the address (a plain GET form): each is optional,
// and each refuses what no form of Haven sends with a message of its own, so a mistyped
// address is answered by the page with the field named, never by a failed query.

/** A person's id as Haven writes it (a UUID today); the page also checks that they exist. */
const actor = safeString()
  .trim()
  .max(64, { error: 'audit.error.actor_unknown' })
  .regex(/^[A-Za-z0-9_-]+$/, { error: 'audit.error.actor_unknown' });

/** An action code (`case.viewed`); the page also checks that the log holds it. */
const action = safeString()
  .trim()
  .max(64, { error: 'audit.error.action_unknown' })
  .regex(/^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/, { error: 'audit.error.action_unknown' });

/** A case number: digits only, as the case page's address has it. */
const caseNumber = safeString()
  .trim()
  .max(10, { error: 'audit.error.case_invalid' })
  .regex(/^[1-9][0-9]*$/, { error: 'audit.error.case_invalid' })
  .transform(Number)
  .refine((n) => n <= 2_147_483_647, { error: 'audit.error.case_invalid' });

const DAY_MS = 24 * 60 * 60 * 1000;

/** The start of a calendar day in UTC, or null for anything but a real YYYY-MM-DD date. */
export function utcDayStart(s: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return null;
  const ms = Date.parse(`${s}T00:00:00.000Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== s) return null;
  return ms;
}

const day = safeString()
  .trim()
  .max(10, { error: 'audit.error.date_invalid' })
  .refine((s) => utcDayStart(s) !== null, { error: 'audit.error.date_invalid' });

/** The opaque `next` of the previous page: the last entry's time and id. */
const cursor = safeString().regex(/^\d{1,15}\.[1-9]\d{0,15}$/);

export const AuditQuery = z
  .object({
    actor: actor.optional(),
    action: action.optional(),
    case: caseNumber.optional(),
    /** The first day shown, in UTC (inclusive). */
    from: day.optional(),
    /** The last day shown, in UTC (inclusive: up to its end). */
    to: day.optional(),
    cursor: cursor.optional(),
  })
  .superRefine((q, ctx) => {
    if (q.from !== undefined && q.to !== undefined && q.from > q.to) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'audit.error.range_reversed' });
    }
  });
export type AuditQuery = z.infer<typeof AuditQuery>;

/** The filters as the repository takes them: a person, an action, a case, a time range in ms. */
export interface AuditFilters {
  actorId?: string;
  action?: string;
  caseId?: number;
  /** Inclusive. */
  fromMs?: number;
  /** Exclusive: the start of the day after `to`. */
  toMs?: number;
}

/** The filters of a valid query. */
export function filtersOf(q: AuditQuery): AuditFilters {
  return {
    ...(q.actor !== undefined ? { actorId: q.actor } : {}),
    ...(q.action !== undefined ? { action: q.action } : {}),
    ...(q.case !== undefined ? { caseId: q.case } : {}),
    ...(q.from !== undefined ? { fromMs: utcDayStart(q.from)! } : {}),
    ...(q.to !== undefined ? { toMs: utcDayStart(q.to)! + DAY_MS } : {}),
  };
}

/** A page's position: after the entry of this time and id (newest first). */
export interface AuditCursor {
  at: number;
  id: number;
}

export function parseCursor(c: string | undefined): AuditCursor | null {
  if (c === undefined) return null;
  const [at, id] = c.split('.');
  return { at: Number(at), id: Number(id) };
}

export function formatCursor(c: AuditCursor): string {
  return `${c.at}.${c.id}`;
}

/** The names of the filters in the address, in the form's order. */
export const FILTER_FIELDS = ['actor', 'action', 'case', 'from', 'to'] as const;
