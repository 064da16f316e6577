import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import type { HavenModule } from '../src/contracts/module.js';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config/index.js';
import type { Deps } from '../src/deps.js';
import { randomBytes, Vault } from '../src/platform/crypto/vault.js';
import { openPostgres, openSqlite } from '../src/platform/storage/db.js';
import { sharedI18n } from '../src/runtime.js';
import { openVault } from '../src/modules/vault/index.js';
import { floorTimer, useFloorTimer, type FloorTimer } from '../src/modules/intake/followup-floor.js';
import type { Engine } from './engines.js';

/** A test clock: starts at a fixed instant and moves only when told. */
export class TestClock {
  constructor(public ms = Date.UTC(2026, 10, 22, 9, 0, 0)) {}
  now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

/**
 * The follow-up timing floor without its wait: the answer goes out as soon as it is decided.
 * The floor itself is checked with a recording timer (intake.routes.test.ts).
 */
export const NO_FLOOR_WAIT: FloorTimer = { now: () => performance.now(), sleep: async () => undefined };

export interface Harness {
  app: FastifyInstance;
  deps: Deps;
  clock: TestClock;
  masterKey: Buffer;
  dataDir: string;
  databaseUrl: string | undefined;
  close(): Promise<void>;
}

/**
 * A migrated, empty Haven on one engine, with the app built in-process (nothing listens).
 * `env` overrides configuration, as the environment would. The follow-up floor waits through
 * `floorTimer` (by default not at all). `modules` replaces Haven's list (src/modules.ts), e.g. to
 * add a route only a test registers.
 */
export async function createHarness(
  engine: Engine,
  env: Record<string, string> = {},
  opts: { logStream?: DestinationStream; floorTimer?: FloorTimer; modules?: readonly HavenModule[] } = {},
): Promise<Harness> {
  const db = await engine.createMigrated();
  const masterKey = randomBytes(32);
  const config = loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: db.dataDir, ...env });
  const clock = new TestClock();
  const deps: Deps = {
    config,
    storage: db.storage,
    db: db.storage.db,
    dialect: db.storage.dialect,
    vault: new Vault(masterKey),
    i18n: sharedI18n(),
    now: clock.now,
  };
  useFloorTimer(deps, opts.floorTimer ?? NO_FLOOR_WAIT);
  const app = await createApp(deps, opts);
  return {
    app,
    deps,
    clock,
    masterKey,
    dataDir: db.dataDir,
    databaseUrl: db.url,
    async close() {
      await app.close();
      await db.dispose();
    },
  };
}

/**
 * The same data in a new process: a new vault built as Haven builds it at start (in sealed
 * mode it starts sealed again) and a new app. `env` is the new process's configuration. The old
 * app is closed; closing the returned harness closes the database too.
 */
export async function restartHarness(h: Harness, env: Record<string, string> = {}): Promise<Harness> {
  await h.app.close();
  const config = loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: h.dataDir, ...env });
  const vault = await openVault({ db: h.deps.db, config, now: h.clock.now, dialect: h.deps.dialect }, h.masterKey);
  const deps: Deps = { ...h.deps, config, vault };
  useFloorTimer(deps, floorTimer(h.deps));
  const app = await createApp(deps);
  return {
    ...h,
    app,
    deps,
    async close() {
      await app.close();
      await h.close();
    },
  };
}

/**
 * Another process on the same database, beside `h`: its own connection (its own PostgreSQL
 * pool, or a second SQLite connection to the same file), a vault built as Haven builds it at
 * start (in sealed mode it starts sealed) and its own app; the same master key, clock and
 * DATA_DIR. Closing it closes only its app and connection: close it before `h`.
 */
export async function secondProcess(h: Harness, env: Record<string, string> = {}): Promise<Harness> {
  const storage = h.databaseUrl ? openPostgres(h.databaseUrl, 5) : openSqlite(join(h.dataDir, 'haven.db'));
  const config = loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: h.dataDir, ...env });
  const vault = await openVault({ db: storage.db, config, now: h.clock.now, dialect: storage.dialect }, h.masterKey);
  const deps: Deps = { ...h.deps, config, storage, db: storage.db, dialect: storage.dialect, vault };
  useFloorTimer(deps, NO_FLOOR_WAIT);
  const app = await createApp(deps);
  return {
    ...h,
    app,
    deps,
    async close() {
      await app.close();
      await storage.close();
    },
  };
}
