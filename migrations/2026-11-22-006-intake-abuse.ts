import type { Kysely } from 'kysely';
import { millis } from './dialect.js';

// Abuse resistance for the public intake (ADR 13). A request that looks automated or arrives
// beyond the global budget is still saved, but flagged, so it lands in a separate queue:
//
// - cases.suspected_spam (0/1) and cases.spam_reason (a code: honeypot, too_fast,
//   over_budget, staff) mark it;
// - cases_queue_main serves the queue's order within one side (main or suspected spam), so a
//   flood of flagged cases never slows the main queue's pages;
// - intake_budget counts accepted requests per minute, in the database, so the budget holds
//   across restarts and processes. It holds counts only, never anything about a request.
//
// Frozen: later changes come as new migrations.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('cases')
    .addColumn('suspected_spam', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('cases').addColumn('spam_reason', 'text').execute();
  await db.schema
    .createIndex('cases_queue_main')
    .on('cases')
    .columns(['suspected_spam', 'status', 'awaiting_reply desc', 'first_response_due_at', 'id'])
    .execute();
  await db.schema
    .createTable('intake_budget')
    .addColumn('minute', millis(db), (c) => c.primaryKey())
    .addColumn('accepted', 'integer', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('intake_budget').execute();
  await db.schema.dropIndex('cases_queue_main').execute();
  await db.schema.alterTable('cases').dropColumn('spam_reason').execute();
  await db.schema.alterTable('cases').dropColumn('suspected_spam').execute();
}
