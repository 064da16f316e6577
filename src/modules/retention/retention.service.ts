import type { Deps } from '../../deps.js';
import type { Principal } from '../../platform/auth/roles.js';
import { actorOf, recordAudit } from '../../platform/audit/audit.js';
import { fail, ok, type Result } from '../../platform/errors.js';
import { createPace, type Pace } from '../../platform/jobs/pace.js';
import { checkpointAfterDelete } from '../../platform/storage/checkpoint.js';
import { listCasesDueForPurge, purgeCasePersonalData } from '../cases/index.js';
import { runPlan, type RetentionRule, type RuleKey } from './retention.js';
import * as repo from './retention.repo.js';
import type { RetentionRuleInput } from './retention.schema.js';

/** Cases purged per query; a run repeats until no rule has due cases left. */
const BATCH = 200;

/** The rules, by status code, each status's general rule first. */
export async function listRules(deps: Deps): Promise<RetentionRule[]> {
  return repo.listRules(deps.db);
}

/** One rule, or undefined. */
export async function findRule(deps: Deps, key: RuleKey): Promise<RetentionRule | undefined> {
  return repo.findRule(deps.db, key);
}

/** A rule's settings in an audit entry: `basis:days:enabled`. */
const settingsOf = (r: RetentionRule): string => `${r.basis}:${r.days}:${r.enabled ? 1 : 0}`;


/**
 * Adds or changes the rule for a status and incident type (none: the status's general rule);
 * audited with its old and new values.
 */
export async function saveRule(deps: Deps, actor: Principal, input: RetentionRuleInput): Promise<void> {
  const now = deps.now();
  const key: RuleKey = { status: input.status, incidentType: input.incident_type };
  await deps.db.transaction().execute(async (trx) => {
    const before = await repo.findRule(trx, key);
    await repo.upsertRule(trx, {
      ...key,
      basis: input.basis,
      days: input.days,
      enabled: input.enabled,
      updatedAt: now,
      updatedBy: actor.userId,
    });
    await recordAudit(trx, now, {
      ...actorOf(actor),
      action: 'retention.rule_saved',
      caseId: null,
      detail: {
        status: input.status,
        incident_type: input.incident_type,
        basis: input.basis,
        days: input.days,
        enabled: input.enabled,
        previous: before ? settingsOf(before) : null,
      },
    });
  });
}

/**
 * Deletes a type-specific rule; cases of that type then follow the status's general rule.
 * A general rule cannot be deleted (only switched off), so it is NOT_FOUND here, like an
 * unknown rule. Audited with the deleted rule's values.
 */
export async function deleteRule(
  deps: Deps,
  actor: Principal,
  key: RuleKey & { incidentType: string },
): Promise<Result<RetentionRule>> {
  const now = deps.now();
  return deps.db.transaction().execute(async (trx) => {
    const before = await repo.findRule(trx, key);
    if (!before || !(await repo.deleteTypeRule(trx, key))) return fail<RetentionRule>('NOT_FOUND');
    await recordAudit(trx, now, {
      ...actorOf(actor),
      action: 'retention.rule_deleted',
      caseId: null,
      detail: { status: key.status, incident_type: key.incidentType, previous: settingsOf(before) },
    });
    return ok(before);
  });
}

export interface RetentionRunReport {
  purged: number;
  /** Listed as due but no longer due (or already purged) once locked. */
  skipped: number;
}

/**
 * Applies every enabled rule once (see `runPlan` and `governingRule` for which rule governs a
 * case): each case whose status and incident type fall under the rule and whose basis time
 * is older than the rule's period loses its personal data (see purgeCasePersonalData, which
 * re-checks with the case locked and audits each case with the rule's name, incident type
 * included). A rule saved during a run applies from the next run. On SQLite the write-ahead
 * log is then checkpointed, so no old page holding ciphertext or a key outlives the run in
 * `haven.db-wal`.
 *
 * Each case is its own transaction, and the run breathes between two (`pace`): on a large
 * database the server keeps answering meanwhile, and a stopping process ends the run at a
 * case boundary (JobStopped; the next run goes on where this one stopped).
 */
export async function runRetention(deps: Deps, pace: Pace = createPace()): Promise<RetentionRunReport> {
  const report: RetentionRunReport = { purged: 0, skipped: 0 };
  try {
    for (const { rule, exceptIncidentTypes } of runPlan(await repo.listRules(deps.db))) {
      const ref = {
        status: rule.status,
        incidentType: rule.incidentType,
        exceptIncidentTypes,
        basis: rule.basis,
        days: rule.days,
      };
      const seen = new Set<number>();
      for (;;) {
        const listed = await listCasesDueForPurge(deps, ref, BATCH);
        const ids = listed.filter((id) => !seen.has(id));
        for (const id of ids) {
          seen.add(id);
          const outcome = await purgeCasePersonalData(deps, id, { kind: 'retention', rule: ref });
          if (outcome === 'purged') report.purged += 1;
          else report.skipped += 1;
          await pace.breathe();
        }
        // A short page was the last one; an all-seen page means only skipped cases are left.
        if (listed.length < BATCH || ids.length === 0) break;
      }
    }
  } finally {
    // Also when stopped part way: what was purged leaves the write-ahead log now.
    if (report.purged > 0) await checkpointAfterDelete(deps.storage);
  }
  return report;
}
