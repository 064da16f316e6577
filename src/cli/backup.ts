import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { loadConfig, type Config } from '../config/index.js';
import { createBackup, restoreBackup, type BackupKeys } from '../platform/backup/backup.js';
import { backupKeysDir, DESTROY_DAYS } from '../platform/backup/keys.js';
import { deriveBackupKey, loadMasterKey } from '../platform/crypto/vault.js';
import { openStorage } from '../platform/storage/db.js';
import { migrateToLatest } from '../platform/storage/migrate.js';
import { reapplyShreds } from '../modules/cases/index.js';

/** Where a command writes: the terminal by default, a buffer in tests. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
}

const terminal: Io = { out: (l) => console.log(l), err: (l) => console.error(l) };

/**
 * The backup keys for this instance, or a message when the master key is missing. Unlike
 * the server, these commands never create a master key: a new key could open nothing.
 */
function keysFor(config: Config): BackupKeys | string {
  const file = join(config.dataDir, 'keys', 'master.key');
  if (!config.masterKeyHex && !existsSync(file)) {
    return `no master key: set HAVEN_MASTER_KEY or put the instance's key file at ${file}`;
  }
  const master = loadMasterKey(config);
  return { backupKey: deriveBackupKey(master.key), keysDir: backupKeysDir(config.dataDir) };
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** `haven backup --out FILE`; returns the exit code. */
export async function runBackup(config: Config, o: { out: string; now?: () => number }, io: Io = terminal): Promise<number> {
  const out = resolve(o.out);
  if (existsSync(out)) {
    io.err(`Refusing: ${out} already exists; choose a new file name.`);
    return 1;
  }
  const keys = keysFor(config);
  if (typeof keys === 'string') {
    io.err(`Refusing: ${keys}.`);
    return 1;
  }
  const storage = openStorage(config);
  try {
    const s = await createBackup(storage, keys, out, { now: o.now });
    const seconds = s.elapsedMs / 1000;
    io.out(
      `Backup written: ${s.file} (${s.tables} tables, ${s.rows.toLocaleString('en')} rows, ${mb(s.bytes)}) in ${seconds.toFixed(1)} s.`,
    );
    io.out(
      `It can be restored with this instance's master key and ${keys.keysDir} until ${day(s.readableUntil)}; ` +
        `after that its key is destroyed (backup keys last ${DESTROY_DAYS} days) and the file cannot be opened.`,
    );
    return 0;
  } catch (e) {
    io.err(`Backup failed, nothing was written: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  } finally {
    await storage.close();
  }
}

/** `haven restore --in FILE [--force]`; returns the exit code. */
export async function runRestore(
  config: Config,
  o: { in: string; force?: boolean; now?: () => number },
  io: Io = terminal,
): Promise<number> {
  const file = resolve(o.in);
  if (!existsSync(file)) {
    io.err(`Refusing: ${file} does not exist.`);
    return 1;
  }
  const keys = keysFor(config);
  if (typeof keys === 'string') {
    io.err(`Refusing: ${keys}.`);
    return 1;
  }
  const storage = openStorage(config);
  try {
    await migrateToLatest(storage);
    const now = o.now ?? Date.now;
    const r = await restoreBackup(storage, keys, file, {
      force: o.force === true,
      now,
      reapplyShreds: async (db, entries) => (await reapplyShreds(db, entries, now())).purged,
    });
    if (!r.ok) {
      io.err(`Refusing: ${r.message}. Nothing was changed.`);
      return 1;
    }
    io.out(
      `Restored ${r.rows.toLocaleString('en')} rows in ${r.tables} tables from a backup made on ${day(r.header.createdAt)} ` +
        `(${r.header.engine}), in ${(r.elapsedMs / 1000).toFixed(1)} s.`,
    );
    if (r.migrated.length) io.out(`The backup was made at an older schema; then applied: ${r.migrated.join(', ')}.`);
    if (r.reapplied > 0) {
      io.out(`Deleted again the personal data of ${r.reapplied} cases deleted after this backup was made (the deletion list of its key).`);
    }
    return 0;
  } catch (e) {
    io.err(`Restore failed: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  } finally {
    await storage.close();
  }
}

/** `haven backup`: an encrypted, integrity-checked copy of the whole database, taken online. */
export function backupCommand(): Command {
  return new Command('backup')
    .description('write an encrypted backup of the whole database (while Haven runs)')
    .requiredOption('--out <file>', 'the backup file to create (must not exist)')
    .addHelpText(
      'after',
      `
The file is encrypted and authenticated; it opens only with this instance's master key and
the backup keys in DATA_DIR/keys/backup/, and only for ${DESTROY_DAYS} days: each backup key is
destroyed ${DESTROY_DAYS} days after it was made, so an old backup cannot bring back deleted cases.
Keep backups no longer than that, and never store the keys folder with the backups.`,
    )
    .action(async (o: { out: string }) => {
      process.exitCode = await runBackup(loadConfig(), o);
    });
}

/** `haven restore`: brings an empty instance back to the state a backup recorded. */
export function restoreCommand(): Command {
  return new Command('restore')
    .description('restore a backup into an empty instance (stop Haven first)')
    .requiredOption('--in <file>', 'the backup file')
    .option('--force', 'replace everything in an instance that already holds data')
    .action(async (o: { in: string; force?: boolean }) => {
      process.exitCode = await runRestore(loadConfig(), o);
    });
}
