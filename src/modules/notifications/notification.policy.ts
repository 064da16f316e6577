import { definePolicy } from '../../platform/auth/policy.js';
import type { Role } from '../../platform/auth/roles.js';

/**
 * Who has notifications: the people who work cases (administrators, coordinators, handlers).
 * Each reads and marks only their own (the service asks with the person's id), and chooses
 * only their own. Deny by default: an auditor works on no case, so is told of none.
 */
export const NOTIFICATION_ACTIONS = ['notification.view', 'notification.mark_read', 'notification.settings'] as const;
export type NotificationAction = (typeof NOTIFICATION_ACTIONS)[number];

/** The roles whose people are notified (and see the page). */
export const NOTIFIED_ROLES: readonly Role[] = ['admin', 'coordinator', 'handler'];

export const notificationsPolicy = definePolicy<NotificationAction>({
  'notification.view': NOTIFIED_ROLES,
  'notification.mark_read': NOTIFIED_ROLES,
  'notification.settings': NOTIFIED_ROLES,
});
