import type { Deps } from '../../deps.js';
import { backupKeysDir, pruneBackupKeys } from '../../platform/backup/keys.js';
import type { JobDefinition } from '../../platform/jobs/jobs.js';
import type { Pace } from '../../platform/jobs/pace.js';
import { reapplyShreds, type ReapplyReport } from './shred-ledger.service.js';

export const BACKUP_KEYS_JOB = 'backup-keys';

/**
 * Deletes again every case on the deletion lists of the live backup keys that is back in the
 * database unpurged (ADR 11): a database restored by any means — a Haven backup, a file copy,
 * a PostgreSQL dump — loses what was deleted after it was copied, as long as the keys folder
 * came with it. `haven serve` runs it at every start and with the backup-keys job.
 */
export async function reapplyDeletionLists(deps: Deps, pace?: Pace): Promise<ReapplyReport> {
  if (!deps.shreds) return { purged: 0, unchanged: 0 };
  return reapplyShreds(deps.db, deps.shreds.entries(), deps.now(), pace);
}

/**
 * At start, before anyone can read the database: a database brought back from a copy loses
 * the cases deleted after that copy was taken. Returns what to tell the operator.
 */
export async function applyDeletionListsAtStart(deps: Deps): Promise<string[]> {
  try {
    const again = await reapplyDeletionLists(deps);
    return again.purged > 0 ? [`Deleted again the personal data of ${again.purged} cases deleted after this database was copied.`] : [];
  } catch (e) {
    return [`Warning: the deletion lists in ${deps.config.dataDir}/keys/backup could not be applied: ${e instanceof Error ? e.message : String(e)}`];
  }
}

/**
 * Destroys backup epoch secrets older than 30 days (ADR 11) every six hours, so an old backup
 * becomes unreadable on time even when no `haven backup` runs, then applies the deletion lists
 * again. The secrets live in this server's DATA_DIR; with several servers on one PostgreSQL,
 * each runs `haven backup` (which prunes too) or `haven jobs run-due` from its own cron.
 */
export function backupKeysJob(deps: Deps): JobDefinition {
  return {
    name: BACKUP_KEYS_JOB,
    intervalMs: 6 * 60 * 60 * 1000,
    run: async (pace) => {
      pruneBackupKeys(backupKeysDir(deps.config.dataDir), deps.now());
      await reapplyDeletionLists(deps, pace);
    },
  };
}
