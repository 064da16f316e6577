import { z } from 'zod';
import { CHANNELS, NOTIFICATION_ID, NOTIFICATION_KINDS } from './notification.js';

/** Every choice the preferences form offers: `<kind>:<channel>`. */
export const CHOICES = NOTIFICATION_KINDS.flatMap((k) => CHANNELS.map((c) => `${k}:${c}`));

/**
 * The preferences form: `on` lists the kind-and-channel pairs the person wants, each once at
 * most (no box twice), none unknown. Every other pair is off.
 */
export const PreferencesInput = z.object({
  on: z
    .array(z.enum(CHOICES as [string, ...string[]], { error: 'notifications.error.choice_unknown' }), {
      error: 'notifications.error.choice_unknown',
    })
    .max(CHOICES.length, { error: 'notifications.error.choice_unknown' })
    .refine((list) => new Set(list).size === list.length, { error: 'notifications.error.choice_unknown' }),
});
export type PreferencesInput = z.infer<typeof PreferencesInput>;

/** A notification named in a form's address: its id, a UUID. */
export const NotificationParams = z.object({ id: z.string().regex(NOTIFICATION_ID) });
