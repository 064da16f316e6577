import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import {
  Kysely,
  PostgresDialect,
  sql,
  type Compilable,
  type OperationNodeSource,
  type PostgresPool,
  type PostgresPoolClient,
  SqliteDialect,
  type SqliteDatabase as KyselySqliteDatabase,
  type SqliteStatement,
  type Transaction,
} from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

/** A connected database. `dialect` is the one seam where engine differences are decided. */
export interface Storage {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Where the SQLite file lives (undefined on PostgreSQL). */
  file: string | undefined;
  close(): Promise<void>;
}

// PostgreSQL returns bigint (int8) as strings; Haven's bigints are millisecond times and
// counts, all far below 2^53, so numbers are exact and keep both engines' results identical.
pg.types.setTypeParser(20, (v) => Number(v));

/**
 * Makes the database file owner-only (0600) before SQLite opens it, creating it if needed, and
 * tightens any -wal and -shm an older Haven left behind. SQLite creates a new database 0644
 * (less the umask), and creates -wal and -shm later, lazily, with the database file's own mode:
 * so a 0600 database file is what keeps all three private, whatever the process umask.
 */
function privateDatabaseFiles(file: string): void {
  closeSync(openSync(file, 'a', 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    if (existsSync(f) && (statSync(f).mode & 0o077) !== 0) chmodSync(f, 0o600);
  }
}

/**
 * The data directory holds the database and the keys: owner-only (0700). One made by the
 * operator with looser permissions is tightened when it is ours; another user's is left alone.
 */
function privateDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = statSync(dir);
  if ((st.mode & 0o077) !== 0 && st.uid === process.getuid?.()) chmodSync(dir, st.mode & 0o700);
}

/** How many prepared statements a SQLite connection keeps for reuse (least recently used go first). */
export const STATEMENT_CACHE_SIZE = 500;

/**
 * The better-sqlite3 connection as Kysely sees it, with its prepared statements kept by SQL
 * text: Kysely prepares every query it runs, and preparing costs more than running most of
 * Haven's statements. A kept statement serves `all` and `run`, which finish before they return;
 * `iterate` (Kysely's `stream()`) gets a statement of its own, because a statement cannot run
 * again while an iteration over it is open. Haven's SQL carries its values as parameters, so
 * the texts are few; the bound keeps a query built with a variable number of `?` from growing
 * the cache without end.
 */
export function cachingStatements(
  raw: SqliteDatabase.Database,
  size = STATEMENT_CACHE_SIZE,
): KyselySqliteDatabase & { readonly cached: number } {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    get cached() {
      return cache.size;
    },
    close: () => {
      cache.clear();
      raw.close();
    },
    prepare(sqlText: string): SqliteStatement {
      let stmt = cache.get(sqlText);
      if (stmt) {
        // Most recently used last, so the first entry is the one to drop.
        cache.delete(sqlText);
      } else {
        stmt = raw.prepare(sqlText);
        if (cache.size >= size) cache.delete(cache.keys().next().value!);
      }
      cache.set(sqlText, stmt);
      const kept = stmt;
      return {
        reader: kept.reader,
        all: (parameters) => kept.all(parameters),
        run: (parameters) => kept.run(parameters),
        iterate: (parameters) => raw.prepare(sqlText).iterate(parameters),
      };
    },
  };
}

