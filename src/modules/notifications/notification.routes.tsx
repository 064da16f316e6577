import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import type { SurfaceAssets } from '../../contracts/module.js';
import { defineFlashes } from '../../platform/http/flash.js';
import { readForm, textField } from '../../platform/http/form.js';
import type { FieldErrors } from '../../platform/views/form.js';
import { sendPage } from '../../platform/views/render.js';
import { staffContext, staffErrorPage } from '../../platform/views/staff-layout.js';
import { NOTIFICATION_KINDS, type Preferences } from './notification.js';
import { NotificationParams, PreferencesInput } from './notification.schema.js';
import {
  countUnreadFor,
  decodeCursor,
  listNotifications,
  markEveryRead,
  markOneRead,
  preferencesFor,
  savePreferences,
} from './notification.service.js';
import { NotificationsPage, SettingsPage } from './views/notifications.js';

const flashes = defineFlashes({
  read: 'notifications.done.read',
  all_read: { key: 'notifications.done.all_read', params: ['count'] },
  saved: 'notifications.done.saved',
});

/**
 * /staff/notifications: a person's own notifications (newest first, in pages), marking one or
 * all read, and /staff/notifications/settings, their choices of kind by channel. Someone
 * else's notification is the same 404 as none.
 */
export function registerNotificationRoutes(app: FastifyInstance, deps: Deps, assets: SurfaceAssets): void {
  const errorPage = staffErrorPage(assets.cssUrl);

  app.get('/notifications', { config: { action: 'notification.view' } }, async (req, reply) => {
    const before = decodeCursor(textField(req.query, 'before'));
    if (before === null) return errorPage(req, reply, 'NOT_FOUND');
    const [page, unread] = await Promise.all([
      listNotifications(deps, req.principal!, before),
      countUnreadFor(deps, req.principal!),
    ]);
    return sendPage(
      reply,
      200,
      <NotificationsPage
        ctx={staffContext(req, assets.cssUrl, flashes.read(req))}
        rows={page.rows}
        older={page.next ? `/staff/notifications?${new URLSearchParams({ before: page.next }).toString()}` : null}
        later={before !== undefined}
        unread={unread}
      />,
    );
  });

  app.post('/notifications/read-all', { config: { action: 'notification.mark_read' } }, async (req, reply) => {
    const count = await markEveryRead(deps, req.principal!);
    return flashes.redirect(reply, '/staff/notifications', 'all_read', { count });
  });

  app.post('/notifications/:id/read', { config: { action: 'notification.mark_read' } }, async (req, reply) => {
    const params = NotificationParams.safeParse(req.params);
    if (!params.success) return errorPage(req, reply, 'NOT_FOUND');
    const outcome = await markOneRead(deps, req.principal!, params.data.id);
    if (outcome === 'unknown') return errorPage(req, reply, 'NOT_FOUND');
    return flashes.redirect(reply, '/staff/notifications', 'read');
  });

  async function settingsPage(req: FastifyRequest, reply: FastifyReply, status: number, prefs: Preferences, errors: FieldErrors, flash?: string) {
    return sendPage(
      reply,
      status,
      <SettingsPage
        ctx={staffContext(req, assets.cssUrl, flash)}
        prefs={prefs}
        emailAvailable={deps.config.smtp !== null}
        errors={errors}
      />,
    );
  }

  app.get('/notifications/settings', { config: { action: 'notification.settings' } }, async (req, reply) =>
    settingsPage(req, reply, 200, await preferencesFor(deps, req.principal!), {}, flashes.read(req)),
  );

  app.post('/notifications/settings', { config: { action: 'notification.settings' } }, async (req, reply) => {
    const form = readForm(req, PreferencesInput, { fields: ['on'], lists: ['on'] });
    const current = await preferencesFor(deps, req.principal!);
    if (!form.ok) return settingsPage(req, reply, 422, current, form.errors);
    const on = new Set(form.data.on);
    // Without a mail server the email boxes are disabled (not sent): the choices stay as they were.
    if (deps.config.smtp === null) {
      for (const kind of NOTIFICATION_KINDS) {
        if (current[kind].email) on.add(`${kind}:email`);
        else on.delete(`${kind}:email`);
      }
    }
    await savePreferences(deps, req.principal!, on);
    return flashes.redirect(reply, '/staff/notifications/settings', 'saved');
  });
}
