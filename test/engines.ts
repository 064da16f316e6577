import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openPostgres, openSqlite, type Storage } from '../src/platform/storage/db.js';

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

export interface Engine {
  name: 'sqlite' | 'postgres';
  available: boolean;
  /** A fresh, empty database; `dispose` removes it. */
  create(): Promise<{ storage: Storage; url: string | undefined; dataDir: string; dispose(): Promise<void> }>;
}

const sqlite: Engine = {
  name: 'sqlite',
  available: true,
  async create() {
    const dataDir = mkdtempSync(join(tmpdir(), 'haven-test-'));
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
  },
};

const postgres: Engine = {
  name: 'postgres',
  available: pgProblem === null,
  async create() {
    const name = `haven_t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
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
  },
};

export const engines: Engine[] = [sqlite, postgres];
