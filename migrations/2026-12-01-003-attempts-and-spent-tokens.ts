import { sql, type Kysely } from 'kysely';
import { millis } from './dialect.js';

// Shared, database-held state for everything that counts attempts or spends a token, so that
// several Haven processes on one database behave as one and a crash never leaves a token
// spent for work that was not saved:
//
// - spent_tokens: keyed hashes of one-time form tokens (the public request form, the unseal
//   form…), each claimed in the same transaction as the work it allows. Replaces
//   intake_form_tokens, whose rows move over unchanged.
// - rate_counts: per-minute counters by name (the intake budget, failed sign-ins across all
//   accounts). Replaces intake_budget, whose rows move over as 'intake.accepted'.
// - attempt_guards: per-key attempt state (a sign-in address, the unseal form): consecutive
//   failures, the lock they earned, and the lease of an attempt that must run alone. An
//   attempt is counted before it is checked, in one atomic statement, so parallel guesses
//   cannot slip past the lock. Replaces users.failed_logins and users.locked_until: addresses
//   with and without an account are counted by the same rows, the same way.
//
// Frozen: later changes come as new migrations.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('spent_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('expires_at', millis(db), (c) => c.notNull())
    .execute();
  await db.schema.createIndex('spent_tokens_expiry').on('spent_tokens').column('expires_at').execute();
  await sql`insert into spent_tokens (token_hash, expires_at) select token_hash, expires_at from intake_form_tokens`.execute(db);
  await db.schema.dropTable('intake_form_tokens').execute();

  await db.schema
    .createTable('rate_counts')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('minute', millis(db), (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('rate_counts_pk', ['name', 'minute'])
    .execute();
  await sql`insert into rate_counts (name, minute, count) select 'intake.accepted', minute, accepted from intake_budget`.execute(db);
  await db.schema.dropTable('intake_budget').execute();

  await db.schema
    .createTable('attempt_guards')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', millis(db))
    .addColumn('busy_until', millis(db))
    .addColumn('updated_at', millis(db), (c) => c.notNull())
    .execute();
  await db.schema.createIndex('attempt_guards_updated').on('attempt_guards').column('updated_at').execute();

  await db.schema.alterTable('users').dropColumn('failed_logins').execute();
  await db.schema.alterTable('users').dropColumn('locked_until').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('users').addColumn('locked_until', millis(db)).execute();
  await db.schema.dropTable('attempt_guards').execute();

  await db.schema
    .createTable('intake_budget')
    .addColumn('minute', millis(db), (c) => c.primaryKey())
    .addColumn('accepted', 'integer', (c) => c.notNull())
    .execute();
  await sql`insert into intake_budget (minute, accepted) select minute, count from rate_counts where name = 'intake.accepted'`.execute(db);
  await db.schema.dropTable('rate_counts').execute();

  await db.schema
    .createTable('intake_form_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('expires_at', millis(db), (c) => c.notNull())
    .execute();
  await db.schema.createIndex('intake_form_tokens_expiry').on('intake_form_tokens').column('expires_at').execute();
  await sql`insert into intake_form_tokens (token_hash, expires_at) select token_hash, expires_at from spent_tokens`.execute(db);
  await db.schema.dropTable('spent_tokens').execute();
}
