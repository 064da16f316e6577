import type { Kysely } from 'kysely';
import { millis } from './dialect.js';

// The transactional outbox and the task queue (ADR 19). Frozen: later changes come as new
// migrations.
//
// - outbox_events: domain events, inserted in the transaction of the change they describe.
//   Payloads hold identifiers and codes only (they are stored in clear). `dispatched_at` is
//   null until a dispatcher has made the event's delivery rows.
// - event_deliveries: one row per event and subscriber, claimed with a lease, retried with
//   backoff, and dead-lettered after the subscriber's maximum attempts.
// - tasks: work with a payload, enqueued in a service's transaction; an optional
//   idempotency key makes a second enqueue of the same work the same task.

export async function up(db: Kysely<unknown>): Promise<void> {
  const ms = millis(db);

  await db.schema
    .createTable('outbox_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('occurred_at', ms, (c) => c.notNull())
    .addColumn('dispatched_at', ms)
    .execute();
  await db.schema
    .createIndex('outbox_events_dispatch')
    .on('outbox_events')
    .columns(['dispatched_at', 'occurred_at'])
    .execute();

  await db.schema
    .createTable('event_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('event_id', 'text', (c) => c.notNull().references('outbox_events.id'))
    .addColumn('subscriber', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', ms, (c) => c.notNull())
    .addColumn('locked_until', ms, (c) => c.notNull().defaultTo(0))
    .addColumn('locked_by', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('event_deliveries_pair')
    .on('event_deliveries')
    .columns(['event_id', 'subscriber'])
    .unique()
    .execute();
  await db.schema
    .createIndex('event_deliveries_due')
    .on('event_deliveries')
    .columns(['state', 'next_attempt_at'])
    .execute();
  await db.schema
    .createIndex('event_deliveries_age')
    .on('event_deliveries')
    .columns(['state', 'updated_at'])
    .execute();

  await db.schema
    .createTable('tasks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('run_at', ms, (c) => c.notNull())
    .addColumn('locked_until', ms, (c) => c.notNull().defaultTo(0))
    .addColumn('locked_by', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  // NULL keys are distinct on both engines: only keyed tasks are deduplicated.
  await db.schema
    .createIndex('tasks_key')
    .on('tasks')
    .columns(['name', 'idempotency_key'])
    .unique()
    .execute();
  await db.schema.createIndex('tasks_due').on('tasks').columns(['state', 'run_at']).execute();
  await db.schema.createIndex('tasks_age').on('tasks').columns(['state', 'updated_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('tasks').execute();
  await db.schema.dropTable('event_deliveries').execute();
  await db.schema.dropTable('outbox_events').execute();
}
