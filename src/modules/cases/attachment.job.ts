import type { Deps } from '../../deps.js';
import type { JobDefinition } from '../../platform/jobs/jobs.js';
import { deleteExpiredAttachments } from './attachment.service.js';

export const ATTACHMENTS_EXPIRY_JOB = 'attachments-expiry';

/**
 * Every fifteen minutes, deletes the pending attachments whose message was never saved (a
 * refused form, a crash, a person who gave up) once their time ran out (ADR 26). Their file
 * keys were never written anywhere, so what is deleted could not be read anyway.
 */
export function attachmentsExpiryJob(deps: Deps): JobDefinition {
  return {
    name: ATTACHMENTS_EXPIRY_JOB,
    intervalMs: 15 * 60 * 1000,
    run: async () => {
      await deleteExpiredAttachments(deps);
    },
  };
}
