import type { Kysely } from 'kysely';
import { bytes, millis } from './dialect.js';

// Files attached to a request, a follow-up message or a reply (ADR 26):
//
// - attachments: one row per file. Its bytes are encrypted under a file key of its own
//   (crypto_secretstream, in chunks); `key_wrapped` is that key sealed under the case key, or,
//   for a follow-up written while sealed (ADR 10), to content key `sealed_to_key`. The name
//   and the SHA-256 of the plaintext are sealed under the file key (`meta_enc`); size, type and
//   chunk count are structured. A file streamed in before its message exists is *pending*:
//   no case, no message, no wrapped key, and an `expires_at` after which a job deletes it.
//   The transaction that saves the message attaches it (case, message, wrapped key, no expiry).
// - attachment_chunks: the encrypted chunks of a file, in order (`seq` from 0), deleted with it.
//
// Frozen: later changes come as new migrations.

export async function up(db: Kysely<unknown>): Promise<void> {
  const ms = millis(db);
  await db.schema
    .createTable('attachments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'integer', (c) => c.references('cases.id').onDelete('cascade'))
    .addColumn('message_id', 'text', (c) => c.references('messages.id').onDelete('cascade'))
    .addColumn('key_wrapped', bytes(db))
    .addColumn('sealed_to_key', 'integer')
    .addColumn('header', bytes(db), (c) => c.notNull())
    .addColumn('meta_enc', bytes(db))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('size', ms, (c) => c.notNull().defaultTo(0))
    .addColumn('chunk_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('expires_at', ms)
    .execute();
  await db.schema.createIndex('attachments_message').on('attachments').columns(['message_id']).execute();
  await db.schema.createIndex('attachments_case').on('attachments').columns(['case_id']).execute();
  await db.schema.createIndex('attachments_expires').on('attachments').columns(['expires_at']).execute();
  await db.schema
    .createTable('attachment_chunks')
    .addColumn('attachment_id', 'text', (c) => c.notNull().references('attachments.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('data', bytes(db), (c) => c.notNull())
    .addPrimaryKeyConstraint('attachment_chunks_pk', ['attachment_id', 'seq'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('attachment_chunks').execute();
  await db.schema.dropTable('attachments').execute();
}
