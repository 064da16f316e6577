import { Migrator, type MigrationResultSet } from 'kysely';
import { migrations } from '../../../migrations/index.js';
import type { Storage } from './db.js';

/** Brings the database to the latest schema. Throws with the failing migration's name. */
export async function migrateToLatest(storage: Storage): Promise<MigrationResultSet> {
  const migrator = new Migrator({
    db: storage.db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'haven_migrations',
    migrationLockTableName: 'haven_migrations_lock',
  });
  const result = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${String(result.error)}`, { cause: result.error });
  }
  return result;
}
