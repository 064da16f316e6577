import type { Kysely } from 'kysely';
import type { Database } from '../../platform/storage/schema.js';

// The only SQL for the notifications module's tables: notifications, notification_preferences
// and notification_marks.

type Db = Kysely<Database>;

/**
 * Writes `mark` once. True when this call wrote it; false when it was there already (or a
 * concurrent transaction wrote it first and committed: PostgreSQL waits for it, then skips).
 */
export async function claimMark(db: Db, mark: string, now: number): Promise<boolean> {
  const rows = await db
    .insertInto('notification_marks')
    .values({ mark, created_at: now })
    .onConflict((oc) => oc.column('mark').doNothing())
    .returning('mark')
    .execute();
  return rows.length === 1;
}

/**
 * Deletes notifications that are done with and older than `before`: read ones, and those not
 * shown in Haven whose email is settled (sent, not wanted, unsure). An unread one, or one whose
 * email still waits, stays. Returns how many.
 */
export async function purgeNotifications(db: Db, before: number): Promise<number> {
  const res = await db
    .deleteFrom('notifications')
    .where('created_at', '<', before)
    .where((eb) =>
      eb.or([
        eb.and([eb('in_app', '=', 1), eb('read_at', 'is not', null)]),
        eb.and([eb('in_app', '=', 0), eb('email_state', 'in', ['sent', 'none', 'unsure'])]),
      ]),
    )
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}

/** Which of `marks` are already written. */
export async function existingMarks(db: Db, marks: readonly string[]): Promise<Set<string>> {
  if (marks.length === 0) return new Set();
  const rows = await db.selectFrom('notification_marks').select('mark').where('mark', 'in', [...marks]).execute();
  return new Set(rows.map((r) => r.mark));
}

/** Deletes marks older than `before`; returns how many. */
export async function purgeMarks(db: Db, before: number): Promise<number> {
  const res = await db.deleteFrom('notification_marks').where('created_at', '<', before).executeTakeFirst();
  return Number(res.numDeletedRows);
}

/** The stored choices of `userIds` for `kind` (every kind when absent). */
export function listPreferenceRows(db: Db, userIds: readonly string[], kind?: string) {
  if (userIds.length === 0) return Promise.resolve([]);
  let q = db
    .selectFrom('notification_preferences')
    .select(['user_id', 'kind', 'channel', 'enabled'])
    .where('user_id', 'in', [...userIds]);
  if (kind !== undefined) q = q.where('kind', '=', kind);
  return q.execute();
}

/** Replaces one person's choices with `rows` (every kind and channel). */
export async function replacePreferences(
  db: Db,
  userId: string,
  rows: readonly { kind: string; channel: string; enabled: boolean }[],
  now: number,
): Promise<void> {
  await db.deleteFrom('notification_preferences').where('user_id', '=', userId).execute();
  if (rows.length === 0) return;
  await db
    .insertInto('notification_preferences')
    .values(rows.map((r) => ({ user_id: userId, kind: r.kind, channel: r.channel, enabled: r.enabled ? 1 : 0, updated_at: now })))
    .execute();
}

export interface NewNotificationRow {
  id: string;
  user_id: string;
  kind: string;
  case_id: number;
  in_app: number;
  email_state: 'none' | 'pending';
}

/** Inserts notifications, all at `now`. */
export async function insertNotifications(db: Db, rows: readonly NewNotificationRow[], now: number): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('notifications')
    .values(
      rows.map((r) => ({
        id: r.id,
        user_id: r.user_id,
        kind: r.kind,
        case_id: r.case_id,
        in_app: r.in_app,
        created_at: now,
        read_at: null,
        email_state: r.email_state,
        email_claimed_at: null,
        email_sent_at: null,
      })),
    )
    .execute();
}

/** A notification on a person's page. */
export interface NotificationRow {
  id: string;
  kind: string;
  case_id: number;
  created_at: number;
  read_at: number | null;
}

