import { ACTIVE_STATUSES } from '../../contracts/case.js';
import { recordAudit } from '../../platform/audit/audit.js';
import type { ShredEntry } from '../../platform/backup/shreds.js';
import type { Pace } from '../../platform/jobs/pace.js';
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

type ShredRow = Awaited<ReturnType<typeof purgeRepo.casesForShredCheck>>[number];

/**
 * Deletes again the personal data of every listed case that is back unpurged: matched by id
 * and creation time, so a case created later under the same id is never touched. Each one is
 * audited as `case.purged` with reason `reapplied` and the original rule. Runs in the caller's
 * transaction when given one (a restore); else, with `pace` (the server's job), each case is
 * its own transaction, checked again inside it, with a breath between two (platform/jobs/pace.ts);
 * else all in one transaction of its own.
 */
export async function reapplyShreds(
  db: Db,
  entries: readonly ShredEntry[],
  now: number,
  pace?: Pace,
): Promise<ReapplyReport> {
  const report: ReapplyReport = { purged: 0, unchanged: 0 };
  const due = (e: ShredEntry, row: ShredRow | undefined): row is ShredRow =>
    row !== undefined && row.purged_at === null && row.created_at === e.createdAt;
  const shred = async (trx: Db, e: ShredEntry, row: ShredRow) => {
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
  };
  const run = async (trx: Db, paced: Pace | undefined) => {
    for (let i = 0; i < entries.length; i += BATCH) {
      const batch = entries.slice(i, i + BATCH);
      const rows = new Map((await purgeRepo.casesForShredCheck(trx, batch.map((e) => e.caseId))).map((r) => [r.id, r]));
      for (const e of batch) {
        if (!due(e, rows.get(e.caseId))) {
          report.unchanged += 1;
          continue;
        }
        if (!paced) {
          await shred(trx, e, rows.get(e.caseId)!);
          report.purged += 1;
          continue;
        }
        // Its own transaction: checked again there, as retention may have purged it meanwhile.
        const done = await trx.transaction().execute(async (one) => {
          const [row] = await purgeRepo.casesForShredCheck(one, [e.caseId]);
          if (!due(e, row)) return false;
          await shred(one, e, row);
          return true;
        });
        report[done ? 'purged' : 'unchanged'] += 1;
        await paced.breathe();
      }
      await paced?.breathe();
    }
  };
  if (pace && !db.isTransaction) await run(db, pace);
  else await inTransaction(db, (trx) => run(trx, undefined));
  return report;
}
