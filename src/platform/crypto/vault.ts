import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import sodium from 'sodium-native';

/**
 * The one seam for cryptography at rest. A master key (32 bytes, never stored in the
 * database) derives purpose-bound subkeys: one wraps the per-case data keys, one keys the
 * hashes of receipts and tokens, one protects staff second-factor secrets. Every sealed value
 * is XChaCha20-Poly1305 with a random 24-byte nonce and a context string as associated data,
 * so a ciphertext copied into another row or column fails to open.
 */

const VERSION = 1;
const NONCE = sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
const ABYTES = sodium.crypto_aead_xchacha20poly1305_ietf_ABYTES;
const KEY = sodium.crypto_aead_xchacha20poly1305_ietf_KEYBYTES;
const KDF_CONTEXT = Buffer.from('havenkey'); // exactly crypto_kdf_CONTEXTBYTES (8)

const SUBKEY = { wrap: 1, hash: 2, staff: 3, forms: 4 } as const;

export class DecryptionError extends Error {
  constructor(context: string) {
    super(`ciphertext could not be opened (context ${context})`);
    this.name = 'DecryptionError';
  }
}

function derive(master: Buffer, id: number): Buffer {
  const out = sodium.sodium_malloc(KEY);
  sodium.crypto_kdf_derive_from_key(out, id, KDF_CONTEXT, master);
  return out;
}

/** Encrypts `plaintext` under `key`, binding it to `context`. */
export function sealWith(key: Buffer, plaintext: Buffer, context: string): Buffer {
  const out = Buffer.alloc(1 + NONCE + plaintext.length + ABYTES);
  out[0] = VERSION;
  const nonce = out.subarray(1, 1 + NONCE);
  sodium.randombytes_buf(nonce);
  sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
    out.subarray(1 + NONCE),
    plaintext,
    Buffer.from(context),
    null,
    nonce,
    key,
  );
  return out;
}

/** Opens a value made by `sealWith`; throws DecryptionError on any tampering or wrong context. */
export function openWith(key: Buffer, sealed: Buffer, context: string): Buffer {
  if (sealed.length < 1 + NONCE + ABYTES || sealed[0] !== VERSION) throw new DecryptionError(context);
  const nonce = sealed.subarray(1, 1 + NONCE);
  const cipher = sealed.subarray(1 + NONCE);
  const out = Buffer.alloc(cipher.length - ABYTES);
  try {
    sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(out, null, cipher, Buffer.from(context), nonce, key);
  } catch {
    throw new DecryptionError(context);
  }
  return out;
}

/** A case's data key, unwrapped for the length of one operation. */
export class CaseKey {
  constructor(
    private readonly key: Buffer,
    readonly caseId: number,
  ) {}
  seal(field: string, text: string): Buffer {
    return sealWith(this.key, Buffer.from(text, 'utf8'), `case:${this.caseId}:${field}`);
  }
  open(field: string, sealed: Buffer): string {
    return openWith(this.key, sealed, `case:${this.caseId}:${field}`).toString('utf8');
  }
}

export class Vault {
  private readonly wrapKey: Buffer;
  private readonly hashKey: Buffer;
  private readonly staffKey: Buffer;
  readonly formKey: Buffer;

  constructor(master: Buffer) {
    if (master.length !== KEY) throw new Error('the master key must be 32 bytes');
    this.wrapKey = derive(master, SUBKEY.wrap);
    this.hashKey = derive(master, SUBKEY.hash);
    this.staffKey = derive(master, SUBKEY.staff);
    this.formKey = derive(master, SUBKEY.forms);
  }

  /** A fresh random data key for a new case, and its wrapped form to store with the case. */
  newCaseKey(): { raw: Buffer; wrapped: Buffer } {
    const raw = Buffer.alloc(KEY);
    sodium.randombytes_buf(raw);
    return { raw, wrapped: sealWith(this.wrapKey, raw, 'case-key') };
  }

  /** Binds a wrapped case key to the case it belongs to. */
  caseKey(caseId: number, wrapped: Buffer): CaseKey {
    return new CaseKey(openWith(this.wrapKey, wrapped, 'case-key'), caseId);
  }

  /** A keyed BLAKE2b hash (hex) for looking up secrets such as receipts and tokens. */
  keyedHash(purpose: string, value: string): string {
    const out = Buffer.alloc(32);
    sodium.crypto_generichash(out, Buffer.from(`${purpose}\0${value}`, 'utf8'), this.hashKey);
    return out.toString('hex');
  }

  sealStaff(context: string, text: string): Buffer {
    return sealWith(this.staffKey, Buffer.from(text, 'utf8'), `staff:${context}`);
  }

  openStaff(context: string, sealed: Buffer): string {
    return openWith(this.staffKey, sealed, `staff:${context}`).toString('utf8');
  }
}

/** Random bytes from libsodium's CSPRNG. */
export function randomBytes(n: number): Buffer {
  const b = Buffer.alloc(n);
  sodium.randombytes_buf(b);
  return b;
}

/** Constant-time comparison of two strings of equal meaning (tokens, hashes). */
export function safeEqual(a: string, b: string): boolean {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return ba.length === bb.length && sodium.sodium_memcmp(ba, bb);
}

/**
 * Loads the master key: from HAVEN_MASTER_KEY when set, otherwise from `<dataDir>/keys/master.key`,
 * created on first start with 0600 permissions (its folder 0700). The key never enters the database.
 */
export function loadMasterKey(opts: { masterKeyHex: string | undefined; dataDir: string }): {
  key: Buffer;
  source: 'env' | 'file-existing' | 'file-created';
  file?: string;
} {
  if (opts.masterKeyHex) return { key: Buffer.from(opts.masterKeyHex, 'hex'), source: 'env' };
  const file = join(opts.dataDir, 'keys', 'master.key');
  if (existsSync(file)) {
    const hex = readFileSync(file, 'utf8').trim();
    if (!/^[0-9a-f]{64}$/i.test(hex)) throw new Error(`the key file ${file} is damaged: expected 64 hexadecimal characters`);
    return { key: Buffer.from(hex, 'hex'), source: 'file-existing', file };
  }
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  chmodSync(dirname(file), 0o700);
  const key = randomBytes(KEY);
  writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  return { key, source: 'file-created', file };
}

/**
 * The backup subkey (platform/backup): it seals the expiring secrets that backups are
 * encrypted under. Derived from the master key that stays on disk in every mode, under its
 * own KDF context, so it can never coincide with another subkey.
 */
export function deriveBackupKey(master: Buffer): Buffer {
  const out = sodium.sodium_malloc(KEY);
  sodium.crypto_kdf_derive_from_key(out, 1, Buffer.from('havenbak'), master);
  return out;
}
