import type { Deps } from '../../contracts/deps.js';
import type { Principal } from '../../contracts/roles.js';
import { recordAudit } from '../../platform/audit/audit.js';
import { checkpointAfterDelete } from '../../platform/storage/checkpoint.js';
import { listCasesDueForPurge, purgeCasePersonalData } from '../cases/index.js';
import type { RetentionRule } from './retention.js';
import * as repo from './retention.repo.js';
import type { RetentionRuleInput } from './retention.schema.js';

/** Cases purged per query; a run repeats until no rule has due cases left. */
const BATCH = 200;

/** The rules, by status code. */
export async function listRules(deps: Deps): Promise<RetentionRule[]> {
  return repo.listRules(deps.db);
}

/** Adds or changes the rule for a status; audited with its old and new values. */
export async function saveRule(deps: Deps, actor: Principal, input: RetentionRuleInput): Promise<void> {
  const now = deps.now();
  await deps.db.transaction().execute(async (trx) => {
    const before = (await repo.listRules(trx)).find((r) => r.status === input.status);
    await repo.upsertRule(trx, { ...input, updatedAt: now, updatedBy: actor.userId });
    await recordAudit(trx, now, {
      actorKind: actor.via === 'token' ? 'api' : 'staff',
      actorId: actor.userId,
      action: 'retention.rule_saved',
      caseId: null,
      detail: {
        status: input.status,
        basis: input.basis,
        days: input.days,
        enabled: input.enabled,
        previous: before ? `${before.basis}:${before.days}:${before.enabled ? 1 : 0}` : null,
      },
    });
  });
}

export interface RetentionRunReport {
  purged: number;
  /** Listed as due but no longer due (or already purged) once locked. */
  skipped: number;
}

/**
 * Applies every enabled rule once: each case whose status matches and whose basis time is
 * older than the rule's period loses its personal data (see purgeCasePersonalData, which
 * re-checks and audits each case). On SQLite the write-ahead log is then checkpointed, so no
 * old page holding ciphertext or a key outlives the run in `haven.db-wal`.
 */
export async function runRetention(deps: Deps): Promise<RetentionRunReport> {
  const report: RetentionRunReport = { purged: 0, skipped: 0 };
  for (const rule of await repo.listRules(deps.db)) {
    if (!rule.enabled) continue;
    const seen = new Set<number>();
    for (;;) {
      const ids = (await listCasesDueForPurge(deps, rule, BATCH)).filter((id) => !seen.has(id));
      if (ids.length === 0) break;
      for (const id of ids) {
        seen.add(id);
        const outcome = await purgeCasePersonalData(deps, id, {
          kind: 'retention',
          rule: { status: rule.status, basis: rule.basis, days: rule.days },
        });
        if (outcome === 'purged') report.purged += 1;
        else report.skipped += 1;
      }
    }
  }
  if (report.purged > 0) await checkpointAfterDelete(deps.storage);
  return report;
}
