import type { Kysely } from 'kysely';
import { millis } from './dialect.js';

// Used public request-form tokens, so that a form sent twice (a reload of the receipt page,
// a double click, a retry on a slow Tor link) never silently opens a second case. Only a
// keyed hash of each token is kept, and only until the token would have expired anyway.
// Frozen: later changes come as new migrations.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('intake_form_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('expires_at', millis(db), (c) => c.notNull())
    .execute();
  await db.schema.createIndex('intake_form_tokens_expiry').on('intake_form_tokens').column('expires_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('intake_form_tokens').execute();
}
