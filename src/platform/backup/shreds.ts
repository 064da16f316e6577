import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { DecryptionError, openWith, sealWith } from '../crypto/vault.js';
import { ledgerFile, liveEpochs } from './keys.js';

/**
 * The deletion list kept beside each backup key (ADR 11). Crypto-shredding destroys a case's
 * wrapped key in the database, but a backup taken earlier still holds it until that backup's
 * key expires (30 days). So every shred is also appended to the list of every backup key that
 * is still alive, in `DATA_DIR/keys/backup/<epoch>.shreds`; whoever can open a backup holds
 * the list of what was deleted since its key was made. A restore applies the list before it
 * commits, and a starting server applies the lists of every live key, so no restored copy of
 * the database — a Haven backup, or a file or PostgreSQL copy restored by other means — brings a
 * deleted case back while the keys folder travels with it.
 *
 * A list holds case ids, creation times, deletion times and rule labels: no content. Each line
 * is sealed under the backup subkey, so a line edited by hand refuses to open and the restore
 * stops. A line is appended in one write (O_APPEND), so processes that shred at the same time
 * cannot interleave within a line.
 */

/** One shredded case: matched by id AND creation time, so a later case that reuses the id is never touched. */
export interface ShredEntry {
  caseId: number;
  createdAt: number;
  at: number;
  rule: string;
}

/** Where shreds are recorded and read back; `Deps.shreds` in a running Haven. */
export interface ShredLedger {
  record(entry: ShredEntry): void;
  /** Every entry in the lists of the live backup keys. */
  entries(): ShredEntry[];
}

export class LedgerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LedgerError';
  }
}

const context = (epochId: string) => `backup-shreds:${epochId}`;

function isEntry(v: unknown): v is ShredEntry {
  const e = v as Partial<ShredEntry> | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    Number.isSafeInteger(e.caseId) &&
    Number.isSafeInteger(e.createdAt) &&
    Number.isSafeInteger(e.at) &&
    typeof e.rule === 'string'
  );
}

/** Appends `entry` to the deletion list of every live backup key. Nothing to do when there is none. */
export function recordShred(dir: string, backupKey: Buffer, entry: ShredEntry): number {
  let written = 0;
  const json = JSON.stringify({ caseId: entry.caseId, createdAt: entry.createdAt, at: entry.at, rule: entry.rule });
  for (const e of liveEpochs(dir)) {
    const line = `${sealWith(backupKey, Buffer.from(json, 'utf8'), context(e.id)).toString('hex')}\n`;
    appendFileSync(ledgerFile(dir, e.id), line, { mode: 0o600 });
    written += 1;
  }
  return written;
}

/**
 * The deletion list of one backup key. An epoch made before lists existed has none (empty);
 * one made with a list whose file is missing, or a line that does not open, is refused: a
 * restore must not go ahead believing nothing was deleted.
 */
export function readShreds(dir: string, backupKey: Buffer, epochId: string): ShredEntry[] {
  const epoch = liveEpochs(dir).find((e) => e.id === epochId);
  if (!epoch) throw new LedgerError(`the backup key ${epochId} is not in ${dir}`);
  const file = ledgerFile(dir, epochId);
  if (!existsSync(file)) {
    if (!epoch.ledger) return [];
    throw new LedgerError(
      `the deletion list ${file} that belongs with this backup's key is missing: copy it together with the key file`,
    );
  }
  const out: ShredEntry[] = [];
  for (const [i, hex] of readFileSync(file, 'utf8').split('\n').entries()) {
    if (hex === '') continue;
    let entry: unknown;
    try {
      entry = JSON.parse(openWith(backupKey, Buffer.from(hex, 'hex'), context(epochId)).toString('utf8'));
    } catch (e) {
      if (e instanceof DecryptionError || e instanceof SyntaxError) {
        throw new LedgerError(`line ${i + 1} of the deletion list ${file} is damaged or was changed`);
      }
      throw e;
    }
    if (!isEntry(entry)) throw new LedgerError(`line ${i + 1} of the deletion list ${file} is damaged or was changed`);
    out.push(entry);
  }
  return out;
}

/** Every entry in the lists of every live backup key, each case once (the newest deletion). */
export function allShreds(dir: string, backupKey: Buffer): ShredEntry[] {
  const byCase = new Map<string, ShredEntry>();
  for (const e of liveEpochs(dir)) {
    for (const s of readShreds(dir, backupKey, e.id)) {
      const k = `${s.caseId}:${s.createdAt}`;
      const seen = byCase.get(k);
      if (!seen || seen.at < s.at) byCase.set(k, s);
    }
  }
  return [...byCase.values()].sort((a, b) => a.caseId - b.caseId);
}

/** The ledger of one instance's keys folder. */
export function fileLedger(dir: string, backupKey: Buffer): ShredLedger {
  return {
    record: (entry) => void recordShred(dir, backupKey, entry),
    entries: () => allShreds(dir, backupKey),
  };
}
