import { ACTIVE_STATUSES } from '../../contracts/case.js';
import type { Deps } from '../../deps.js';
import { recordAudit } from '../../platform/audit/audit.js';
import { recordEvent } from '../../platform/events/outbox.js';
import * as purgeRepo from './purge.repo.js';

// Crypto-shredding: a case's personal data is deleted by destroying its wrapped data key and
// deleting its ciphertext rows, in one transaction. Every copy of those rows anywhere else
// (replicas, old backups without that key) is unreadable from then on. See ADR 12.

/** Why a case's personal data is deleted. */
export type PurgeReason =
  | {
      kind: 'retention';
      /** The rule that made it due; the case is purged only if it is still due when locked. */
      rule: RetentionRuleRef;
    }
  | { kind: 'requester' };

export type PurgeOutcome = 'purged' | 'already_purged' | 'not_due' | 'not_found';

/** A retention rule as a purge sees it (the retention module owns the rules). */
export interface RetentionRuleRef {
  status: string;
  /** The rule's incident type; null or absent for the status's general rule. */
  incidentType?: string | null;
  /** For a general rule: incident types with their own rule for the status, never purged by it. */
  exceptIncidentTypes?: readonly string[];
  basis: 'closed_at' | 'last_activity_at';
  days: number;
}

/** True when a case of `incidentType` falls under `rule` (its status is checked apart). */
function coversIncidentType(rule: RetentionRuleRef, incidentType: string | null): boolean {
  if (rule.incidentType != null) return incidentType === rule.incidentType;
  return incidentType === null || !(rule.exceptIncidentTypes ?? []).includes(incidentType);
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The label stored on the case and in the audit entry: `retention:<status>:<days>d`,
 * `retention:<status>:<incident type>:<days>d` for a type-specific rule, or `requester`.
 */
export function purgeRuleLabel(reason: PurgeReason): string {
  if (reason.kind === 'requester') return 'requester';
  const { status, incidentType, days } = reason.rule;
  return incidentType != null ? `retention:${status}:${incidentType}:${days}d` : `retention:${status}:${days}d`;
}

/**
 * Deletes a case's personal data, in one transaction: its messages (requester messages,
 * replies, notes), its contact, its wrapped data key, its receipt hash (the follow-up page no
 * longer finds it), its country and its follow-up sessions; the case is marked purged. Kept
 * for reports: status, urgency, incident type, severity, region, beneficiary, language,
 * mandate, contact method, assignee and dates. A `case.purged` audit entry names the reason
 * and the rule, never any content. A requester's deletion also closes a case still active,
 * so it leaves the queue. A retention purge re-checks, with the case locked, that it is
 * still due (its status or dates may have changed since it was listed).
 */
export async function purgeCasePersonalData(
  deps: Deps,
  caseId: number,
  reason: PurgeReason,
): Promise<PurgeOutcome> {
  const now = deps.now();
  const label = purgeRuleLabel(reason);
  return deps.db.transaction().execute(async (trx): Promise<PurgeOutcome> => {
    const row = await purgeRepo.lockCaseForPurge(trx, caseId, deps.dialect === 'postgres');
    if (!row) return 'not_found';
    if (row.purged_at !== null) return 'already_purged';
    let statusChange: { status: string; closedAt: number } | undefined;
    if (reason.kind === 'retention') {
      const { status, basis, days } = reason.rule;
      const since = row[basis];
      if (row.status !== status || since === null || since > now - days * DAY_MS) return 'not_due';
      if (!coversIncidentType(reason.rule, row.incident_type)) return 'not_due';
    } else if ((ACTIVE_STATUSES as readonly string[]).includes(row.status)) {
      statusChange = { status: 'closed', closedAt: now };
    }
    // A merged case's receipt reaches another case's conversation (ADR 38): that case is indexed
    // again once the requester's messages there are gone.
    const holding = reason.kind === 'requester' ? await purgeRepo.casesHoldingReceipt(trx, caseId) : [];
    for (const other of holding) await recordEvent(trx, { type: 'case.receipt_purged', payload: { caseId: other, from: caseId } }, now);
    await purgeRepo.shredCase(trx, caseId, {
      at: now,
      rule: label,
      ...(statusChange ? { status: statusChange.status, closedAt: statusChange.closedAt } : {}),
    });
    await recordAudit(trx, now, {
      actorKind: reason.kind === 'requester' ? 'requester' : 'system',
      actorId: null,
      action: 'case.purged',
      caseId,
      detail: {
        reason: reason.kind,
        rule: label,
        ...(statusChange ? { from: row.status, to: statusChange.status } : {}),
      },
    });
    // Before the commit, into the deletion list of every live backup key (ADR 11): a crash
    // after this line leaves the case listed, and the next start deletes it again; a crash
    // before it rolls the purge back. Either way no backup can bring the case back unnoticed.
    deps.shreds?.record({ caseId, createdAt: row.created_at, at: now, rule: label });
    // Nor does this process keep its key unwrapped (a rollback would only cost a later unwrap).
    deps.vault.forgetCaseKey(row.key_wrapped);
    return 'purged';
  });
}

/**
 * Cases due for deletion under a rule at `now`, at most `limit` of them, oldest first within
 * each incident type. A type-specific rule reads its one type; a general rule reads cases
 * without a type, then each type that live cases of the status have, except
 * `exceptIncidentTypes`: every read is one index range, so cases a type rule keeps are never
 * scanned (see migration 2026-12-01-001).
 */
export async function listCasesDueForPurge(
  deps: Deps,
  rule: RetentionRuleRef,
  limit: number,
): Promise<number[]> {
  const cutoff = deps.now() - rule.days * DAY_MS;
  const read = (incidentType: string | null, n: number) =>
    purgeRepo.listDueCaseIds(deps.db, {
      status: rule.status,
      incidentType,
      basis: rule.basis,
      cutoff,
      limit: n,
    });
  if (rule.incidentType != null) return read(rule.incidentType, limit);
  const except = new Set(rule.exceptIncidentTypes ?? []);
  const ids = await read(null, limit);
  for (
    let type = await purgeRepo.nextLiveIncidentType(deps.db, rule.status, null);
    type !== undefined && ids.length < limit;
    type = await purgeRepo.nextLiveIncidentType(deps.db, rule.status, type)
  ) {
    if (!except.has(type)) ids.push(...(await read(type, limit - ids.length)));
  }
  return ids;
}
