import type { Kysely } from 'kysely';
import { millis } from './dialect.js';

// Notifications (ADR 24). Frozen: later changes come as new migrations.
//
// - notifications: one per person and thing that needs them (a case assigned to them, a
//   requester who wrote…). It names the case by id only, never anything a person wrote.
//   `in_app` says whether it is listed on the person's page; `email_state` follows its email:
//   none (not wanted), pending, sending (claimed by a worker), sent, or unsure (a worker died
//   while sending; never sent again).
// - notification_preferences: what a person chose, per kind and channel; a missing row is the
//   default for that kind and channel.
// - notification_marks: what has been noticed once (an event handled, a case that crossed its
//   deadline warning or an escalation point), so a rerun or a second process never notifies twice.

export async function up(db: Kysely<unknown>): Promise<void> {
  const ms = millis(db);

  await db.schema
    .createTable('notifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('case_id', 'integer', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('in_app', 'integer', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('read_at', ms)
    .addColumn('email_state', 'text', (c) => c.notNull())
    .addColumn('email_claimed_at', ms)
    .addColumn('email_sent_at', ms)
    .execute();
  // A person's page, newest first, in keyset pages.
  await db.schema
    .createIndex('notifications_list')
    .on('notifications')
    .columns(['user_id', 'in_app', 'created_at', 'id'])
    .execute();
  // The bar's count of unread ones.
  await db.schema
    .createIndex('notifications_unread')
    .on('notifications')
    .columns(['user_id', 'in_app', 'read_at'])
    .execute();

  await db.schema
    .createTable('notification_preferences')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .addPrimaryKeyConstraint('notification_preferences_pk', ['user_id', 'kind', 'channel'])
    .execute();

  await db.schema
    .createTable('notification_marks')
    .addColumn('mark', 'text', (c) => c.primaryKey())
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('notification_marks_age').on('notification_marks').column('created_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('notification_marks').execute();
  await db.schema.dropTable('notification_preferences').execute();
  await db.schema.dropTable('notifications').execute();
}
