import type { Kysely } from 'kysely';

// The staff queue lists cases by status, awaiting a reply first, then by first-response
// deadline and id, and pages by keyset on that order. This index serves that order directly,
// so a page stays fast with a million cases. Frozen: later changes come as new migrations.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('cases_queue')
    .on('cases')
    .columns(['status', 'awaiting_reply desc', 'first_response_due_at', 'id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('cases_queue').execute();
}
