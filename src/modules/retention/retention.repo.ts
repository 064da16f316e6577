import type { Kysely } from 'kysely';
import type { Database } from '../../platform/storage/schema.js';
import type { RetentionBasis, RetentionRule } from './retention.js';

// The only SQL for the retention_rules table.

type Db = Kysely<Database>;

/** Every rule, by status code. */
export async function listRules(db: Db): Promise<RetentionRule[]> {
  const rows = await db.selectFrom('retention_rules').selectAll().orderBy('status').execute();
  return rows.map((r) => ({
    status: r.status,
    basis: r.basis as RetentionBasis,
    days: r.days,
    enabled: r.enabled === 1,
    updatedAt: r.updated_at,
    updatedBy: r.updated_by,
  }));
}

/** Adds the rule for a status, or replaces it. */
export async function upsertRule(db: Db, rule: RetentionRule): Promise<void> {
  const row = {
    status: rule.status,
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
      oc.column('status').doUpdateSet({
        basis: row.basis,
        days: row.days,
        enabled: row.enabled,
        updated_at: row.updated_at,
        updated_by: row.updated_by,
      }),
    )
    .execute();
}
