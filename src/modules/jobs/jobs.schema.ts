import { z } from 'zod';

/** A dead-lettered task or delivery named in a "try again" form's address: its id, a UUID. */
export const RetryParams = z.object({
  id: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
});
