import type { Kysely } from 'kysely';
import type { Database } from '../../platform/storage/schema.js';
import type { RetentionBasis, RetentionRule, RuleKey } from './retention.js';

// The only SQL for the retention_rules table. In the table, '' stands for "no incident type"
// (the status's general rule; see migration 2026-12-01-001); everywhere else it is null.

type Db = Kysely<Database>;

const GENERAL = '';
const typeColumn = (incidentType: string | null): string => incidentType ?? GENERAL;

type Row = Database['retention_rules'];

function toRule(r: Row): RetentionRule {
  return {
    status: r.status,
    incidentType: r.incident_type === GENERAL ? null : r.incident_type,
    basis: r.basis as RetentionBasis,
    days: r.days,
    enabled: r.enabled === 1,
    updatedAt: r.updated_at,
    updatedBy: r.updated_by,
  };
}

/** Every rule, by status code, each status's general rule before its type-specific ones. */
export async function listRules(db: Db): Promise<RetentionRule[]> {
  const rows = await db
    .selectFrom('retention_rules')
    .selectAll()
    .orderBy('status')
    .orderBy('incident_type')
    .execute();
  return rows.map(toRule);
}

/** One rule, or undefined. */
export async function findRule(db: Db, key: RuleKey): Promise<RetentionRule | undefined> {
  const row = await db
    .selectFrom('retention_rules')
    .selectAll()
    .where('status', '=', key.status)
    .where('incident_type', '=', typeColumn(key.incidentType))
    .executeTakeFirst();
  return row ? toRule(row) : undefined;
}

/** Adds the rule for a status and incident type (or none), or replaces it. */
export async function upsertRule(db: Db, rule: RetentionRule): Promise<void> {
  const row = {
    status: rule.status,
    incident_type: typeColumn(rule.incidentType),
    basis: rule.basis,
    days: rule.days,
    enabled: rule.enabled ? 1 : 0,
    updated_at: rule.updatedAt,
    updated_by: rule.updatedBy,
  };
  await db
    .insertInto('retention_rules')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['status', 'incident_type']).doUpdateSet({
        basis: row.basis,
        days: row.days,
        enabled: row.enabled,
        updated_at: row.updated_at,
        updated_by: row.updated_by,
      }),
    )
    .execute();
}

/** Deletes a type-specific rule; a general rule is never deleted here. True when one was. */
export async function deleteTypeRule(db: Db, key: RuleKey & { incidentType: string }): Promise<boolean> {
  const res = await db
    .deleteFrom('retention_rules')
    .where('status', '=', key.status)
    .where('incident_type', '=', key.incidentType)
    .where('incident_type', '<>', GENERAL)
    .executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}
