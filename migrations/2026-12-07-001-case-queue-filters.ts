import { sql, type Kysely } from 'kysely';

// The staff queue's filters (assignee, unassigned, incident type, region, language), each
// served in the queue's own order. A queue page reads one status at a time, on one side of
// the spam line, awaiting a reply first, then by first-response deadline and id
// (cases_queue_main). With a filter, an index that starts with the filtered column and
// continues in that order lets a page read about as many entries as it shows, where an index
// on the column alone made the engine sort every matching case (every case ever assigned to a
// person, for "my cases"). The other filtered columns follow, so a second filter is checked
// in the index, without reading the case itself.
//
// Each new index starts with the column of the single-column index it replaces, so anything
// that used the old one (the users foreign key, a lookup by region) uses the new one, and a
// new case is written to as many indexes as before, plus one for "unassigned" while it is.
// That one, partial, serves the unassigned queue: SQLite, without statistics, guesses that
// `assignee_id is null` matches many cases and would rather filter the queue's own index.
//
// Frozen: later changes come as new migrations.

const ORDER = ['suspected_spam', 'status', 'awaiting_reply desc', 'first_response_due_at', 'id'];
const FILTERED = ['assignee_id', 'incident_type', 'region', 'language'] as const;

/** Each filtered column: the index it gets, and the single-column index it replaces. */
export const QUEUE_FILTER_INDEXES = [
  { column: 'assignee_id', index: 'cases_queue_assignee', replaces: 'cases_assignee_id' },
  { column: 'incident_type', index: 'cases_queue_incident_type', replaces: 'cases_incident_type' },
  { column: 'region', index: 'cases_queue_region', replaces: 'cases_region' },
  { column: 'language', index: 'cases_queue_language', replaces: 'cases_language' },
] as const;

/** An index's columns: the filtered one (none for unassigned), the queue's order, the other filtered columns. */
export function queueFilterColumns(column: (typeof FILTERED)[number] | null): string[] {
  // The unassigned index has no use for assignee_id: it is null in every case there.
  const others = FILTERED.filter((c) => c !== column && !(column === null && c === 'assignee_id'));
  return [...(column ? [column] : []), ...ORDER, ...others];
}

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const { column, index, replaces } of QUEUE_FILTER_INDEXES) {
    await db.schema.createIndex(index).on('cases').columns(queueFilterColumns(column)).execute();
    await db.schema.dropIndex(replaces).execute();
  }
  await db.schema
    .createIndex('cases_queue_unassigned')
    .on('cases')
    .columns(queueFilterColumns(null))
    .where(sql.ref('assignee_id'), 'is', null)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('cases_queue_unassigned').execute();
  for (const { column, index, replaces } of QUEUE_FILTER_INDEXES) {
    await db.schema.createIndex(replaces).on('cases').column(column).execute();
    await db.schema.dropIndex(index).execute();
  }
}
