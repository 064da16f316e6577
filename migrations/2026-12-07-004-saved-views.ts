import { sql, type Kysely } from 'kysely';
import { millis } from './dialect.js';

// The staff queue's orders and a person's saved views of it.
//
// - cases_queue_activity and cases_queue_received serve the latest-activity and the
//   newest-received orders as cases_queue_main serves the deadline order: one range per status,
//   on one side of the spam line, read backwards (suspected_spam, status, time, id). The
//   filtered columns follow, so a filter is checked in the index without reading the case; the
//   activity index ends with created_at too, for the received-date filter. Both are partial
//   (below), so that no other query of the queue may choose them.
// - saved_views(id, user_id, name, query, created_at): a name and a queue query (normalised, as
//   the queue's address writes it), one person's; unique per person by name; gone with the person.
//
// Frozen: later changes come as new migrations.

const FILTERED = ['assignee_id', 'incident_type', 'region', 'language'];

/**
 * Each order's index, its columns, and the column of its condition (`<column> >= 0`, true of
 * every case): an engine uses a partial index only for a query that states its condition, so
 * only the queries of these orders, which do, may use them. Both start as cases_queue_main
 * does; without the condition SQLite, finding no statistics for a new index (a database
 * analyzed before this migration), chose one of them for the deadline order and sorted every
 * matching case.
 */
export const QUEUE_ORDER_INDEXES = [
  {
    index: 'cases_queue_activity',
    columns: ['suspected_spam', 'status', 'last_activity_at', 'id', ...FILTERED, 'created_at'],
    condition: 'last_activity_at',
  },
  {
    index: 'cases_queue_received',
    columns: ['suspected_spam', 'status', 'created_at', 'id', ...FILTERED],
    condition: 'created_at',
  },
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const { index, columns, condition } of QUEUE_ORDER_INDEXES)
    await db.schema
      .createIndex(index)
      .on('cases')
      .columns([...columns])
      .where(sql.ref(condition), '>=', sql.lit(0))
      .execute();
  await db.schema
    .createTable('saved_views')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('query', 'text', (c) => c.notNull())
    .addColumn('created_at', millis(db), (c) => c.notNull())
    .addUniqueConstraint('saved_views_user_name', ['user_id', 'name'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('saved_views').execute();
  for (const { index } of QUEUE_ORDER_INDEXES) await db.schema.dropIndex(index).execute();
}
