import { ACTIVE_STATUSES, CASE_STATUSES, type CaseStatus } from '../../contracts/case.js';

// Pure rules about cases: the status lifecycle and the first-response clock. No I/O.

/**
 * Where a case may go from each status. The main line is new → vetting → open → waiting →
 * resolved → closed; vetting may find a request out of mandate, which is then referred to a
 * partner or closed. A reply may skip vetting (new → open) because the helpline's practice is
 * to acknowledge every request quickly. Resolved and closed cases can be reopened, as they are
 * when the requester writes again. A request that is not yet being worked on (new, vetting)
 * may be marked as spam; "not spam" brings it back as new. Spam is finished (closed_at is
 * set), so retention can delete it a few days later.
 */
export const STATUS_TRANSITIONS: Readonly<Record<CaseStatus, readonly CaseStatus[]>> = {
  new: ['vetting', 'open', 'spam'],
  vetting: ['open', 'out_of_mandate', 'spam'],
  open: ['waiting', 'resolved'],
  waiting: ['open', 'resolved'],
  resolved: ['closed', 'open'],
  closed: ['open'],
  out_of_mandate: ['referred', 'closed'],
  referred: ['closed'],
  spam: ['new'],
};

/**
 * The largest case id there can be: `cases.id` is a 32-bit integer on PostgreSQL, which
 * refuses a larger number in a query rather than finding nothing.
 */
export const MAX_CASE_ID = 2_147_483_647;

/** A case id as it arrives in a path, form or cursor, or null when it cannot be one. */
export function parseCaseId(raw: unknown): number | null {
  if (typeof raw !== 'string' || !/^[1-9]\d{0,9}$/.test(raw)) return null;
  const id = Number(raw);
  return id <= MAX_CASE_ID ? id : null;
}

/** True when a case in `from` may move to `to`. Staying put is not a transition. */
export function canTransition(from: string, to: string): boolean {
  return (STATUS_TRANSITIONS[from as CaseStatus] ?? []).includes(to as CaseStatus);
}

/** Statuses that end the helpline's work on a case (closed_at is set on entering them). */
export const FINISHED_STATUSES: readonly CaseStatus[] = ['closed', 'referred', 'spam'];

/** True for the statuses the queue shows by default. */
export function isActive(status: string): boolean {
  return (ACTIVE_STATUSES as readonly string[]).includes(status);
}

/** The status filter's choice of every status, beside each status on its own. */
export const ALL_STATUSES = 'all';

/**
 * The statuses a queue lists: the one chosen, every one (`all`), or by default the active
 * ones. Marked spam is always suspected spam too (case.service.ts, spam.service.ts), so the
 * main queue, which leaves suspected spam out, has no case of it to list; the suspected-spam
 * queue adds it. Each status is one range of the queue's indexes (case.repo.ts `listQueueRows`).
 */
export function queueStatuses(
  view: 'main' | 'spam',
  status: CaseStatus | typeof ALL_STATUSES | undefined,
): readonly CaseStatus[] {
  if (status === ALL_STATUSES)
    return view === 'spam' ? CASE_STATUSES : CASE_STATUSES.filter((s) => s !== 'spam');
  if (status) return [status];
  return view === 'spam' ? [...ACTIVE_STATUSES, 'spam'] : ACTIVE_STATUSES;
}

/**
 * What the first reply does to the status: a new case becomes open (it has been
 * acknowledged); a case in vetting stays there, because answering a question asked during
 * vetting does not finish the mandate check.
 */
export function statusAfterReply(status: string): string {
  return status === 'new' ? 'open' : status;
}

export type Escalation = 'none' | 'lead' | 'director';

/**
 * The first-response clock of a case, as the queue and the case page show it: two facts.
 * `first` is the first response: when it was made, or else the deadline and how far it is
 * (ahead or past). `awaiting` is there when the requester wrote after our last reply: since
 * when, and for how long; before the first response, the deadline says it. `escalation`
 * follows how long the requester has waited unanswered, either way.
 */
export interface Clock {
  first:
    | { kind: 'due'; ms: number; dueAt: number }
    | { kind: 'overdue'; ms: number; dueAt: number }
    | { kind: 'answered'; at: number };
  awaiting: { since: number; ms: number } | null;
  escalation: Escalation;
}

export interface ClockRow {
  awaiting_reply: number;
  created_at: number;
  first_response_due_at: number;
  first_response_at: number | null;
  last_activity_at: number;
}

/**
 * The first-response clock of a case. Before the first reply it counts down to the deadline
 * (or up once overdue); after it, it says when the first reply was made, and a requester's
 * new message starts an "awaiting our reply" count from their latest activity (the moment
 * `last_activity_at` keeps). Escalation follows how long the requester has waited
 * unanswered: to the shift lead at `leadMinutes`, to the director at `directorMinutes`; without
 * them, none. The queue and the case page give none: their marker is the escalation ladder's
 * record (its queue note and its case page section, ADR 34), not minutes from the configuration.
 */
export function caseClock(
  row: ClockRow,
  now: number,
  leadMinutes = Number.POSITIVE_INFINITY,
  directorMinutes = Number.POSITIVE_INFINITY,
): Clock {
  const awaiting = row.awaiting_reply !== 0;
  const since = row.first_response_at === null ? row.created_at : row.last_activity_at;
  const waited = Math.max(0, now - since);
  const escalation: Escalation = !awaiting
    ? 'none'
    : waited >= directorMinutes * 60_000
      ? 'director'
      : waited >= leadMinutes * 60_000
        ? 'lead'
        : 'none';
  if (row.first_response_at !== null) {
    return {
      first: { kind: 'answered', at: row.first_response_at },
      awaiting: awaiting ? { since, ms: waited } : null,
      escalation,
    };
  }
  const dueAt = row.first_response_due_at;
  const left = dueAt - now;
  return {
    first: left >= 0 ? { kind: 'due', ms: left, dueAt } : { kind: 'overdue', ms: -left, dueAt },
    awaiting: null,
    escalation,
  };
}

/** A duration split for plain-words display: days and hours, or hours and minutes, or minutes. */
export function splitDuration(ms: number): { days: number; hours: number; minutes: number } {
  const totalMinutes = Math.floor(ms / 60_000);
  return {
    days: Math.floor(totalMinutes / 1440),
    hours: Math.floor((totalMinutes % 1440) / 60),
    minutes: totalMinutes % 60,
  };
}

let lastMs = 0;
let sequence = 0;

/**
 * A UUIDv7 for a message: its first 48 bits are `ms`, then a 12-bit sequence, so messages
 * written in the same millisecond (a reply and a note sent together by the API) still list
 * in the order they were written when sorted by (created_at, id).
 */
export function messageId(ms: number): string {
  sequence = ms === lastMs ? sequence + 1 : 0;
  lastMs = ms;
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const time = BigInt(Math.max(0, Math.floor(ms)));
  for (let i = 0; i < 6; i++) bytes[i] = Number((time >> BigInt(8 * (5 - i))) & 0xffn);
  const seq = Math.min(sequence, 0xfff);
  bytes[6] = 0x70 | (seq >> 8);
  bytes[7] = seq & 0xff;
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