/**
 * One page of `userId`'s notifications shown in Haven, newest first, after the cursor
 * (created_at, id) when given: one range of notifications_list.
 */
export function listPage(
  db: Db,
  userId: string,
  p: { before?: { at: number; id: string }; limit: number },
): Promise<NotificationRow[]> {
  let q = db
    .selectFrom('notifications')
    .select(['id', 'kind', 'case_id', 'created_at', 'read_at'])
    .where('user_id', '=', userId)
    .where('in_app', '=', 1);
  if (p.before) {
    const b = p.before;
    q = q.where((eb) => eb.or([eb('created_at', '<', b.at), eb.and([eb('created_at', '=', b.at), eb('id', '<', b.id)])]));
  }
  return q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(p.limit).execute();
}

/** How many of `userId`'s notifications shown in Haven are unread, counting no further than `max`. */
export async function countUnread(db: Db, userId: string, max: number, except: readonly number[] = []): Promise<number> {
  const row = await db
    .selectFrom((eb) =>
      eb
        .selectFrom('notifications')
        .select('id')
        .where('user_id', '=', userId)
        .where('in_app', '=', 1)
        .where('read_at', 'is', null)
        // Notifications about cases the person may no longer know (need-to-know, ADR 32).
        .$if(except.length > 0, (q) => q.where('case_id', 'not in', [...except]))
        .limit(max)
        .as('unread'),
    )
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Marks one of `userId`'s notifications read (once: a second time keeps the first moment).
 * 'marked', 'already' (it was read), or 'unknown' (none of theirs has this id).
 */
export async function markRead(db: Db, userId: string, id: string, now: number): Promise<'marked' | 'already' | 'unknown'> {
  const res = await db
    .updateTable('notifications')
    .set({ read_at: now })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('in_app', '=', 1)
    .where('read_at', 'is', null)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) === 1) return 'marked';
  const row = await db
    .selectFrom('notifications')
    .select('id')
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('in_app', '=', 1)
    .executeTakeFirst();
  return row ? 'already' : 'unknown';
}

/** Marks every unread notification of `userId` read; returns how many. */
export async function markAllRead(db: Db, userId: string, now: number): Promise<number> {
  const res = await db
    .updateTable('notifications')
    .set({ read_at: now })
    .where('user_id', '=', userId)
    .where('in_app', '=', 1)
    .where('read_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/**
 * Claims a notification's email for sending: pending → sending at `now`. Returns what the
 * email needs, or null when it is not pending (sent, being sent, not wanted, unknown).
 */
export async function claimEmail(db: Db, id: string, now: number) {
  const row = await db
    .updateTable('notifications')
    .set({ email_state: 'sending', email_claimed_at: now })
    .where('id', '=', id)
    .where('email_state', '=', 'pending')
    .returning(['id', 'user_id', 'case_id', 'kind'])
    .executeTakeFirst();
  return row ?? null;
}

/** A notification's email state and claim, or null when there is no such notification. */
export function emailStateOf(db: Db, id: string) {
  return db
    .selectFrom('notifications')
    .select(['email_state', 'email_claimed_at'])
    .where('id', '=', id)
    .executeTakeFirst();
}

/**
 * Ends the claim taken at `claimedAt`: to `sent`, back to `pending` (the server refused, the
 * connection failed), to `none` (the person can no longer receive it) or to `unsure` (a claim
 * whose worker died). True when the claim was still that one.
 */
export async function settleEmail(
  db: Db,
  id: string,
  claimedAt: number,
  to: 'sent' | 'pending' | 'none' | 'unsure',
  now: number,
): Promise<boolean> {
  const res = await db
    .updateTable('notifications')
    .set({
      email_state: to,
      email_claimed_at: to === 'pending' ? null : claimedAt,
      ...(to === 'sent' ? { email_sent_at: now } : {}),
    })
    .where('id', '=', id)
    .where('email_state', '=', 'sending')
    .where('email_claimed_at', '=', claimedAt)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}
