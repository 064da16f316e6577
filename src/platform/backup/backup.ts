import { closeSync, fsyncSync, openSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { sql } from 'kysely';
import type { Storage } from '../storage/db.js';
import { migrateTo, migrateToLatest } from '../storage/migrate.js';
import {
  BackupError,
  ContainerWriter,
  lines,
  readContainer,
  readContainerHeader,
  tempSuffix,
  type BackupFailure,
} from './container.js';
import {
  appliedMigrations,
  emptyTables,
  insertRows,
  listTables,
  readCounters,
  writeCounters,
  type AnyDb,
  type TableInfo,
} from './catalog.js';
import { currentBackupEpoch, openEpochKey, pruneBackupKeys } from './keys.js';
import { LedgerError, readShreds, type ShredEntry } from './shreds.js';

/**
 * `haven backup` and `haven restore`: a logical dump of every table, taken in one consistent
 * read transaction while Haven runs, written as JSON lines inside the encrypted container
 * (container.ts) under an expiring backup key (keys.ts). The same file restores on SQLite
 * and PostgreSQL. Design and guarantees: docs/decisions/0011-backups.md.
 */

export const DUMP_FORMAT = 1;
/** The most rows read (and, on restore, written) at once. */
const PAGE = 2000;
/**
 * About the most bytes one page may hold: a table of large rows (an attachment's 64 KiB
 * chunks) is read a few rows at a time, so memory stays bounded whatever a row weighs.
 */
const PAGE_BYTES = 8 * 1024 * 1024;
/** The first page of a table, before its rows' size is known. */
const FIRST_PAGE = 16;

/** Roughly what a row weighs in memory: its bytes and text, 8 for anything else. */
function rowBytes(row: Record<string, unknown>): number {
  let n = 0;
  for (const v of Object.values(row)) n += v instanceof Uint8Array || typeof v === 'string' ? v.length : 8;
  return n;
}

/** How many rows to read next, after a page of `rows` rows that weighed `bytes`: as many as fit in PAGE_BYTES. */
export function nextPageSize(rows: number, bytes: number): number {
  if (rows === 0) return FIRST_PAGE;
  return Math.max(1, Math.min(PAGE, Math.floor(PAGE_BYTES / Math.max(1, bytes / rows))));
}
// Both engines accept tens of thousands of bound values per statement; stay well below.
const MAX_VALUES_PER_INSERT = 20_000;

/** The first plaintext line of a backup. */
export interface DumpHeader {
  format: number;
  createdAt: number;
  engine: string;
  /** The schema version: every applied migration, in order. */
  migrations: string[];
  tables: { name: string; columns: string[]; rows: number }[];
  /** Identity counters by table (the next id handed out is one more). */
  counters: Record<string, number>;
}

export interface BackupKeys {
  /** The backup subkey of the master key (vault.deriveBackupKey). */
  backupKey: Buffer;
  /** The folder of expiring epoch secrets (keys.backupKeysDir). */
  keysDir: string;
}

export interface BackupSummary {
  file: string;
  bytes: number;
  tables: number;
  rows: number;
  epochId: string;
  /** When the key that opens this backup will be destroyed. */
  readableUntil: number;
  elapsedMs: number;
}

function encodeValue(v: unknown): unknown {
  if (v instanceof Uint8Array) return { $b: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
  if (typeof v === 'bigint') return Number(v);
  return v;
}

function decodeValue(v: unknown, dialect: Storage['dialect']): unknown {
  if (v !== null && typeof v === 'object' && '$b' in v) return Buffer.from((v as { $b: string }).$b, 'base64');
  // SQLite has no boolean type; Haven stores flags as 0/1 anyway.
  if (typeof v === 'boolean' && dialect === 'sqlite') return v ? 1 : 0;
  return v;
}

async function* pages(db: AnyDb, t: TableInfo): AsyncGenerator<Record<string, unknown>[]> {
  const cols = sql.join(t.columns.map((c) => sql.ref(c)));
  const table = sql.table(t.name);
  let limit = FIRST_PAGE;
  const sized = (rows: Record<string, unknown>[]) => {
    limit = nextPageSize(rows.length, rows.reduce((n, row) => n + rowBytes(row), 0));
  };
  if (t.primaryKey.length === 0) {
    // No key to page by (none today): order by every column so pages are stable in the snapshot.
    for (let offset = 0; ; ) {
      const asked = limit;
      const r = await sql<Record<string, unknown>>`select ${cols} from ${table} order by ${cols} limit ${asked} offset ${offset}`.execute(db);
      if (r.rows.length) yield r.rows;
      if (r.rows.length < asked) return;
      offset += r.rows.length;
      sized(r.rows);
    }
  }
  const key = sql.join(t.primaryKey.map((c) => sql.ref(c)));
  let last: unknown[] | undefined;
  for (;;) {
    const asked = limit;
    const where = last ? sql`where (${key}) > (${sql.join(last.map((v) => sql.val(v)))})` : sql``;
    const r = await sql<Record<string, unknown>>`select ${cols} from ${table} ${where} order by ${key} limit ${asked}`.execute(db);
    if (r.rows.length) yield r.rows;
    if (r.rows.length < asked) return;
    const end = r.rows[r.rows.length - 1]!;
    last = t.primaryKey.map((c) => end[c]);
    sized(r.rows);
  }
}

/** Runs `fn` in a read-only snapshot: every table is read as of one instant. */
async function inSnapshot<T>(storage: Storage, fn: (db: AnyDb) => Promise<T>): Promise<T> {
  if (storage.dialect === 'postgres') {
    return storage.db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(fn);
  }
  // SQLite in WAL mode: a read transaction sees one snapshot and does not block writers.
  return storage.db.transaction().execute(fn);
}

/**
 * Writes an encrypted backup of the whole database to `out`. The file appears under its name
 * only when complete (written as a 0600 temporary file beside it, synced, then renamed).
 */
export async function createBackup(
  storage: Storage,
  keys: BackupKeys,
  out: string,
  opts: { now?: () => number } = {},
): Promise<BackupSummary> {
  const now = opts.now ?? Date.now;
  const started = Date.now();
  const epoch = currentBackupEpoch(keys.keysDir, keys.backupKey, now());
  const tmp = join(dirname(out), `.${basename(out)}.${tempSuffix()}.partial`);
  const fd = openSync(tmp, 'wx', 0o600);
  let done = false;
  try {
    const writer = new ContainerWriter(fd, epoch.key, epoch.id);
    const summary = await inSnapshot(storage, async (db) => {
      const tables = await listTables(db, storage.dialect);
      const header: DumpHeader = {
        format: DUMP_FORMAT,
        createdAt: now(),
        engine: storage.dialect,
        migrations: await appliedMigrations(db),
        tables: [],
        counters: await readCounters(db, storage.dialect, tables),
      };
      for (const t of tables) {
        const r = await sql<{ n: number }>`select count(*) as n from ${sql.table(t.name)}`.execute(db);
        header.tables.push({ name: t.name, columns: t.columns, rows: Number(r.rows[0]?.n ?? 0) });
      }
      writer.write(`${JSON.stringify(header)}\n`);
      let total = 0;
      for (const t of tables) {
        let n = 0;
        for await (const page of pages(db, t)) {
          let text = '';
          for (const row of page) text += `${JSON.stringify(t.columns.map((c) => encodeValue(row[c])))}\n`;
          writer.write(text);
          n += page.length;
        }
        const expected = header.tables.find((x) => x.name === t.name)!.rows;
        if (n !== expected) throw new Error(`table ${t.name} changed during the backup (${n} rows read, ${expected} counted)`);
        total += n;
      }
      writer.write(`${JSON.stringify({ end: true, rows: total })}\n`);
      return { tables: tables.length, rows: total };
    });
    writer.finish();
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, out);
    try {
      const dfd = openSync(dirname(out), 'r');
      fsyncSync(dfd);
      closeSync(dfd);
    } catch {
      // Some platforms cannot sync a directory; the rename itself is still atomic.
    }
    done = true;
    return {
      file: out,
      bytes: writer.bytes,
      ...summary,
      epochId: epoch.id,
      readableUntil: epoch.destroyAt,
      elapsedMs: Date.now() - started,
    };
  } finally {
    if (!done) {
      try {
        closeSync(fd);
      } catch {
        // already closed
      }
      rmSync(tmp, { force: true });
    }
  }
}

/** Opens a backup file and returns its decrypted lines; the caller closes `fd`. */
function openBackup(fd: number, keys: BackupKeys): { lines: Generator<string>; epochId: string } {
  const header = readContainerHeader(fd);
  const k = openEpochKey(keys.keysDir, keys.backupKey, header.epochId);
  if (!k.ok) {
    throw k.code === 'BACKUP_KEY_DESTROYED'
      ? new BackupError(
          'BACKUP_KEY_DESTROYED',
          `the key for this backup (epoch ${header.epochId}) is not in ${keys.keysDir}: backup keys are destroyed 30 days after they are made, ` +
            'so this backup can no longer be opened (or the keys folder was not copied to this machine, or the file header is damaged)',
        )
      : new BackupError(
          'BACKUP_WRONG_KEY',
          'the backup key cannot be opened with this master key: use the master key of the instance that made the backup',
        );
  }
  return { lines: lines(readContainer(fd, header, k.key)), epochId: header.epochId };
}

function parseHeader(line: string | undefined): DumpHeader {
  let h: DumpHeader | undefined;
  try {
    h = line === undefined ? undefined : (JSON.parse(line) as DumpHeader);
  } catch {
    h = undefined;
  }
  if (!h || !Array.isArray(h.tables) || !Array.isArray(h.migrations)) {
    throw new BackupError('BACKUP_DAMAGED', 'the backup opened but its contents are not a Haven dump');
  }
  if (h.format !== DUMP_FORMAT) {
    throw new BackupError('BACKUP_UNSUPPORTED_FORMAT', `this backup's dump format ${h.format} is not supported by this version of Haven`);
  }
  return h;
}

/** The deletion list of the backup key a file was made under (shreds.ts), or a refusal. */
function deletionList(file: string, keys: BackupKeys): ShredEntry[] {
  const fd = openSync(file, 'r');
  try {
    return readShreds(keys.keysDir, keys.backupKey, readContainerHeader(fd).epochId);
  } catch (e) {
    if (e instanceof LedgerError) throw new BackupError('BACKUP_DELETION_LIST', e.message);
    throw e;
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads the whole file and checks every chunk's authentication, the final tag and the row
 * counts, without touching any database. Returns the dump header.
 */
export function verifyBackup(file: string, keys: BackupKeys): DumpHeader {
  const fd = openSync(file, 'r');
  try {
    const it = openBackup(fd, keys).lines;
    const header = parseHeader(it.next().value as string | undefined);
    const expected = header.tables.reduce((s, t) => s + t.rows, 0);
    let rows = 0;
    let end: { end?: boolean; rows?: number } | undefined;
    for (const line of it) {
      if (end) throw new BackupError('BACKUP_DAMAGED', 'the backup has data after its end marker');
      if (line.startsWith('{')) end = JSON.parse(line) as typeof end;
      else rows++;
    }
    if (!end?.end || end.rows !== expected || rows !== expected) {
      throw new BackupError('BACKUP_DAMAGED', `the backup holds ${rows} rows but its header promises ${expected}`);
    }
    return header;
  } finally {
    closeSync(fd);
  }
}

export type RestoreResult =
  | {
      ok: true;
      tables: number;
      rows: number;
      elapsedMs: number;
      header: DumpHeader;
      /** Migrations run after loading a backup made at an older schema. */
      migrated: string[];
      /** Cases deleted after the backup was taken, deleted again from the restored data. */
      reapplied: number;
    }
  | { ok: false; code: BackupFailure; message: string };

/** Counts rows in the tables that hold people, requests or history. */
async function dataRows(db: AnyDb, tables: TableInfo[]): Promise<number> {
  let n = 0;
  for (const name of ['users', 'cases', 'audit_log']) {
    if (!tables.some((t) => t.name === name)) continue;
    const r = await sql<{ n: number }>`select count(*) as n from ${sql.table(name)}`.execute(db);
    n += Number(r.rows[0]?.n ?? 0);
  }
  return n;
}

/** SQLite: a 256 MB page cache while a restore loads (index pages stay in memory); the previous size after. */
async function widenSqliteCache(storage: Storage): Promise<{ restore(): Promise<void> }> {
  if (storage.dialect !== 'sqlite') return { restore: async () => undefined };
  const before = await sql<{ cache_size: number }>`pragma cache_size`.execute(storage.db);
  const previous = Math.trunc(Number(before.rows[0]?.cache_size ?? -2000));
  await sql`pragma cache_size = -262144`.execute(storage.db);
  return { restore: async () => void (await sql.raw(`pragma cache_size = ${previous}`).execute(storage.db)) };
}

/** Whether a backup's schema is the code's or an older one; throws for anything else. */
function compareSchema(header: DumpHeader, current: string[]): 'same' | 'older' {
  const known = new Set(current);
  const unknown = header.migrations.filter((m) => !known.has(m));
  if (unknown.length) {
    throw new BackupError(
      'BACKUP_SCHEMA_NEWER',
      `this backup was made by a newer Haven (its schema includes ${unknown.join(', ')}); upgrade Haven, then restore`,
    );
  }
  if (header.migrations.join('\n') === current.join('\n')) return 'same';
  if (current.slice(0, header.migrations.length).join('\n') === header.migrations.join('\n')) return 'older';
  throw new BackupError(
    'BACKUP_SCHEMA_MISMATCH',
    'this backup was made at a schema this Haven cannot reach by migrating forward; restore it with the release that made it',
  );
}

/** Empties the instance and loads every row, in one transaction; returns the row count. */
async function load(
  storage: Storage,
  it: Generator<string>,
  header: DumpHeader,
  force: boolean,
  reapply: ((db: AnyDb) => Promise<number>) | null,
): Promise<{ rows: number; reapplied: number }> {
  return storage.db.transaction().execute(async (db) => {
    const tables = await listTables(db, storage.dialect);
    const byName = new Map(tables.map((t) => [t.name, t]));
    for (const bt of header.tables) {
      const t = byName.get(bt.name);
      if (!t || [...t.columns].sort().join() !== [...bt.columns].sort().join()) {
        throw new BackupError('BACKUP_SCHEMA_MISMATCH', `table ${bt.name} in the backup does not match this database's table of that name`);
      }
    }
    if (!force && (await dataRows(db, tables)) > 0) {
      throw new BackupError(
        'RESTORE_NOT_EMPTY',
        'this instance already holds data (users, cases or audit entries); restore into a fresh instance, or pass --force to replace everything in it',
      );
    }
    if (storage.dialect === 'sqlite') await sql`pragma defer_foreign_keys = on`.execute(db);
    // Rows a migration seeds (taxonomies, default rules) are replaced by the backup's own.
    await emptyTables(db, storage.dialect, tables);
    let total = 0;
    for (const bt of header.tables) {
      const batch = Math.max(1, Math.min(500, Math.floor(MAX_VALUES_PER_INSERT / Math.max(1, bt.columns.length))));
      let pending: unknown[][] = [];
      let pendingBytes = 0;
      for (let i = 0; i < bt.rows; i++) {
        const line = it.next();
        if (line.done) throw new BackupError('BACKUP_TRUNCATED', 'the backup ended before all rows were read');
        pending.push((JSON.parse(line.value) as unknown[]).map((v) => decodeValue(v, storage.dialect)));
        pendingBytes += line.value.length;
        // Rows of large values (attachment chunks) go a few at a time, as they were read.
        if (pending.length >= batch || pendingBytes >= PAGE_BYTES || i === bt.rows - 1) {
          await insertRows(db, storage.dialect, bt.name, bt.columns, pending);
          pending = [];
          pendingBytes = 0;
        }
      }
      total += bt.rows;
    }
    await writeCounters(db, storage.dialect, tables, header.counters ?? {});
    // Drain the stream so the final tag is checked again before commit.
    for (const _ of it) void _;
    // Deletions made since the backup, in the same transaction: never committed without them.
    const reapplied = reapply ? await reapply(db) : 0;
    return { rows: total, reapplied };
  });
}

/** Loads an already verified file whose schema is the database's. */
async function restoreVerified(
  storage: Storage,
  keys: BackupKeys,
  file: string,
  force: boolean,
  started: number,
  reapply: ((db: AnyDb) => Promise<number>) | null,
): Promise<RestoreResult> {
  const fd = openSync(file, 'r');
  try {
    const it = openBackup(fd, keys).lines;
    const header = parseHeader(it.next().value as string | undefined);
    const cache = await widenSqliteCache(storage);
    let loaded: { rows: number; reapplied: number };
    try {
      loaded = await load(storage, it, header, force, reapply);
    } finally {
      await cache.restore();
    }
    // Fresh planner statistics, as after any bulk load: the queue's plans depend on them.
    await sql.raw(storage.dialect === 'postgres' ? 'analyze' : 'pragma optimize').execute(storage.db);
    return {
      ok: true,
      tables: header.tables.length,
      rows: loaded.rows,
      elapsedMs: Date.now() - started,
      header,
      migrated: [],
      reapplied: loaded.reapplied,
    };
  } finally {
    closeSync(fd);
  }
}

/**
 * Restores a backup into a migrated instance, inside one transaction: any failure (damage
 * found late, a constraint) rolls everything back. The whole file is verified first, so a
 * damaged or truncated file changes nothing. Refuses an instance that holds users, cases or
 * audit entries unless `force`, which empties every table first, in the same transaction.
 * A backup made at an older schema is loaded into an empty instance taken down to that schema,
 * then migrated forward; one from a newer Haven is refused.
 */
export async function restoreBackup(
  storage: Storage,
  keys: BackupKeys,
  file: string,
  opts: {
    force?: boolean;
    now?: () => number;
    /** Deletes again the cases on this backup key's deletion list (the cases module's reapplyShreds); returns how many. */
    reapplyShreds?: (db: AnyDb, entries: ShredEntry[]) => Promise<number>;
  } = {},
): Promise<RestoreResult> {
  const started = Date.now();
  try {
    pruneBackupKeys(keys.keysDir, (opts.now ?? Date.now)());
    const verified = verifyBackup(file, keys);
    // The deletion list is read before anything changes: a missing or altered list refuses.
    const shreds = deletionList(file, keys);
    const hook = opts.reapplyShreds;
    const reapply = hook ? (db: AnyDb) => hook(db, shreds) : null;
    const schema = compareSchema(verified, await appliedMigrations(storage.db));
    if (schema === 'same') return await restoreVerified(storage, keys, file, opts.force === true, started, reapply);
    // An older backup: take the empty instance down to the backup's schema, load it there,
    // then run the remaining migrations on the restored data, as an upgrade would.
    if (opts.force) {
      throw new BackupError(
        'BACKUP_SCHEMA_OLDER',
        `this backup was made at an older schema (last migration ${verified.migrations.at(-1) ?? 'none'}); it restores only into an empty instance, so --force is not accepted: use a fresh instance`,
      );
    }
    if ((await dataRows(storage.db, await listTables(storage.db, storage.dialect))) > 0) {
      throw new BackupError('RESTORE_NOT_EMPTY', 'this instance already holds data (users, cases or audit entries); restore an older backup into a fresh instance');
    }
    await migrateTo(storage, verified.migrations.at(-1) ?? null);
    let r: RestoreResult;
    try {
      r = await restoreVerified(storage, keys, file, false, started, null);
    } finally {
      // Whatever happened, the instance ends at the code's schema (empty again on failure).
      await migrateToLatest(storage);
    }
    if (!r.ok) return r;
    // The deletion list is applied at the code's schema, once the migrations have run. Should
    // this fail, the next start of the server applies it (the list stays in the keys folder).
    const reapplied = reapply ? await storage.db.transaction().execute((trx) => reapply(trx)) : 0;
    return { ...r, reapplied, migrated: (await appliedMigrations(storage.db)).slice(verified.migrations.length) };
  } catch (e) {
    if (e instanceof BackupError) return { ok: false, code: e.code, message: e.message };
    throw e;
  }
}
