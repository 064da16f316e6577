import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openPostgres, openSqlite, type Storage } from '../src/platform/storage/db.js';
import { migrateToLatest } from '../src/platform/storage/migrate.js';

/**
 * The two engines every storage test runs against. SQLite always; PostgreSQL when a server
 * answers at TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test). Without
 * one the PostgreSQL suites skip with a printed reason, except when HAVEN_REQUIRE_POSTGRES=1
 * (CI sets it), where a missing server fails the run.
 */
export const PG_ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function probePostgres(): Promise<string | null> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  } finally {
    await client.end().catch(() => undefined);
  }
}

const pgProblem = await probePostgres();
if (pgProblem) {
  if (process.env.HAVEN_REQUIRE_POSTGRES === '1') {
    throw new Error(`PostgreSQL is required (HAVEN_REQUIRE_POSTGRES=1) but unreachable at ${PG_ADMIN_URL}: ${pgProblem}`);
  }
  console.warn(`[haven tests] skipping PostgreSQL suites: no server at ${PG_ADMIN_URL} (${pgProblem})`);
}

export interface TestDatabase {
  storage: Storage;
  url: string | undefined;
  dataDir: string;
  dispose(): Promise<void>;
}

export interface Engine {
  name: 'sqlite' | 'postgres';
  available: boolean;
  /** A fresh, empty database; `dispose` removes it. */
  create(): Promise<TestDatabase>;
  /**
   * A fresh database at the latest schema: a copy of the run's template (test/global-setup.ts)
   * when there is one, else an empty database migrated now.
   */
  createMigrated(): Promise<TestDatabase>;
}

/** Where test/global-setup.ts leaves the run's migrated templates for the test processes. */
export const TEMPLATE_ENV = {
  sqlite: 'HAVEN_TEST_SQLITE_TEMPLATE',
  postgres: 'HAVEN_TEST_PG_TEMPLATE',
} as const;

export const pgAvailable = pgProblem === null;

async function migratedNow(db: TestDatabase): Promise<TestDatabase> {
  await migrateToLatest(db.storage);
  return db;
}

function openSqliteIn(dataDir: string): TestDatabase {
  const storage = openSqlite(join(dataDir, 'haven.db'));
  return {
    storage,
    url: undefined,
    dataDir,
    async dispose() {
      await storage.close().catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const sqlite: Engine = {
  name: 'sqlite',
  available: true,
  async create() {
    return openSqliteIn(mkdtempSync(join(tmpdir(), 'haven-test-')));
  },
  async createMigrated() {
    const template = process.env[TEMPLATE_ENV.sqlite];
    if (!template) return migratedNow(await this.create());
    const dataDir = mkdtempSync(join(tmpdir(), 'haven-test-'));
    copyFileSync(template, join(dataDir, 'haven.db'));
    return openSqliteIn(dataDir);
  },
};

/** A new PostgreSQL database, empty or (`template`) a copy of another. */
async function pgDatabase(template?: string): Promise<TestDatabase> {
  const name = `haven_t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(template ? `CREATE DATABASE ${name} TEMPLATE ${template}` : `CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  const storage = openPostgres(url.toString(), 5);
  const dataDir = mkdtempSync(join(tmpdir(), 'haven-test-'));
  return {
    storage,
    url: url.toString(),
    dataDir,
    async dispose() {
      await storage.close().catch(() => undefined);
      const a = new pg.Client({ connectionString: PG_ADMIN_URL });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const postgres: Engine = {
  name: 'postgres',
  available: pgAvailable,
  create: () => pgDatabase(),
  async createMigrated() {
    const template = process.env[TEMPLATE_ENV.postgres];
    return template ? pgDatabase(template) : migratedNow(await pgDatabase());
  },
};

export const engines: Engine[] = [sqlite, postgres];
