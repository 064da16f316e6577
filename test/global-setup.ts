import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openPostgres, openSqlite } from '../src/platform/storage/db.js';
import { migrateToLatest } from '../src/platform/storage/migrate.js';
import { PG_ADMIN_URL, pgAvailable, TEMPLATE_ENV } from './engines.js';

/**
 * Once per test run: an empty Haven database at the latest schema on each engine, which every
 * harness then copies (test/engines.ts `createMigrated`) instead of running the migrations
 * again. Migrating costs about a second per database; a run makes hundreds of them. The tests
 * of the migrations themselves still start from empty databases (`create`).
 */
export async function setup(): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), 'haven-template-'));
  const file = join(dir, 'haven.db');
  const sqlite = openSqlite(file);
  await migrateToLatest(sqlite);
  // Closing the last connection checkpoints the WAL: the file alone holds the schema.
  await sqlite.close();
  process.env[TEMPLATE_ENV.sqlite] = file;

  let pgName: string | undefined;
  if (pgAvailable) {
    pgName = `haven_tpl_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
    await admin((c) => c.query(`CREATE DATABASE ${pgName}`));
    const url = new URL(PG_ADMIN_URL);
    url.pathname = `/${pgName}`;
    const storage = openPostgres(url.toString(), 1);
    await migrateToLatest(storage);
    await storage.close();
    process.env[TEMPLATE_ENV.postgres] = pgName;
  }

  return async () => {
    rmSync(dir, { recursive: true, force: true });
    if (pgName) await admin((c) => c.query(`DROP DATABASE IF EXISTS ${pgName} WITH (FORCE)`));
  };
}

async function admin(fn: (c: pg.Client) => Promise<unknown>): Promise<void> {
  const c = new pg.Client({ connectionString: PG_ADMIN_URL });
  await c.connect();
  try {
    await fn(c);
  } finally {
    await c.end();
  }
}
