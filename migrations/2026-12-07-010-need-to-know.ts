import type { Kysely } from 'kysely';
import { millis } from './dialect.js';

// Need-to-know cases (ADR 32):
//
// - cases.restricted: 1 when only the people listed for the case and its teams' leads may
//   know it exists; 0 (every case before this migration, and every new one) otherwise.
// - case_access(case_id, user_id, added_by, added_at): who is listed for a case, who listed
//   them and when. One row per person and case (the primary key, which is also the lookup the
//   visibility test makes); the rows go with their case. No index on cases.restricted: the
//   queue's indexes stay as they are and the flag is read from the row (restricted cases are
//   rare, the first arm of the test answers for the others).
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
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('case_access').execute();
  await db.schema.alterTable('cases').dropColumn('restricted').execute();
}