/** Opens the embedded SQLite file under `dataDir`, with WAL and fully synchronous commits. */
export function openSqlite(file: string): Storage {
  privateDatabaseFiles(file);
  const raw = new SqliteDatabase(file);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = FULL');
  raw.pragma('foreign_keys = ON');
  raw.pragma('busy_timeout = 5000');
  raw.pragma('secure_delete = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: cachingStatements(raw) }) });
  return { db, dialect: 'sqlite', file, close: () => db.destroy() };
}

/** How many SQL texts a PostgreSQL process names as prepared statements, at most (ADR 40). */
export const PG_PREPARED_MAX = 200;
/** How many times a text is run before it is named: a text run once is not worth keeping. */
export const PG_PREPARE_AFTER = 3;
/** How many texts not yet named are counted at once (the count starts again when full). */
const PG_SEEN_MAX = 2_000;

/**
 * A pool whose connections run Haven's frequent statements as named prepared statements
 * (ADR 40): PostgreSQL then parses each of them once per connection, and after five runs
 * may keep a generic plan instead of planning again. The queue's page statement costs more to
 * plan than to run. A text gets a name once it has been run `after` times, up to `max` texts
 * for the process's life, so each connection holds a bounded number of statements. Only
 * reads and writes of named columns are named: a `*` would change its result type with a
 * migration, and a statement kept across that fails; DDL runs once.
 */
export function preparingStatements(
  pool: pg.Pool,
  max = PG_PREPARED_MAX,
  after = PG_PREPARE_AFTER,
): PostgresPool & { readonly named: number } {
  const names = new Map<string, string>();
  const seen = new Map<string, number>();
  const nameOf = (text: string): string | undefined => {
    const named = names.get(text);
    if (named !== undefined || names.size >= max) return named;
    if (!/^\s*(select|insert|update|delete|with)\b/i.test(text) || text.replaceAll('count(*)', '').includes('*')) return undefined;
    const runs = (seen.get(text) ?? 0) + 1;
    if (runs < after) {
      if (seen.size >= PG_SEEN_MAX) seen.clear();
      seen.set(text, runs);
      return undefined;
    }
    seen.delete(text);
    const name = `haven_${names.size}`;
    names.set(text, name);
    return name;
  };
  return {
    get named() {
      return names.size;
    },
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      return {
        query: ((text: unknown, values?: unknown[]) => {
          if (typeof text !== 'string') return client.query(text as never);
          const name = nameOf(text);
          return name === undefined ? client.query(text, values) : client.query({ name, text, values });
        }) as unknown as PostgresPoolClient['query'],
        release: () => client.release(),
      };
    },
    end: () => pool.end(),
  };
}

/** Connects to PostgreSQL with a small pool. */
export function openPostgres(connectionString: string, max = 10): Storage {
  const pool = new pg.Pool({ connectionString, max });
  // An idle pooled connection can be closed by the server (a restart, an administrator,
  // a dropped database). pg then emits 'error' on the pool, which would crash the process
  // without a listener; the pool has already discarded that connection and the next query
  // opens a new one, so there is nothing more to do.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: preparingStatements(pool) }) });
  return { db, dialect: 'postgres', file: undefined, close: () => db.destroy() };
}

/** Opens the configured engine: PostgreSQL when a URL is given, SQLite in `dataDir` otherwise. */
export function openStorage(opts: { databaseUrl: string | undefined; dataDir: string }): Storage {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl);
  privateDataDir(opts.dataDir);
  return openSqlite(join(opts.dataDir, 'haven.db'));
}

/** True when an error is a unique-constraint violation, on either engine. */
export function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string };
  return err?.code === '23505' || err?.code === 'SQLITE_CONSTRAINT_UNIQUE' || err?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * Runs `fn` inside `db`'s transaction when `db` already is one (a caller wants several steps
 * to commit together), else inside a new transaction of its own. Kysely cannot nest them.
 */
export async function inTransaction<T>(
  db: Kysely<Database> | Transaction<Database>,
  fn: (trx: Kysely<Database> | Transaction<Database>) => Promise<T>,
): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

/** A write (insert, update, delete) whose result nobody reads, ready to run. */
export type Write = Compilable & OperationNodeSource & { execute(): Promise<unknown> };

/**
 * Runs writes that do not depend on one another's results as one statement on PostgreSQL
 * (each a data-modifying `WITH` part: one round trip instead of one each), and one after
 * another on SQLite, where a statement is a function call, not a round trip. On PostgreSQL the
 * parts run against the same snapshot, none sees another's rows and they run in no set order:
 * only independent writes belong together (rows of different tables, or of earlier
 * statements), and rows whose order matters (ids drawn from one sequence) go in one write.
 */
export async function writeTogether(
  db: Kysely<Database>,
  dialect: Dialect,
  writes: readonly Write[],
): Promise<void> {
  if (dialect === 'sqlite' || writes.length < 2) {
    for (const w of writes) await w.execute();
    return;
  }
  const parts = writes.map((w, i) => sql`${sql.raw(`w${i}`)} AS (${w})`);
  await sql`WITH ${sql.join(parts)} SELECT 1`.execute(db);
}
