import { sql, type Kysely } from 'kysely';

// cases_merged_into: the cases merged into a case (ADR 38), which its page lists. Without it
// the page read every case to find them (23 ms a view at 100,000 cases). Partial: only merged
// duplicates have the column set, so the index holds a row for each of them and nothing else.
//
// Frozen: later changes come as new migrations.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('cases_merged_into')
    .on('cases')
    .columns(['merged_into', 'id'])
    .where(sql.ref('merged_into'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('cases_merged_into').execute();
}
