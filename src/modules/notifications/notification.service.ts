import { randomUUID } from 'node:crypto';
import type { Deps } from '../../deps.js';
import type { Principal } from '../../platform/auth/roles.js';
import { hasRole } from '../../platform/auth/policy.js';
import { actorOf, recordAudit } from '../../platform/audit/audit.js';
import { enqueue } from '../../platform/jobs/queue.js';
import type { Pace } from '../../platform/jobs/pace.js';
import { NAV_COUNT_MAX } from '../../platform/views/nav.js';
import { activeRecipients, teamMembersCovering } from '../accounts/index.js';
import { caseNoticeFacts, casesAwaitingReply, hiddenCaseIds, hiddenRestrictedIds, whoMayKnow, type CaseNoticeFacts } from '../cases/index.js';
import {
  CHANNELS,
  CLOCK_LOOKBACK_MS,
  deadlineMark,
  escalationMark,
  NOTIFICATION_KINDS,
  preferencesOf,
  type NotificationKind,
  type Preferences,
} from './notification.js';
import { NOTIFIED_ROLES } from './notification.policy.js';
import * as repo from './notification.repo.js';

// Notifications' use cases: telling people (once per mark, in one transaction with the
// notifications and their email tasks), listing and marking a person's own, and their choices.

/** The task that sends one notification's email (email.ts). */
export const EMAIL_TASK = 'notifications.email';

/**
 * Tells the people `recipients` gives that case `caseId` needs them, for `kind`, once per
 * `mark`: in one transaction, the mark is written (a mark already there ends it: a redelivered
 * event, a rerun, another process), then each recipient whose account is active, who works
 * cases, and who has `kind` on for a channel gets a notification, and an email task when they
 * want it by email and a mail server is configured. `recipients` is asked only for a new mark, with the
 * transaction's deps (on SQLite a query outside it would wait for it for ever).
 * Returns how many people were notified.
 */
export async function notify(
  deps: Deps,
  p: { mark: string; caseId: number; kind: NotificationKind; recipients: (tx: Deps) => Promise<readonly (string | null)[]> },
): Promise<number> {
  const now = deps.now();
  return deps.db.transaction().execute(async (trx) => {
    if (!(await repo.claimMark(trx, p.mark, now))) return 0;
    const tx = { ...deps, db: trx };
    const asked = (await p.recipients(tx)).filter((id): id is string => id !== null);
    // A restricted case is told only to those who may know it (need-to-know, ADR 32).
    const may = await whoMayKnow(trx, p.caseId, asked);
    const ids = asked.filter((id) => may.has(id));
    const people = (await activeRecipients(tx, ids)).filter((r) => hasRole(r, NOTIFIED_ROLES));
    if (people.length === 0) return 0;
    const rows = await repo.listPreferenceRows(trx, people.map((r) => r.id), p.kind);
    const emailOn = deps.config.smtp !== null;
    const out: repo.NewNotificationRow[] = [];
    for (const person of people) {
      const prefs = preferencesOf(rows.filter((r) => r.user_id === person.id))[p.kind];
      const email = emailOn && prefs.email;
      if (!prefs.in_app && !email) continue;
      out.push({
        id: randomUUID(),
        user_id: person.id,
        kind: p.kind,
        case_id: p.caseId,
        in_app: prefs.in_app ? 1 : 0,
        email_state: email ? 'pending' : 'none',
      });
    }
    await repo.insertNotifications(trx, out, now);
    for (const n of out) {
      if (n.email_state === 'pending') await enqueue(trx, EMAIL_TASK, { notificationId: n.id }, { now, key: n.id });
    }
    return out.length;
  });
}

/** Whether nobody is to be told about a case: there is none, or it is suspected spam. */
function silent(facts: CaseNoticeFacts | null): facts is null {
  return facts === null || facts.suspected_spam === 1;
}

/** The people who look after a case: its assignee, or, while nobody holds it, its teams. */
async function caretakers(deps: Deps, facts: CaseNoticeFacts): Promise<string[]> {
  if (facts.assignee_id !== null) return [facts.assignee_id];
  return teamMembersCovering(deps, { region: facts.region, language: facts.language });
}

