import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../platform/storage/schema.js';
import type { KeyRecord } from '../../platform/crypto/vault.js';
import { inTransaction, type Dialect } from '../../platform/storage/db.js';

// The only SQL for vault_keys and unseal_holders. It also walks two columns other modules
// own, cases.key_wrapped and users.totp_secret_enc, because re-wrapping keys is the vault's
// job and must not need those modules to know about wrap formats. It touches nothing else in
// those tables, and writes with compare-and-set so that a case shredded meanwhile (its
// key_wrapped emptied by retention) is never brought back.

export type Db = Kysely<Database> | Transaction<Database>;

export interface HolderRow {
  key_id: number;
  holder: string;
  salt: Buffer;
  opslimit: number;
  memlimit: number;
  holder_public_key: Buffer;
  wrapped_sk: Buffer;
  created_at: number;
}

/** Keys still in use (not retired), oldest first. */
export function liveKeys(db: Db) {
  return db
    .selectFrom('vault_keys')
    .select(['id', 'public_key', 'created_at'])
    .where('retired_at', 'is', null)
    .orderBy('id')
    .execute();
}

/**
 * The active key as the database records it (ADR 21): the newest live key, and every live key
 * id. Inside a transaction on PostgreSQL the newest key's row is held FOR SHARE until the
 * transaction ends, so `waitForWriters` (a rotation, before it moves wraps) waits for a wrap
 * made under it; then a second statement, which sees what committed meanwhile, checks that it
 * is still the newest, and takes the newer one otherwise. SQLite has one writer at a time: a
 * transaction that read the old key and then writes after a rotation committed fails instead.
 */
export function keyRecord(dialect: Dialect): KeyRecord {
  return {
    async read(db) {
      for (;;) {
        let q = db
          .selectFrom('vault_keys')
          .select(['id', 'public_key'])
          .where('retired_at', 'is', null)
          .orderBy('id', 'desc')
          .limit(1);
        if (dialect === 'postgres' && db.isTransaction) q = q.forShare();
        const newest = await q.executeTakeFirst();
        const live = (await db.selectFrom('vault_keys').select('id').where('retired_at', 'is', null).orderBy('id').execute()).map(
          (r) => r.id,
        );
        if (live.length === 0) return null;
        // Empty while live keys exist: the row it waited for was retired meanwhile; read again.
        if (newest && live.at(-1) === newest.id) return { active: { id: newest.id, publicKey: newest.public_key }, live };
      }
    },
  };
}

/**
 * Waits until every transaction that read one of `ids` as the active key (keyRecord, FOR SHARE)
 * has ended: a rotation calls it before it moves wraps, so a case wrapped under an older key
 * just before the new one became active is committed, and moved, before that key is retired.
 * On SQLite there is nothing to wait for (see keyRecord).
 */
export async function waitForWriters(db: Db, dialect: Dialect, ids: number[]): Promise<void> {
  if (dialect !== 'postgres' || ids.length === 0) return;
  await inTransaction(db, (trx) => trx.selectFrom('vault_keys').select('id').where('id', 'in', ids).forUpdate().execute());
}

/**
 * The id for a new key: one more than any key ever made, retired ones included. Ids are never
 * reused, because every wrap names its key id: a wrap left under a retired key must never be
 * mistaken for one under a new key.
 */
export async function nextKeyId(db: Db): Promise<number> {
  const r = await db.selectFrom('vault_keys').select((eb) => eb.fn.max('id').as('m')).executeTakeFirst();
  return Number(r?.m ?? 0) + 1;
}

export async function insertKey(db: Db, id: number, publicKey: Buffer, at: number): Promise<void> {
  await db.insertInto('vault_keys').values({ id, public_key: publicKey, created_at: at, retired_at: null }).execute();
}

export async function retireKeys(db: Db, ids: number[], at: number): Promise<void> {
  if (ids.length === 0) return;
  await db.deleteFrom('unseal_holders').where('key_id', 'in', ids).execute();
  await db.updateTable('vault_keys').set({ retired_at: at }).where('id', 'in', ids).execute();
}

/** Deletes every holder row, of every key (leaving sealed mode). Returns how many. */
export async function deleteAllHolders(db: Db): Promise<number> {
  const r = await db.deleteFrom('unseal_holders').executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function insertHolder(db: Db, row: HolderRow): Promise<void> {
  await db.insertInto('unseal_holders').values(row).execute();
}

/** A holder's rows for the keys still in use. */
export function holderRows(db: Db, holder: string): Promise<HolderRow[]> {
  return db
    .selectFrom('unseal_holders')
    .innerJoin('vault_keys', 'vault_keys.id', 'unseal_holders.key_id')
    .selectAll('unseal_holders')
    .where('unseal_holders.holder', '=', holder)
    .where('vault_keys.retired_at', 'is', null)
    .execute();
}

/** Every holder row of one key (rotation wraps the new key to each of them). */
export function holdersOfKey(db: Db, keyId: number): Promise<HolderRow[]> {
  return db.selectFrom('unseal_holders').selectAll().where('key_id', '=', keyId).orderBy('holder').execute();
}

/** Names of everyone who can unseal, with when they were added. */
export async function holderNames(db: Db): Promise<{ holder: string; created_at: number }[]> {
  const rows = await db
    .selectFrom('unseal_holders')
    .innerJoin('vault_keys', 'vault_keys.id', 'unseal_holders.key_id')
    .select(['unseal_holders.holder', (eb) => eb.fn.min('unseal_holders.created_at').as('created_at')])
    .where('vault_keys.retired_at', 'is', null)
    .groupBy('unseal_holders.holder')
    .orderBy('unseal_holders.holder')
    .execute();
  return rows.map((r) => ({ holder: r.holder, created_at: Number(r.created_at) }));
}

export async function deleteHolder(db: Db, holder: string): Promise<number> {
  const r = await db.deleteFrom('unseal_holders').where('holder', '=', holder).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** A page of case keys, in id order after `afterId`. */
export function caseKeyPage(db: Db, afterId: number, limit: number) {
  return db
    .selectFrom('cases')
    .select(['id', 'key_wrapped'])
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Replaces a case's wrapped key only if it is still `before`; false when it changed meanwhile. */
export async function swapCaseKey(db: Db, id: number, before: Buffer, after: Buffer): Promise<boolean> {
  const r = await db
    .updateTable('cases')
    .set({ key_wrapped: after })
    .where('id', '=', id)
    .where('key_wrapped', '=', before)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Staff with a sealed second-factor secret. */
export function staffSecrets(db: Db) {
  return db
    .selectFrom('users')
    .select(['id', 'totp_secret_enc'])
    .where('totp_secret_enc', 'is not', null)
    .orderBy('id')
    .execute();
}

export async function swapStaffSecret(db: Db, id: string, before: Buffer, after: Buffer): Promise<boolean> {
  const r = await db
    .updateTable('users')
    .set({ totp_secret_enc: after })
    .where('id', '=', id)
    .where('totp_secret_enc', '=', before)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
