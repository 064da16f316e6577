import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cachingStatements, openStorage } from './db.js';
import { migrateToLatest } from './migrate.js';

const modeOf = (path: string) => statSync(path).mode & 0o777;

/**
 * The SQLite files hold the structured fields, keyed hashes and the audit log beside the
 * ciphertext: only Haven's own user may read them. (PostgreSQL keeps nothing in DATA_DIR; its
 * files are the database server's.) The test runs under the common umask 022, with which SQLite
 * alone creates all three files 0644.
 */
describe('SQLite file permissions', () => {
  let root: string;
  let umask: number;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'haven-modes-'));
    umask = process.umask(0o022);
  });
  afterEach(() => {
    process.umask(umask);
    rmSync(root, { recursive: true, force: true });
  });

  async function openAndWrite(dataDir: string) {
    const storage = openStorage({ databaseUrl: undefined, dataDir });
    try {
      await migrateToLatest(storage);
      await sql`CREATE TABLE mode_probe (x INTEGER)`.execute(storage.db);
      await sql`INSERT INTO mode_probe (x) VALUES (1)`.execute(storage.db);
      const file = storage.file!;
      // While the database is open in WAL mode, all three files exist.
      expect(existsSync(`${file}-wal`)).toBe(true);
      expect(existsSync(`${file}-shm`)).toBe(true);
      return { file, modes: [file, `${file}-wal`, `${file}-shm`].map(modeOf), dir: modeOf(dataDir) };
    } finally {
      await storage.close();
    }
  }

  it('creates a fresh database, its -wal and -shm 0600 in a 0700 data directory', async () => {
    const dataDir = join(root, 'fresh', 'data');
    const { modes, dir } = await openAndWrite(dataDir);
    expect(modes.map((m) => m.toString(8))).toEqual(['600', '600', '600']);
    expect(dir.toString(8)).toBe('700');
  });

  it('tightens the files and data directory an older Haven left readable by others', async () => {
    const dataDir = join(root, 'old');
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    const file = join(dataDir, 'haven.db');
    for (const f of [file, `${file}-wal`, `${file}-shm`]) {
      closeSync(openSync(f, 'w', 0o644));
      chmodSync(f, 0o644);
    }
    const { modes, dir } = await openAndWrite(dataDir);
    expect(modes.map((m) => m.toString(8))).toEqual(['600', '600', '600']);
    expect(dir.toString(8)).toBe('700');
  });
});

describe('SQLite prepared statements', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'haven-stmts-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  function open(size?: number) {
    const raw = new SqliteDatabase(join(root, 'probe.db'));
    let prepares = 0;
    const prepare = raw.prepare.bind(raw);
    raw.prepare = ((text: string) => {
      prepares++;
      return prepare(text);
    }) as typeof raw.prepare;
    const conn = cachingStatements(raw, size);
    const db = new Kysely<{ probe: { x: number } }>({ dialect: new SqliteDialect({ database: conn }) });
    return { db, conn, prepares: () => prepares };
  }

  it('prepares a statement once and reuses it for the same SQL', async () => {
    const { db, prepares } = open();
    await sql`CREATE TABLE probe (x INTEGER)`.execute(db);
    const before = prepares();
    for (let i = 0; i < 5; i++) await db.insertInto('probe').values({ x: i }).execute();
    for (let i = 0; i < 5; i++) await db.selectFrom('probe').selectAll().where('x', '>=', i).execute();
    expect(prepares() - before).toBe(2);
    expect(await db.selectFrom('probe').select('x').where('x', '>=', 3).execute()).toEqual([{ x: 3 }, { x: 4 }]);
    await db.destroy();
  });

  it('gives a stream a statement of its own, and the kept one still serves after it', async () => {
    const { db, prepares } = open();
    await sql`CREATE TABLE probe (x INTEGER)`.execute(db);
    await db.insertInto('probe').values([{ x: 1 }, { x: 2 }, { x: 3 }]).execute();
    const query = db.selectFrom('probe').select('x').orderBy('x');
    await query.execute(); // now kept
    const before = prepares();
    // Left after the first row: the iteration is closed, the kept statement untouched.
    for await (const row of query.stream()) {
      expect(row).toEqual({ x: 1 });
      break;
    }
    expect(prepares() - before).toBe(1);
    expect(await query.execute()).toEqual([{ x: 1 }, { x: 2 }, { x: 3 }]);
    expect(prepares() - before).toBe(1);
    await db.destroy();
  });

  it('keeps at most as many statements as its bound', async () => {
    const { db, conn } = open(3);
    await sql`CREATE TABLE probe (x INTEGER)`.execute(db);
    for (let i = 0; i < 10; i++) await sql`SELECT x FROM probe WHERE x > ${i} AND ${sql.raw(String(i))} = ${i}`.execute(db);
    expect(conn.cached).toBe(3);
    await db.destroy();
  });
});