/** A new request: the active members of the teams that cover its region or work in its language. */
export async function onCaseCreated(deps: Deps, eventId: string, caseId: number, spamReason: unknown): Promise<number> {
  if (spamReason !== null && spamReason !== undefined) return 0;
  const facts = await caseNoticeFacts(deps, caseId);
  if (silent(facts)) return 0;
  return notify(deps, {
    mark: `event:${eventId}`,
    caseId,
    kind: 'new_request',
    recipients: (tx) => teamMembersCovering(tx, { region: facts.region, language: facts.language }),
  });
}

/** A requester wrote: the case's assignee, or its teams while nobody holds it. */
export async function onMessageReceived(deps: Deps, eventId: string, caseId: number): Promise<number> {
  const facts = await caseNoticeFacts(deps, caseId);
  if (silent(facts)) return 0;
  return notify(deps, { mark: `event:${eventId}`, caseId, kind: 'requester_wrote', recipients: (tx) => caretakers(tx, facts) });
}

/** A case assigned: the new assignee, unless they took it themselves. */
export async function onCaseAssigned(
  deps: Deps,
  eventId: string,
  p: { caseId: number; to: string | null; by: string | null },
): Promise<number> {
  if (p.to === null || p.to === p.by) return 0;
  const facts = await caseNoticeFacts(deps, p.caseId);
  if (silent(facts)) return 0;
  const to = p.to;
  return notify(deps, { mark: `event:${eventId}`, caseId: p.caseId, kind: 'case_assigned', recipients: async () => [to] });
}

/** How many cases the clock job reads per run at most. */
export const CLOCK_BATCH = 1000;

/** How long a mark is kept: well beyond the look-back and the outbox's 7 days. */
const KEEP_MARKS_MS = 30 * 24 * 60 * 60_000;

/**
 * The clock job's run: each case awaiting a reply (not suspected spam) whose first-response
 * deadline is near tells its caretakers once. Escalations are the escalation module's ladder
 * (ADR 34): its `escalation.step_reached` events are told by `onStepReached`. Returns how many
 * people were notified.
 */
export async function noticeClockPoints(deps: Deps, pace?: Pace): Promise<number> {
  const now = deps.now();
  const cases = await casesAwaitingReply(deps, { since: now - CLOCK_LOOKBACK_MS, limit: CLOCK_BATCH });
  // Every point each case has reached, then only those not yet noticed: a case past its
  // points costs one read a minute, not a transaction.
  const due: Parameters<typeof notify>[1][] = [];
  for (const c of cases) {
    const deadline = deadlineMark(c, now);
    if (deadline) due.push({ mark: deadline, caseId: c.id, kind: 'deadline', recipients: (tx) => caretakers(tx, c) });
  }
  const noticed = await repo.existingMarks(deps.db, due.map((d) => d.mark));
  let told = 0;
  for (const d of due) {
    if (noticed.has(d.mark)) continue;
    // notify writes the mark again under its own transaction: a process that noticed it meanwhile wins.
    told += await notify(deps, d);
    await pace?.breathe();
  }
  await repo.purgeMarks(deps.db, now - KEEP_MARKS_MS);
  return told;
}

/**
 * A step of the escalation ladder reached (the escalation module's event, ADR 34): the people
 * the step named, once per case, step and wait, those of them who may know the case
 * (need-to-know), as each chooses for `escalation`. Nothing for suspected spam.
 */
export async function onStepReached(
  deps: Deps,
  p: { caseId: number; stepId: string; waitStartedAt: number; recipients: readonly string[] },
): Promise<number> {
  const facts = await caseNoticeFacts(deps, p.caseId);
  if (silent(facts)) return 0;
  return notify(deps, {
    mark: escalationMark(p),
    caseId: p.caseId,
    kind: 'escalation',
    // notify keeps only those who may know the case.
    recipients: async () => p.recipients,
  });
}

