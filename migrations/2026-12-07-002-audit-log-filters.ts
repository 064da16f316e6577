import type { Kysely } from 'kysely';

// The audit log page (/staff/audit) lists entries newest first, by time and then id, and
// pages by keyset on that order, across millions of entries. Its filters each get an index
// that starts with the filtered column and continues in that order, so a page reads about as
// many entries as it shows: by time alone (no filter, or a date range), by person, by action
// (which also serves the list of actions that exist, one index probe per action). A case's
// entries are few and read through audit_log_case, as the case page reads them.
//
// Frozen: later changes come as new migrations.

export const AUDIT_FILTER_INDEXES = [
  { index: 'audit_log_at', columns: ['at', 'id'] },
  { index: 'audit_log_actor', columns: ['actor_id', 'at', 'id'] },
  { index: 'audit_log_action', columns: ['action', 'at', 'id'] },
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const { index, columns } of AUDIT_FILTER_INDEXES) {
    await db.schema.createIndex(index).on('audit_log').columns([...columns]).execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const { index } of AUDIT_FILTER_INDEXES) await db.schema.dropIndex(index).execute();
}
