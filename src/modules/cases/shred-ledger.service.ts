import { ACTIVE_STATUSES } from '../../contracts/case.js';
import { recordAudit } from '../../platform/audit/audit.js';
import type { ShredEntry } from '../../platform/backup/shreds.js';
import { inTransaction } from '../../platform/storage/db.js';
import type { Db } from './case.repo.js';
import * as purgeRepo from './purge.repo.js';

// Deletions made after a backup was taken, applied again to a restored database (ADR 11):
// the deletion lists beside the backup keys name every case shredded while the key lived.

/** What re-applying a deletion list did. */
export interface ReapplyReport {
  /** Cases whose personal data was deleted again. */
  purged: number;
  /** Listed cases already purged here, absent, or a different case with the same id. */
  unchanged: number;
}

const BATCH = 500;

/**
 * Deletes again the personal data of every listed case that is back unpurged: matched by id
 * and creation time, so a case created later under the same id is never touched. Each one is
 * audited as `case.purged` with reason `reapplied` and the original rule. Runs in the caller's
 * transaction when given one (a restore), else in its own.
 */
export async function reapplyShreds(db: Db, entries: readonly ShredEntry[], now: number): Promise<ReapplyReport> {
  const report: ReapplyReport = { purged: 0, unchanged: 0 };
  const run = async (trx: Db) => {
    for (let i = 0; i < entries.length; i += BATCH) {
      const batch = entries.slice(i, i + BATCH);
      const rows = new Map((await purgeRepo.casesForShredCheck(trx, batch.map((e) => e.caseId))).map((r) => [r.id, r]));
      for (const e of batch) {
        const row = rows.get(e.caseId);
        if (!row || row.purged_at !== null || row.created_at !== e.createdAt) {
          report.unchanged += 1;
          continue;
        }
        const close = (ACTIVE_STATUSES as readonly string[]).includes(row.status);
        await purgeRepo.shredCase(trx, e.caseId, {
          at: e.at,
          rule: e.rule,
          ...(close ? { status: 'closed', closedAt: now } : {}),
        });
        await recordAudit(trx, now, {
          actorKind: 'system',
          actorId: null,
          action: 'case.purged',
          caseId: e.caseId,
          detail: { reason: 'reapplied', rule: e.rule, deletedAt: e.at, ...(close ? { from: row.status, to: 'closed' } : {}) },
        });
        report.purged += 1;
      }
    }
  };
  await inTransaction(db, run);
  return report;
}
