import sodium from 'sodium-native';
import { DecryptionError } from './vault.js';

// Files at rest (ADR 26): a file's bytes are sealed in chunks with libsodium's
// crypto_secretstream_xchacha20poly1305 under a key of the file's own. Each chunk carries its
// place in the stream (chunks cannot be reordered, dropped or repeated without failing to
// open) and the last one is tagged FINAL (a file cut short fails too). Every chunk is bound to
// a context string (the attachment's id), so chunks copied into another file do not open.
// Memory stays bounded: one plaintext chunk is held while it fills, never the whole file.

/**
 * libsodium's secretstream as sodium-native 5 has it: states are plain buffers and tags are
 * numbers (its published types describe an older release).
 */
interface SecretStream {
  crypto_secretstream_xchacha20poly1305_KEYBYTES: number;
  crypto_secretstream_xchacha20poly1305_HEADERBYTES: number;
  crypto_secretstream_xchacha20poly1305_ABYTES: number;
  crypto_secretstream_xchacha20poly1305_STATEBYTES: number;
  crypto_secretstream_xchacha20poly1305_TAG_MESSAGE: number;
  crypto_secretstream_xchacha20poly1305_TAG_FINAL: number;
  crypto_secretstream_xchacha20poly1305_keygen(key: Buffer): void;
  crypto_secretstream_xchacha20poly1305_init_push(state: Buffer, header: Buffer, key: Buffer): void;
  crypto_secretstream_xchacha20poly1305_push(state: Buffer, out: Buffer, message: Buffer, ad: Buffer | null, tag: number): number;
  crypto_secretstream_xchacha20poly1305_init_pull(state: Buffer, header: Buffer, key: Buffer): void;
  crypto_secretstream_xchacha20poly1305_pull(state: Buffer, out: Buffer, tag: Buffer, sealed: Buffer, ad: Buffer | null): number;
}
const ss = sodium as unknown as SecretStream;

/** Plaintext bytes per sealed chunk (the last one may be shorter, or empty). */
export const STREAM_CHUNK = 64 * 1024;
export const STREAM_KEY_BYTES = ss.crypto_secretstream_xchacha20poly1305_KEYBYTES;
const HEADER = ss.crypto_secretstream_xchacha20poly1305_HEADERBYTES;
const ABYTES = ss.crypto_secretstream_xchacha20poly1305_ABYTES;
const STATE = ss.crypto_secretstream_xchacha20poly1305_STATEBYTES;
const TAG_MESSAGE = ss.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;
const TAG_FINAL = ss.crypto_secretstream_xchacha20poly1305_TAG_FINAL;

/** A fresh random file key, in memory libsodium guards. */
export function newStreamKey(): Buffer {
  const key = sodium.sodium_malloc(STREAM_KEY_BYTES);
  ss.crypto_secretstream_xchacha20poly1305_keygen(key);
  return key;
}

/** Wipes a key once it is no longer needed. */
export function wipeKey(key: Buffer): void {
  sodium.sodium_memzero(key);
}

/**
 * Seals a stream of bytes into chunks of STREAM_CHUNK plaintext bytes. `push` takes bytes as
 * they arrive and returns the chunks completed by them; `end` returns the last (FINAL) chunk.
 * A chunk is sealed only once the next byte arrives or the stream ends, so the last chunk is
 * always the one tagged FINAL.
 */
export class StreamSealer {
  readonly header = Buffer.alloc(HEADER);
  private readonly state = Buffer.alloc(STATE);
  private readonly pending = Buffer.alloc(STREAM_CHUNK);
  private filled = 0;
  private readonly ad: Buffer;
  private ended = false;

  constructor(key: Buffer, context: string) {
    this.ad = Buffer.from(context, 'utf8');
    ss.crypto_secretstream_xchacha20poly1305_init_push(this.state, this.header, key);
  }

  private seal(tag: number): Buffer {
    const out = Buffer.alloc(this.filled + ABYTES);
    ss.crypto_secretstream_xchacha20poly1305_push(this.state, out, this.pending.subarray(0, this.filled), this.ad, tag);
    this.filled = 0;
    return out;
  }

  /** Takes more bytes; returns the chunks they completed (sealed), in order. */
  push(bytes: Buffer): Buffer[] {
    if (this.ended) throw new Error('the stream has ended');
    const out: Buffer[] = [];
    let at = 0;
    while (at < bytes.length) {
      // A full chunk is sealed only when more bytes follow: the last chunk must be FINAL.
      if (this.filled === STREAM_CHUNK) out.push(this.seal(TAG_MESSAGE));
      const n = Math.min(STREAM_CHUNK - this.filled, bytes.length - at);
      bytes.copy(this.pending, this.filled, at, at + n);
      this.filled += n;
      at += n;
    }
    return out;
  }

  /** The last chunk, tagged FINAL (empty plaintext when the stream ended on a chunk's edge, or had no bytes). */
  end(): Buffer {
    this.ended = true;
    const last = this.seal(TAG_FINAL);
    sodium.sodium_memzero(this.pending);
    sodium.sodium_memzero(this.state);
    return last;
  }
}

/**
 * Opens the chunks a StreamSealer made, one at a time and in order. `pull` throws
 * DecryptionError on a chunk altered, out of place or bound to another context, and on a
 * FINAL chunk anywhere but last; `finish` throws if the last chunk seen was not FINAL (the
 * stream was cut short).
 */
export class StreamOpener {
  private readonly state = Buffer.alloc(STATE);
  private readonly ad: Buffer;
  private final = false;

  constructor(
    key: Buffer,
    header: Buffer,
    private readonly context: string,
  ) {
    this.ad = Buffer.from(context, 'utf8');
    if (header.length !== HEADER) throw new DecryptionError(context);
    ss.crypto_secretstream_xchacha20poly1305_init_pull(this.state, header, key);
  }

  /** The plaintext of the next chunk. */
  pull(sealed: Buffer): Buffer {
    if (this.final || sealed.length < ABYTES) throw new DecryptionError(this.context);
    const out = Buffer.alloc(sealed.length - ABYTES);
    const tag = Buffer.alloc(1);
    try {
      ss.crypto_secretstream_xchacha20poly1305_pull(this.state, out, tag, sealed, this.ad);
    } catch {
      throw new DecryptionError(this.context);
    }
    if (tag[0] === TAG_FINAL) this.final = true;
    else if (tag[0] !== TAG_MESSAGE) throw new DecryptionError(this.context);
    return out;
  }

  /** Throws unless the FINAL chunk was read. */
  finish(): void {
    sodium.sodium_memzero(this.state);
    if (!this.final) throw new DecryptionError(this.context);
  }
}
