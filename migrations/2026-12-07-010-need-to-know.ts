import { sql, type Kysely } from 'kysely';
import { millis } from './dialect.js';

// Need-to-know cases (ADR 32):
//
// - cases.restricted: 1 when only the people listed for the case and its teams' leads may
//   know it exists; 0 (every case before this migration, and every new one) otherwise.
// - case_access(case_id, user_id, added_by, added_at): who is listed for a case, who listed
//   them and when. One row per person and case (the primary key, which is also the lookup the
//   visibility test makes); the rows go with their case and with their person.
// - cases_restricted: a partial index of the restricted cases alone (`where restricted = 1`,
//   as written, which is how both engines match a query to it). Restricted cases are rare: the
//   queue's totals count from their own covering indexes and take away the few restricted
//   cases the reader may not know, found through this one. The queue's indexes stay as they are.
//
// Frozen: later changes come as new migrations.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('cases')
    .addColumn('restricted', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable('case_access')
    .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('added_by', 'text', (c) => c.notNull())
    .addColumn('added_at', millis(db), (c) => c.notNull())
    .addPrimaryKeyConstraint('case_access_pk', ['case_id', 'user_id'])
    .execute();
  await db.schema
    .createIndex('cases_restricted')
    .on('cases')
    .column('id')
    .where(sql.ref('restricted'), '=', sql.lit(1))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('cases_restricted').execute();
  await db.schema.dropTable('case_access').execute();
  await db.schema.alterTable('cases').dropColumn('restricted').execute();
}
