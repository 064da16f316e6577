import { readSync, writeSync } from 'node:fs';
import sodium from 'sodium-native';
import { randomBytes } from '../crypto/vault.js';

/**
 * The encrypted container around a backup's plaintext.
 *
 *   header  = "HAVENBAK" ‖ format (1) ‖ kdf (1) ‖ epoch-id length (1) ‖ epoch id ‖ stream header (24)
 *   chunk*  = ciphertext length (u32, big-endian) ‖ secretstream ciphertext
 *
 * The plaintext is cut into chunks of about 64 KiB, each sealed with libsodium's
 * crypto_secretstream_xchacha20poly1305 with the whole file header as associated data, so
 * a changed header, a changed, dropped, reordered or repeated chunk all fail to open. Only the
 * last chunk carries TAG_FINAL: a file cut short anywhere, even on a chunk boundary, is refused.
 */

const MAGIC = Buffer.from('HAVENBAK');
export const CONTAINER_FORMAT = 1;
/** Key derivation 1: the stream key comes from an expiring epoch secret (keys.ts). */
const KDF_EPOCH = 1;
const CHUNK = 64 * 1024;
const MAX_CHUNK = 64 * 1024 * 1024;
const HEADERBYTES = sodium.crypto_secretstream_xchacha20poly1305_HEADERBYTES;
const ABYTES = sodium.crypto_secretstream_xchacha20poly1305_ABYTES;
// The installed typings describe an older binding (tags as Buffers, opaque state objects);
// at run time tags are numbers and the state is a plain buffer of STATEBYTES.
const ss = sodium as unknown as {
  crypto_secretstream_xchacha20poly1305_STATEBYTES: number;
  crypto_secretstream_xchacha20poly1305_TAG_MESSAGE: number;
  crypto_secretstream_xchacha20poly1305_TAG_FINAL: number;
  crypto_secretstream_xchacha20poly1305_init_push(state: Buffer, header: Buffer, key: Buffer): void;
  crypto_secretstream_xchacha20poly1305_push(state: Buffer, c: Buffer, m: Buffer, ad: Buffer | null, tag: number): number;
  crypto_secretstream_xchacha20poly1305_init_pull(state: Buffer, header: Buffer, key: Buffer): void;
  crypto_secretstream_xchacha20poly1305_pull(state: Buffer, m: Buffer, tag: Buffer, c: Buffer, ad: Buffer | null): number;
};
const STATEBYTES = ss.crypto_secretstream_xchacha20poly1305_STATEBYTES;
const TAG_MESSAGE = ss.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
const TAG_FINAL = ss.crypto_secretstream_xchacha20poly1305_TAG_FINAL;

export type BackupFailure =
  | 'BACKUP_NOT_A_BACKUP'
  | 'BACKUP_UNSUPPORTED_FORMAT'
  | 'BACKUP_DAMAGED'
  | 'BACKUP_TRUNCATED'
  | 'BACKUP_KEY_DESTROYED'
  | 'BACKUP_WRONG_KEY'
  | 'BACKUP_SCHEMA_NEWER'
  | 'BACKUP_SCHEMA_OLDER'
  | 'BACKUP_SCHEMA_MISMATCH'
  | 'BACKUP_DELETION_LIST'
  | 'RESTORE_NOT_EMPTY';

/** An expected reason to refuse a backup file; the CLI prints `message`. */
export class BackupError extends Error {
  constructor(
    readonly code: BackupFailure,
    message: string,
  ) {
    super(message);
    this.name = 'BackupError';
  }
}

/** Encrypts a plaintext stream into an open file descriptor. */
export class ContainerWriter {
  private readonly state = Buffer.alloc(STATEBYTES);
  private readonly ad: Buffer;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  bytes = 0;

  constructor(
    private readonly fd: number,
    key: Buffer,
    epochId: string,
  ) {
    const streamHeader = Buffer.alloc(HEADERBYTES);
    ss.crypto_secretstream_xchacha20poly1305_init_push(this.state, streamHeader, key);
    const id = Buffer.from(epochId, 'ascii');
    this.ad = Buffer.concat([MAGIC, Buffer.from([CONTAINER_FORMAT, KDF_EPOCH, id.length]), id, streamHeader]);
    this.out(this.ad);
  }

  private out(b: Buffer): void {
    let off = 0;
    while (off < b.length) off += writeSync(this.fd, b, off);
    this.bytes += b.length;
  }

  private seal(tag: number): void {
    const m = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    const c = Buffer.alloc(4 + m.length + ABYTES);
    c.writeUInt32BE(m.length + ABYTES, 0);
    ss.crypto_secretstream_xchacha20poly1305_push(this.state, c.subarray(4), m, this.ad, tag);
    m.fill(0);
    this.out(c);
  }

