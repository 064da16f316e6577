import type { Deps } from './deps.js';
import { reapplyShreds, type ReapplyReport } from './modules/cases/index.js';
import * as retention from './modules/retention/index.js';
import { backupKeysDir, pruneBackupKeys } from './platform/backup/keys.js';
import { createJobRunner, type JobDefinition, type JobRunner } from './platform/jobs/jobs.js';

/**
 * Deletes again every case on the deletion lists of the live backup keys that is back in the
 * database unpurged (ADR 11): a database restored by any means — a Haven backup, a file copy,
 * a PostgreSQL dump — loses what was deleted after it was copied, as long as the keys folder
 * came with it. `haven serve` runs it at every start and with the backup-keys job.
 */
export async function reapplyDeletionLists(deps: Deps): Promise<ReapplyReport> {
  if (!deps.shreds) return { purged: 0, unchanged: 0 };
  return reapplyShreds(deps.db, deps.shreds.entries(), deps.now());
}

/**
 * Destroys backup epoch secrets older than 30 days (ADR 11) every six hours, so an old backup
 * becomes unreadable on time even when no `haven backup` runs, then applies the deletion lists
 * again. The secrets live in this server's DATA_DIR; with several servers on one PostgreSQL,
 * each runs `haven backup` (which prunes too) or `haven jobs run-due` from its own cron.
 */
function backupKeysJob(deps: Deps): JobDefinition {
  return {
    name: 'backup-keys',
    intervalMs: 6 * 60 * 60 * 1000,
    run: async () => {
      pruneBackupKeys(backupKeysDir(deps.config.dataDir), deps.now());
      await reapplyDeletionLists(deps);
    },
  };
}

/**
 * Builds Haven's background worker from its dependencies: every module's scheduled jobs over
 * the schedule in the database. Composition only, like createApp; `haven serve` starts it and
 * `haven jobs run-due` runs it once.
 */
export function createWorker(deps: Deps, opts: { onError?: (job: string, e: unknown) => void } = {}): JobRunner {
  return createJobRunner(deps, [...retention.jobs(deps), backupKeysJob(deps)], opts);
}
