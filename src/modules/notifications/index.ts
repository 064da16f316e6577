import type { HavenModule } from '../../contracts/module.js';
import { clockJob, notificationSubscribers, purgeJob } from './notification.subscribers.js';
import { emailTask } from './email.js';
import { notificationsPolicy } from './notification.policy.js';
import { registerNotificationRoutes } from './notification.routes.js';
import { countUnreadFor, notify } from './notification.service.js';
import type { Deps } from '../../deps.js';

/**
 * The notifications module (ADR 24): people who work cases are told, in Haven and by email as
 * each chooses, of a new request in their team's region or language, a requester who wrote on
 * their case, a case assigned to them, a first-response deadline close, an escalation. It
 * listens to the cases module's events, runs a clock job, and sends emails from the task
 * queue; nothing else calls it.
 */
export { NOTIFICATION_ACTIONS, notificationsPolicy, type NotificationAction } from './notification.policy.js';

/**
 * For the referrals module (ADR 36): a referral's follow-up date came. Tells `recipients` (the
 * referring person and the case's assignee) once per `mark`, as every notice is told.
 */
export function notifyReferralFollowUp(
  deps: Deps,
  p: { mark: string; caseId: number; recipients: (tx: Deps) => Promise<readonly (string | null)[]> },
): Promise<number> {
  return notify(deps, { ...p, kind: 'referral_follow_up' });
}

/** The notifications module as the app and worker see it. */
export const notificationsModule: HavenModule = {
  name: 'notifications',
  policy: notificationsPolicy,
  nav: [
    {
      href: '/staff/notifications',
      labelKey: 'notifications.nav',
      action: 'notification.view',
      order: 15,
      // How many are unread, in the link: "Notifications (3 unread)".
      count: { of: countUnreadFor, labelKey: 'notifications.nav_count' },
    },
  ],
  registerStaff: (app, { deps, assets }) => registerNotificationRoutes(app, deps, assets),
  subscribers: notificationSubscribers,
  jobs: (deps) => [clockJob(deps), purgeJob(deps)],
  tasks: (deps) => [emailTask(deps)],
};
