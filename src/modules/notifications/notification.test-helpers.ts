import { randomUUID } from 'node:crypto';
import type { Deps } from '../../deps.js';
import { createDispatcher } from '../../platform/events/outbox.js';
import { notificationSubscribers } from './notification.subscribers.js';

// Scenes for the notifications module's tests: teams with regions and languages, written
// straight into the accounts module's tables (tests may set a scene through whatever they need).

/** A team covering `regions` and working in `languages`, with `members`. */
export async function team(
  deps: Deps,
  p: { regions?: string[]; languages?: string[]; members: string[] },
): Promise<string> {
  const id = randomUUID();
  const now = deps.now();
  await deps.db.insertInto('teams').values({ id, name: `Team ${id.slice(0, 6)}`, time_zone: 'UTC', region: p.regions?.[0] ?? null, created_at: now }).execute();
  for (const region of p.regions ?? []) await deps.db.insertInto('team_regions').values({ team_id: id, region }).execute();
  for (const language of p.languages ?? []) await deps.db.insertInto('team_languages').values({ team_id: id, language }).execute();
  for (const user_id of p.members) await deps.db.insertInto('team_members').values({ team_id: id, user_id }).execute();
  return id;
}

/** Delivers every pending outbox event to the notifications module's subscribers. */
export function deliverEvents(deps: Deps) {
  return createDispatcher(deps, notificationSubscribers(deps)).runDue();
}

/** Who has a notification of `kind` about `caseId` (in Haven or by email), sorted. */
export async function notified(deps: Deps, caseId: number, kind: string) {
  const rows = await deps.db
    .selectFrom('notifications')
    .select(['user_id', 'in_app', 'email_state'])
    .where('case_id', '=', caseId)
    .where('kind', '=', kind)
    .orderBy('user_id')
    .execute();
  return rows;
}

/** The ids of the people with a notification of `kind` about `caseId`, sorted. */
export async function notifiedIds(deps: Deps, caseId: number, kind: string): Promise<string[]> {
  return (await notified(deps, caseId, kind)).map((r) => r.user_id).sort();
}

/** SMTP settings of a mail server on this machine at `port` (tests run one in-process). */
export function smtpEnv(port: number): Record<string, string> {
  return { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(port), SMTP_TLS: 'none', SMTP_FROM: 'haven@example.org' };
}
