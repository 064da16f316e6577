import { Migrator, NO_MIGRATIONS, type MigrationResultSet } from 'kysely';
import { migrations } from '../../../migrations/index.js';
import type { Storage } from './db.js';

function migrator(storage: Storage): Migrator {
  return new Migrator({
    db: storage.db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'haven_migrations',
    migrationLockTableName: 'haven_migrations_lock',
  });
}

/** Brings the database to the latest schema. Throws with the failing migration's name. */
export async function migrateToLatest(storage: Storage): Promise<MigrationResultSet> {
  return checked(await migrator(storage).migrateToLatest());
}

/**
 * Moves the schema to just after `name` (down or up; null: before the first migration).
 * Restore uses it on an empty instance to load a backup made at an older schema.
 */
export async function migrateTo(storage: Storage, name: string | null): Promise<MigrationResultSet> {
  return checked(await migrator(storage).migrateTo(name ?? NO_MIGRATIONS));
}

function checked(result: MigrationResultSet): MigrationResultSet {
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${String(result.error)}`, { cause: result.error });
  }
  return result;
}
