// Large benchmark databases, built once with `haven demo --requests N` and reused.
//
// The cache folder (default bench/.cache/, ignored by git; `--cache DIR` for another) holds one
// entry per engine and size, `<engine>-<size>/`:
//   key          the entry's master key (hex), HAVEN_MASTER_KEY for everything opening it
//   data/        its DATA_DIR: haven.db (SQLite) and keys/
//   ready.json   written last, when the build succeeded: { requests, seconds, builtAt }
// A PostgreSQL entry's database is `haven_bench_<size>_<h>` on the benchmark's server, where <h>
// names the cache folder (each folder holds its own master keys).
//
// `--import DIR` also takes SQLite databases built elsewhere, as DIR/sqlite-<size>/haven.db with
// the key in DIR/master-key (read only, never copied into the cache).
//
// Runs never touch an entry: each works on a copy (`workCopy`: the SQLite file with its -wal, or
// a PostgreSQL database created from the entry's as a template), since intake adds cases and
// retention purges them.

import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../results.js';

export const DEFAULT_CACHE = resolve(import.meta.dirname, '..', '.cache');
const ROOT = resolve(import.meta.dirname, '..', '..');

export interface CacheEntry {
  dir: string;
  masterKey: string;
  dataDir: string;
  /** PostgreSQL: the URL of the entry's database. */
  databaseUrl?: string;
  /** Seconds `haven demo` took, when this call built the entry (undefined when reused). */
  builtSeconds?: number;
}

/** The PostgreSQL database of a cache folder's entry of `size` cases. */
export function pgDatabaseName(cacheDir: string, size: number): string {
  return `haven_bench_${size}_${createHash('sha256').update(resolve(cacheDir)).digest('hex').slice(0, 8)}`;
}

function withDatabase(adminUrl: string, name: string): string {
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(adminUrl: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Runs `haven demo --requests N` with `env`; resolves with the seconds it took. */
function runDemo(
  requests: number,
  env: Record<string, string>,
  log: (s: string) => void,
): Promise<number> {
  const t = performance.now();
  return new Promise((ok, fail) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(ROOT, 'src', 'main.ts'),
        'demo',
        '--requests',
        String(requests),
        '--seed',
        'bench',
        // Every case whole (messages included), as the recorded baselines were measured; by
        // default old cases are written as retention would already have left them.
        '--all-messages',
      ],
      {
        cwd: ROOT,
        env: { ...process.env, LOG_LEVEL: 'silent', ...env },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.on('exit', (code) => {
      if (code === 0) ok((performance.now() - t) / 1000);
      else {
        log(out.slice(-2000));
        fail(new Error(`haven demo --requests ${requests} exited with ${code}`));
      }
    });
  });
}

/**
 * The cache entry for `engine` and `size`, built now (timed) when missing. For PostgreSQL,
 * `adminUrl` is a server where databases may be created.
 */
export async function ensureDatabase(
  cacheDir: string,
  engine: Db,
  size: number,
  opts: {
    adminUrl?: string;
    log?: (s: string) => void;
    rebuild?: boolean;
    importDir?: string;
  } = {},
): Promise<CacheEntry> {
  const log = opts.log ?? (() => undefined);
  const dir = join(cacheDir, `${engine}-${size}`);
  const dataDir = join(dir, 'data');
  const pgName = pgDatabaseName(cacheDir, size);
  const databaseUrl = engine === 'postgres' ? withDatabase(opts.adminUrl!, pgName) : undefined;
  const ready = join(dir, 'ready.json');
  if (existsSync(ready) && !opts.rebuild) {
    const present =
      engine === 'sqlite'
        ? existsSync(join(dataDir, 'haven.db'))
        : await admin(
            opts.adminUrl!,
            async (c) =>
              (await c.query('select 1 from pg_database where datname = $1', [pgName])).rowCount ===
              1,
          );
    if (present) {
      const built = JSON.parse(readFileSync(ready, 'utf8')) as { seconds: number; builtAt: string };
      log(`  reusing ${dir} (built in ${Math.round(built.seconds)} s at ${built.builtAt})`);
      return {
        dir,
        masterKey: readFileSync(join(dir, 'key'), 'utf8').trim(),
        dataDir,
        databaseUrl,
      };
    }
  }
  // A database built elsewhere (`--import DIR`): DIR/master-key and DIR/sqlite-<size>/haven.db.
  if (engine === 'sqlite' && opts.importDir && !opts.rebuild) {
    const data = join(opts.importDir, `sqlite-${size}`);
    const keyFile = join(opts.importDir, 'master-key');
    if (existsSync(join(data, 'haven.db')) && existsSync(keyFile)) {
      log(`  using ${data} (imported, not copied into the cache)`);
      return { dir: data, masterKey: readFileSync(keyFile, 'utf8').trim(), dataDir: data };
    }
  }
  log(
    `  building the ${engine} database of ${size.toLocaleString('en')} cases in ${dir} (haven demo)…`,
  );
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const masterKey = randomBytes(32).toString('hex');
  writeFileSync(join(dir, 'key'), `${masterKey}\n`, { mode: 0o600 });
  if (engine === 'postgres') {
    await admin(opts.adminUrl!, async (c) => {
      await c.query(`DROP DATABASE IF EXISTS ${pgName} WITH (FORCE)`);
      await c.query(`CREATE DATABASE ${pgName}`);
    });
  }
  const seconds = await runDemo(
    size,
    {
      DATA_DIR: dataDir,
      HAVEN_MASTER_KEY: masterKey,
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    },
    log,
  );
  writeFileSync(
    ready,
    `${JSON.stringify({ requests: size, seconds, builtAt: new Date().toISOString() })}\n`,
  );
  log(`  built in ${seconds.toFixed(0)} s`);
  return { dir, masterKey, dataDir, databaseUrl, builtSeconds: seconds };
}

/** A copy of an entry to run on (removed by `dispose`), and the environment to open it. */
export async function workCopy(
  cacheDir: string,
  entry: CacheEntry,
  engine: Db,
  size: number,
  adminUrl?: string,
): Promise<{ env: Record<string, string>; dispose(): Promise<void> }> {
  const dir = join(cacheDir, 'work', `${engine}-${size}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(cacheDir, 'work'), { recursive: true });
  // The data folder whole: the SQLite file with its -wal, and the backup keys beside it.
  cpSync(entry.dataDir, dir, { recursive: true });
  const env: Record<string, string> = { DATA_DIR: dir, HAVEN_MASTER_KEY: entry.masterKey };
  let pgName: string | undefined;
  if (engine === 'postgres') {
    const template = pgDatabaseName(cacheDir, size);
    pgName = `${template}_work`;
    await admin(adminUrl!, async (c) => {
      await c.query(`DROP DATABASE IF EXISTS ${pgName} WITH (FORCE)`);
      await c.query(`CREATE DATABASE ${pgName} TEMPLATE ${template}`);
    });
    env.DATABASE_URL = withDatabase(adminUrl!, pgName);
  }
  return {
    env,
    async dispose() {
      rmSync(dir, { recursive: true, force: true });
      if (pgName)
        await admin(adminUrl!, (c) => c.query(`DROP DATABASE IF EXISTS ${pgName} WITH (FORCE)`));
    },
  };
}
