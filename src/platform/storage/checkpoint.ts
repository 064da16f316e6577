import { sql } from 'kysely';
import type { Storage } from './db.js';

/**
 * After deleting personal data: on SQLite, copies every page from the write-ahead log into
 * the database file and truncates the log, so the old versions of overwritten pages do not
 * linger in `haven.db-wal` (secure_delete already zeroes freed space in the file). PostgreSQL
 * keeps dead tuples until VACUUM; that is described in docs/threat-model.md.
 */
export async function checkpointAfterDelete(storage: Pick<Storage, 'db' | 'dialect'>): Promise<void> {
  if (storage.dialect !== 'sqlite') return;
  await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(storage.db);
}
