import { z } from 'zod';
import { safeString } from '../../platform/http/validation.js';
import { QueueQuery } from './case.schema.js';

// A person's saved views of the queue: a name and the queue's query, normalised. The query is
// checked with the queue's own schema when it is saved and again each time it is used, so a
// view saved before a code was retired, or a forged one, never reaches the queue unchecked.

/** Longest name of a saved view, in characters. */
export const SAVED_VIEW_NAME_MAX = 60;
/** Most views one person may keep. */
export const SAVED_VIEWS_MAX = 20;
/** Longest query a saved view keeps (a normalised query is far shorter). */
export const SAVED_VIEW_QUERY_MAX = 1_000;

/** The queue's parameters a view keeps, in the order its address writes them (never a cursor or a page size). */
export const VIEW_KEYS = [
  'view',
  'status',
  'incident_type',
  'region',
  'language',
  'assignee',
  'received_from',
  'received_to',
  'sort',
] as const;

/** The queue's query without its page: what a view keeps. */
export type ViewQuery = Pick<QueueQuery, (typeof VIEW_KEYS)[number]>;

/**
 * A query written one way: the kept parameters in `VIEW_KEYS` order, each once, defaults left
 * out (the main view, the deadline order), so the same view always reads the same.
 */
export function normaliseQuery(q: ViewQuery): string {
  const params = new URLSearchParams();
  for (const k of VIEW_KEYS) {
    const v = q[k];
    if (v === undefined) continue;
    if ((k === 'view' && v === 'main') || (k === 'sort' && v === 'deadline')) continue;
    params.set(k, String(v));
  }
  return params.toString();
}

/** A queue address's query without its page (cursor, size): what a view, or the way back to the queue, keeps. */
export function withoutPage(query: string): string {
  if (query.length > SAVED_VIEW_QUERY_MAX) return query;
  const params = new URLSearchParams(query);
  params.delete('cursor');
  params.delete('limit');
  return params.toString();
}

/** A stored or posted query read back: the queue's schema, its page left out; null when refused. */
export function readViewQuery(query: string): ViewQuery | null {
  if (query.length > SAVED_VIEW_QUERY_MAX) return null;
  const raw: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(query)) {
    if (!(VIEW_KEYS as readonly string[]).includes(k) || k in raw || v === '') return null;
    raw[k] = v;
  }
  const parsed = QueueQuery.safeParse(raw);
  if (!parsed.success) return null;
  const kept: Record<string, unknown> = {};
  for (const k of VIEW_KEYS) if (parsed.data[k] !== undefined) kept[k] = parsed.data[k];
  return kept as ViewQuery;
}

/** The save form: a name, and the query the queue page was showing. */
export const SaveViewForm = z.object({
  view_name: safeString({ error: 'cases.saved.error.name_required' })
    .trim()
    .min(1, 'cases.saved.error.name_required')
    .max(SAVED_VIEW_NAME_MAX, 'cases.saved.error.name_too_long'),
  query: safeString().max(SAVED_VIEW_QUERY_MAX, 'cases.saved.error.query_invalid').default(''),
});
export type SaveViewForm = z.infer<typeof SaveViewForm>;
