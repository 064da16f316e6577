// Pure rules of notifications: the kinds, the channels, what a person gets when they have
// chosen nothing, and when a case's first-response deadline is near. No I/O.

/**
 * Why a person is notified: a new request in their team's region or language, a requester who
 * wrote on their case, a case assigned to them, a first-response deadline close, an escalation.
 */
export const NOTIFICATION_KINDS = ['new_request', 'requester_wrote', 'case_assigned', 'deadline', 'escalation', 'referral_follow_up'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** Where a notification reaches a person: their page in Haven, or their email. */
export const CHANNELS = ['in_app', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];

/**
 * What a person gets before choosing: everything in Haven; by email, what is theirs or urgent
 * (a case assigned to them, a requester who wrote, a deadline, an escalation), but not every
 * new request of their team, which a busy helpline receives many times a day.
 */
export const DEFAULTS: Readonly<Record<NotificationKind, Readonly<Record<Channel, boolean>>>> = {
  new_request: { in_app: true, email: false },
  requester_wrote: { in_app: true, email: true },
  case_assigned: { in_app: true, email: true },
  deadline: { in_app: true, email: true },
  escalation: { in_app: true, email: true },
  // A referral's follow-up date came (the referrals module, ADR 36): the referring person's own work.
  referral_follow_up: { in_app: true, email: true },
};

/** A person's choices: each kind on each channel. */
export type Preferences = Record<NotificationKind, Record<Channel, boolean>>;

/** The choices of someone whose stored rows are `rows` (a missing row is the default). */
export function preferencesOf(rows: readonly { kind: string; channel: string; enabled: number }[]): Preferences {
  const prefs = Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, { ...DEFAULTS[k] }])) as Preferences;
  for (const r of rows) {
    if (isKind(r.kind) && isChannel(r.channel)) prefs[r.kind][r.channel] = r.enabled === 1;
  }
  return prefs;
}

export function isKind(v: string): v is NotificationKind {
  return (NOTIFICATION_KINDS as readonly string[]).includes(v);
}

export function isChannel(v: string): v is Channel {
  return (CHANNELS as readonly string[]).includes(v);
}

/** How long before its first-response deadline a case's people are told it is near. */
export const DEADLINE_WARNING_MS = 30 * 60_000;

/**
 * How far back the clock job looks: a case whose deadline or escalation point passed longer
 * ago than this (while no worker ran) is not announced late; the queue shows it anyway.
 */
export const CLOCK_LOOKBACK_MS = 24 * 60 * 60_000;

/** What the clock job reads of a case awaiting a reply. */
export interface ClockFacts {
  id: number;
  created_at: number;
  first_response_due_at: number;
  first_response_at: number | null;
  last_activity_at: number;
}

/**
 * The mark of a case's first-response deadline being near, or null when it is not (answered,
 * further than DEADLINE_WARNING_MS away, or passed longer than CLOCK_LOOKBACK_MS ago). The
 * mark names the deadline, so a deadline that moves would be announced again, once.
 */
export function deadlineMark(c: ClockFacts, now: number): string | null {
  if (c.first_response_at !== null) return null;
  const due = c.first_response_due_at;
  if (due - now > DEADLINE_WARNING_MS || now - due > CLOCK_LOOKBACK_MS) return null;
  return `deadline:${c.id}:${due}`;
}

/**
 * The mark of an escalation: one per case, step of the escalation ladder and wait (the wait
 * starts when the case was created, or at the requester's latest message after a reply), so a
 * redelivered `escalation.step_reached` tells nobody twice, and a requester who writes again
 * and waits again escalates again.
 */
export function escalationMark(p: { caseId: number; stepId: string; waitStartedAt: number }): string {
  return `escalation:${p.caseId}:${p.stepId}:${p.waitStartedAt}`;
}

/** A notification id in a page's address or form: a UUID. */
export const NOTIFICATION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