  /** Appends plaintext; full chunks are sealed and written as they fill. */
  write(text: string): void {
    const b = Buffer.from(text, 'utf8');
    this.pending.push(b);
    this.pendingBytes += b.length;
    if (this.pendingBytes >= CHUNK) this.seal(TAG_MESSAGE);
  }

  /** Seals what is left as the final chunk. Nothing may be written after. */
  finish(): void {
    this.seal(TAG_FINAL);
    this.state.fill(0);
  }
}

/** Reads exactly n bytes, or fewer only at the end of the file. */
function readExactly(fd: number, n: number, pos: { at: number }): Buffer {
  const b = Buffer.alloc(n);
  let got = 0;
  while (got < n) {
    const r = readSync(fd, b, got, n - got, pos.at);
    if (r === 0) break;
    got += r;
    pos.at += r;
  }
  return got === n ? b : b.subarray(0, got);
}

export interface ContainerHeader {
  epochId: string;
  ad: Buffer;
  streamHeader: Buffer;
  dataStart: number;
}

/** Parses the cleartext file header (nothing in it is secret). */
export function readContainerHeader(fd: number): ContainerHeader {
  const pos = { at: 0 };
  const fixed = readExactly(fd, MAGIC.length + 3, pos);
  if (fixed.length < MAGIC.length + 3 || !fixed.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new BackupError('BACKUP_NOT_A_BACKUP', 'this file is not a Haven backup');
  }
  const format = fixed[MAGIC.length]!;
  const kdf = fixed[MAGIC.length + 1]!;
  if (format !== CONTAINER_FORMAT || kdf !== KDF_EPOCH) {
    throw new BackupError(
      'BACKUP_UNSUPPORTED_FORMAT',
      `this backup uses format ${format}/${kdf}, which this version of Haven cannot read; use a newer Haven`,
    );
  }
  const idLen = fixed[MAGIC.length + 2]!;
  const rest = readExactly(fd, idLen + HEADERBYTES, pos);
  if (rest.length < idLen + HEADERBYTES) throw new BackupError('BACKUP_TRUNCATED', 'the backup file is cut short: its header is incomplete');
  return {
    epochId: rest.subarray(0, idLen).toString('ascii'),
    ad: Buffer.concat([fixed, rest]),
    streamHeader: rest.subarray(idLen),
    dataStart: pos.at,
  };
}

/**
 * Decrypts the chunks in order. Throws BackupError when a chunk fails to open (damage or a
 * wrong key), when the file ends before the final chunk, or when bytes follow it.
 */
export function* readContainer(fd: number, header: ContainerHeader, key: Buffer): Generator<Buffer> {
  const state = Buffer.alloc(STATEBYTES);
  ss.crypto_secretstream_xchacha20poly1305_init_pull(state, header.streamHeader, key);
  const pos = { at: header.dataStart };
  const tag = Buffer.alloc(1);
  const truncated = (): BackupError =>
    new BackupError('BACKUP_TRUNCATED', 'the backup file is cut short: its final chunk is missing, so it is incomplete');
  for (let index = 0; ; index++) {
    const len = readExactly(fd, 4, pos);
    if (len.length < 4) throw truncated();
    const n = len.readUInt32BE(0);
    if (n < ABYTES || n > MAX_CHUNK + ABYTES) throw new BackupError('BACKUP_DAMAGED', 'the backup file is damaged (a chunk length is impossible)');
    const c = readExactly(fd, n, pos);
    if (c.length < n) throw truncated();
    const m = Buffer.alloc(n - ABYTES);
    try {
      ss.crypto_secretstream_xchacha20poly1305_pull(state, m, tag, c, header.ad);
    } catch {
      // The epoch secret already proved the master key right (it is itself authenticated),
      // so a chunk that fails here was changed, reordered or belongs to another file.
      throw new BackupError('BACKUP_DAMAGED', `the backup file is damaged or was changed: chunk ${index + 1} failed its integrity check`);
    }
    yield m;
    if (tag[0] === TAG_FINAL) {
      if (readExactly(fd, 1, pos).length > 0) {
        throw new BackupError('BACKUP_DAMAGED', 'the backup file is damaged: bytes follow its final chunk');
      }
      return;
    }
  }
}

/** Splits decrypted chunks into lines (JSON never contains a raw newline). */
export function* lines(chunks: Iterable<Buffer>): Generator<string> {
  let rest: Buffer = Buffer.alloc(0);
  for (const chunk of chunks) {
    let buf = rest.length ? Buffer.concat([rest, chunk]) : chunk;
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
      yield buf.toString('utf8', start, nl);
      start = nl + 1;
    }
    buf = buf.subarray(start);
    rest = Buffer.from(buf);
  }
  if (rest.length) yield rest.toString('utf8');
}

/** A random suffix for temporary file names. */
export function tempSuffix(): string {
  return randomBytes(6).toString('hex');
}
