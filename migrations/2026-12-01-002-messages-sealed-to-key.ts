import type { Kysely } from 'kysely';
import { sql } from 'kysely';

// Requester messages that arrive while a sealed instance is sealed (ADR 10). The case's data
// key cannot be unwrapped then, so such a message is sealed to the active content public key
// instead; `messages.sealed_to_key` names that key (null: the body is under the case key, as
// before). After an unseal, or before a rotation retires a key, these bodies move under their
// case keys and the column goes back to null. The partial index keeps finding them cheap on a
// table of millions of messages where almost none are pending.
//
// Frozen: later changes come as new migrations.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('messages').addColumn('sealed_to_key', 'integer').execute();
  await db.schema
    .createIndex('messages_sealed_to_key')
    .on('messages')
    .column('sealed_to_key')
    .where(sql.ref('sealed_to_key'), 'is not', null)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('messages_sealed_to_key').execute();
  await db.schema.alterTable('messages').dropColumn('sealed_to_key').execute();
}