/** How long a notification that is done with (read, or its email settled) is kept. */
export const KEEP_NOTIFICATIONS_MS = 90 * 24 * 60 * 60_000;

/**
 * Deletes notifications done with for longer than KEEP_NOTIFICATIONS_MS (ADR 24): a page of
 * who was told what, kept no longer than it helps. Unread ones stay. Returns how many.
 */
export function purgeOldNotifications(deps: Deps): Promise<number> {
  return repo.purgeNotifications(deps.db, deps.now() - KEEP_NOTIFICATIONS_MS);
}

/**
 * How many unread notifications the bar shows for `actor` (counted no further than it shows),
 * leaving out those about a case restricted since that they may not know (ADR 32), as the list does.
 */
export async function countUnreadFor(deps: Deps, actor: Principal): Promise<number> {
  if (!hasRole(actor, NOTIFIED_ROLES)) return 0;
  return repo.countUnread(deps.db, actor.userId, NAV_COUNT_MAX + 1, await hiddenRestrictedIds(deps.db, actor));
}

/** How many notifications a page lists. */
export const PAGE_SIZE = 25;

export interface NotificationPage {
  rows: repo.NotificationRow[];
  /** The cursor of the next (older) page, or null when this is the last. */
  next: string | null;
}

/** A page cursor: `<created_at>.<id>` of the last notification on the previous page. */
export function decodeCursor(raw: string | undefined): { at: number; id: string } | null | undefined {
  if (raw === undefined || raw === '') return undefined;
  const m = /^(\d{1,16})\.([0-9a-f-]{36})$/.exec(raw);
  return m ? { at: Number(m[1]), id: m[2]! } : null;
}

/** One page of `actor`'s notifications, newest first. */
export async function listNotifications(
  deps: Deps,
  actor: Principal,
  before?: { at: number; id: string },
): Promise<NotificationPage> {
  const rows = await repo.listPage(deps.db, actor.userId, { ...(before ? { before } : {}), limit: PAGE_SIZE + 1 });
  const more = rows.length > PAGE_SIZE;
  const page = more ? rows.slice(0, PAGE_SIZE) : rows;
  const last = page[page.length - 1];
  // A case restricted since it was told, to someone no longer to know it, is left out (ADR 32).
  const hidden = await hiddenCaseIds(deps.db, actor, page.map((r) => r.case_id));
  return { rows: page.filter((r) => !hidden.has(r.case_id)), next: more && last ? `${last.created_at}.${last.id}` : null };
}

/** Marks one of `actor`'s notifications read; 'unknown' for one that is not theirs or none at all. */
export function markOneRead(deps: Deps, actor: Principal, id: string) {
  return repo.markRead(deps.db, actor.userId, id, deps.now());
}

/** Marks all of `actor`'s notifications read; returns how many were unread. */
export function markEveryRead(deps: Deps, actor: Principal): Promise<number> {
  return repo.markAllRead(deps.db, actor.userId, deps.now());
}

/** `actor`'s choices, each kind on each channel. */
export async function preferencesFor(deps: Deps, actor: Principal): Promise<Preferences> {
  return preferencesOf(await repo.listPreferenceRows(deps.db, [actor.userId]));
}

/**
 * Saves `actor`'s choices: exactly the pairs in `on` are on, every other off. Audited
 * (`notification.preferences_changed`, with the pairs now on) in the same transaction.
 */
export async function savePreferences(deps: Deps, actor: Principal, on: ReadonlySet<string>): Promise<void> {
  const now = deps.now();
  const rows = NOTIFICATION_KINDS.flatMap((kind) => CHANNELS.map((channel) => ({ kind, channel, enabled: on.has(`${kind}:${channel}`) })));
  await deps.db.transaction().execute(async (trx) => {
    await repo.replacePreferences(trx, actor.userId, rows, now);
    await recordAudit(trx, now, {
      ...actorOf(actor),
      action: 'notification.preferences_changed',
      caseId: null,
      detail: { on: rows.filter((r) => r.enabled).map((r) => `${r.kind}:${r.channel}`).join(' ') },
    });
  });
}
