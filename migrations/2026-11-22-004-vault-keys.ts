import type { Kysely } from 'kysely';
import { bytes, millis } from './dialect.js';

// Sealed mode (ADR 10). `vault_keys` holds the public halves of the content keypairs that case
// keys are sealed to; `unseal_holders` holds, per key and per holder, the private key sealed to
// a keypair derived from that holder's passphrase (argon2id with the stored salt and limits).
// Both stay empty in the default mode. Frozen: later changes come as new migrations.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('vault_keys')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('public_key', bytes(db), (c) => c.notNull())
    .addColumn('created_at', millis(db), (c) => c.notNull())
    .addColumn('retired_at', millis(db))
    .execute();
  await db.schema
    .createTable('unseal_holders')
    .addColumn('key_id', 'integer', (c) => c.notNull().references('vault_keys.id'))
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('salt', bytes(db), (c) => c.notNull())
    .addColumn('opslimit', 'integer', (c) => c.notNull())
    .addColumn('memlimit', millis(db), (c) => c.notNull())
    .addColumn('holder_public_key', bytes(db), (c) => c.notNull())
    .addColumn('wrapped_sk', bytes(db), (c) => c.notNull())
    .addColumn('created_at', millis(db), (c) => c.notNull())
    .addPrimaryKeyConstraint('unseal_holders_pk', ['key_id', 'holder'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('unseal_holders').execute();
  await db.schema.dropTable('vault_keys').execute();
}
