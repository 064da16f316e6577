import type { HavenModule } from '../../contracts/module.js';
import { clockJob, notificationSubscribers, purgeJob } from './notification.subscribers.js';
import { emailTask } from './email.js';
import { notificationsPolicy } from './notification.policy.js';
import { registerNotificationRoutes } from './notification.routes.js';
import { countUnreadFor } from './notification.service.js';

/**
 * The notifications module (ADR 24): people who work cases are told, in Haven and by email as
 * each chooses, of a new request in their team's region or language, a requester who wrote on
 * their case, a case assigned to them, a first-response deadline close, an escalation. It
 * listens to the cases module's events, runs a clock job, and sends emails from the task
 * queue; nothing else calls it.
 */
export { NOTIFICATION_ACTIONS, notificationsPolicy, type NotificationAction } from './notification.policy.js';

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
