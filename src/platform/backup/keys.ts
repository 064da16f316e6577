import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, chmodSync, openSync, writeSync, fsyncSync, closeSync, statSync } from 'node:fs';
import { join } from 'node:path';
import sodium from 'sodium-native';
import { DecryptionError, openWith, randomBytes, sealWith } from '../crypto/vault.js';

/**
 * Backup keys that expire. A backup is encrypted under a key derived from an *epoch secret*:
 * 32 random bytes kept in `DATA_DIR/keys/backup/<epoch>.key`, sealed there under the backup
 * subkey of the master key. A new epoch starts every ROTATE_DAYS; an epoch secret is destroyed
 * DESTROY_DAYS after it was created. Once it is gone no one — not even someone holding the
 * master key — can open the backups made in that epoch, so an old backup cannot bring back a
 * case whose key has since been shredded. See docs/decisions/0011-backups.md.
 */

const DAY = 24 * 60 * 60 * 1000;
export const ROTATE_DAYS = 7;
export const DESTROY_DAYS = 30;
const EPOCH_ID = /^\d{8}T\d{6}Z-[0-9a-f]{8}$/;
const STREAM_LABEL = 'haven-backup-stream-v1';

interface EpochFile {
  v: 1;
  id: string;
  createdAt: number;
  secret: string; // hex of sealWith(backupKey, secret, 'backup-epoch:<id>')
  /** True for epochs made with a deletion list beside them (`<id>.shreds`, shreds.ts). */
  ledger?: boolean;
}

export type EpochKeyResult =
  | { ok: true; key: Buffer; createdAt: number; destroyAt: number }
  | { ok: false; code: 'BACKUP_KEY_DESTROYED' | 'BACKUP_WRONG_KEY' };

/** Where the epoch secrets live: beside the master key, never in the database or a backup. */
export function backupKeysDir(dataDir: string): string {
  return join(dataDir, 'keys', 'backup');
}

function streamKey(secret: Buffer, id: string): Buffer {
  const out = Buffer.alloc(32);
  sodium.crypto_generichash(out, Buffer.from(`${STREAM_LABEL}\0${id}`), secret);
  return out;
}

function readEpoch(dir: string, id: string): EpochFile | undefined {
  if (!EPOCH_ID.test(id)) return undefined;
  const file = join(dir, `${id}.key`);
  if (!existsSync(file)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as EpochFile;
    return parsed.v === 1 && parsed.id === id ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function listEpochs(dir: string): EpochFile[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.key'))
    .map((f) => readEpoch(dir, f.slice(0, -4)))
    .filter((e): e is EpochFile => e !== undefined);
}

/** Overwrites a key file before unlinking it (best effort: SSDs and copy-on-write file systems may keep old blocks). */
function destroyFile(file: string): void {
  try {
    const size = statSync(file).size;
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(size));
    fsyncSync(fd);
    closeSync(fd);
  } finally {
    rmSync(file, { force: true });
  }
}

/** The deletion list kept beside an epoch's secret (shreds.ts). */
export function ledgerFile(dir: string, id: string): string {
  return join(dir, `${id}.shreds`);
}

/** Destroys every epoch secret older than DESTROY_DAYS, with its deletion list; returns the ids destroyed. */
export function pruneBackupKeys(dir: string, now: number): string[] {
  const destroyed: string[] = [];
  for (const e of listEpochs(dir)) {
    if (now - e.createdAt >= DESTROY_DAYS * DAY) {
      destroyFile(join(dir, `${e.id}.key`));
      if (existsSync(ledgerFile(dir, e.id))) destroyFile(ledgerFile(dir, e.id));
      destroyed.push(e.id);
    }
  }
  return destroyed;
}

/** The epochs whose secrets still exist: the ones a backup can still be opened with. */
export function liveEpochs(dir: string): { id: string; createdAt: number; ledger: boolean }[] {
  return listEpochs(dir).map((e) => ({ id: e.id, createdAt: e.createdAt, ledger: e.ledger === true }));
}

/**
 * The epoch a backup made now belongs to, and its stream key: the newest epoch younger than
 * ROTATE_DAYS, or a new one. Prunes expired epochs first.
 */
export function currentBackupEpoch(
  dir: string,
  backupKey: Buffer,
  now: number,
): { id: string; key: Buffer; destroyAt: number } {
  pruneBackupKeys(dir, now);
  const fresh = listEpochs(dir)
    .filter((e) => now - e.createdAt < ROTATE_DAYS * DAY && e.createdAt <= now)
    .sort((a, b) => b.createdAt - a.createdAt)[0];
  if (fresh) {
    const r = openEpochKey(dir, backupKey, fresh.id);
    if (r.ok) return { id: fresh.id, key: r.key, destroyAt: r.destroyAt };
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const id = `${stamp}-${randomBytes(4).toString('hex')}`;
  const secret = randomBytes(32);
  const file: EpochFile = {
    v: 1,
    id,
    createdAt: now,
    secret: sealWith(backupKey, secret, `backup-epoch:${id}`).toString('hex'),
    ledger: true,
  };
  // The deletion list first, so an epoch that says it has one always does.
  writeFileSync(ledgerFile(dir, id), '', { mode: 0o600, flag: 'wx' });
  writeFileSync(join(dir, `${id}.key`), `${JSON.stringify(file)}\n`, { mode: 0o600, flag: 'wx' });
  return { id, key: streamKey(secret, id), destroyAt: now + DESTROY_DAYS * DAY };
}

/** The stream key of an existing epoch, or why it cannot be had. */
export function openEpochKey(dir: string, backupKey: Buffer, id: string): EpochKeyResult {
  const e = readEpoch(dir, id);
  if (!e) return { ok: false, code: 'BACKUP_KEY_DESTROYED' };
  try {
    const secret = openWith(backupKey, Buffer.from(e.secret, 'hex'), `backup-epoch:${id}`);
    return { ok: true, key: streamKey(secret, id), createdAt: e.createdAt, destroyAt: e.createdAt + DESTROY_DAYS * DAY };
  } catch (err) {
    if (err instanceof DecryptionError) return { ok: false, code: 'BACKUP_WRONG_KEY' };
    throw err;
  }
}
