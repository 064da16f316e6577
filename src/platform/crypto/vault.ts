import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Kysely, Transaction } from 'kysely';
import sodium from 'sodium-native';
import type { Database } from '../storage/schema.js';

/**
 * The one seam for cryptography at rest. A master key (32 bytes, never stored in the
 * database) derives purpose-bound subkeys: one keys the hashes of receipts and tokens, one
 * signs form tokens, and (in the default mode) one seeds the content keypair. Case data keys
 * are wrapped with `crypto_box_seal` to the active content public key, so anyone can wrap but
 * only the private key unwraps: in sealed mode (ADR 10) that private key exists only in
 * memory after an administrator unseals, while the public intake keeps wrapping new cases.
 *
 * Every sealed value is XChaCha20-Poly1305 with a random 24-byte nonce and a context string
 * as associated data, so a ciphertext copied into another row or column fails to open.
 */

const VERSION = 1;
const NONCE = sodium.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
const ABYTES = sodium.crypto_aead_xchacha20poly1305_ietf_ABYTES;
const KEY = sodium.crypto_aead_xchacha20poly1305_ietf_KEYBYTES;
const KDF_CONTEXT = Buffer.from('havenkey'); // exactly crypto_kdf_CONTEXTBYTES (8)
const SK_KDF_CONTEXT = Buffer.from('havensk_'); // subkeys of a content private key
const PK_BYTES = sodium.crypto_box_PUBLICKEYBYTES;
const SK_BYTES = sodium.crypto_box_SECRETKEYBYTES;
const SEAL_BYTES = sodium.crypto_box_SEALBYTES;

/** Wrap formats: v1 symmetric under the master's wrap subkey (read only); v2 sealed to a keypair. */
const WRAP_V1 = 1;
const WRAP_V2 = 2;
/** A value sealed to a content public key while sealed (a requester's follow-up message). */
const TO_KEY_V1 = 3;
/** Bytes of a search index token: 12 (96 bits), so ten million distinct words collide with odds below 1 in 10^13. */
export const SEARCH_TOKEN_BYTES = 12;
/** Key id 0 is the keypair derived from the master key (the default mode). */
export const DEFAULT_KEY_ID = 0;

const SUBKEY = { wrap: 1, hash: 2, staff: 3, forms: 4, content: 5 } as const;

export class DecryptionError extends Error {
  constructor(context: string) {
    super(`ciphertext could not be opened (context ${context})`);
    this.name = 'DecryptionError';
  }
}

/** The instance is sealed: the private key that opens case keys is not in memory. */
export class SealedError extends Error {
  constructor() {
    super('Haven is sealed: an administrator must unseal it before case content can be read');
    this.name = 'SealedError';
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

/** A content keypair's public half, as stored in `vault_keys`. */
export interface PublicKeyInfo {
  id: number;
  publicKey: Buffer;
}

/** How many unwrapped case keys each private key keeps, and for how long (ADR 30). */
export const CASE_KEY_CACHE = { entries: 1024, ttlMs: 5 * 60_000 } as const;

/**
 * Case keys recently unwrapped with one private key, by their wrapped form: opening a wrap is an
 * X25519 operation (about 40 µs), and a queue page opens 50. The raw keys live in one guarded
 * slab (sodium_malloc), handed out as copies, so an eviction never changes a key in use. The
 * cache belongs to its private key and is wiped with it: whatever it holds, that private key
 * could open again, and nothing is kept once the key leaves memory. Entries expire after
 * `ttlMs`, so a case shredded in another process leaves this one's memory soon after.
 */
export class CaseKeyCache {
  private readonly slab: Buffer;
  /** wrapped (base64) → [slot, stored at]; oldest use first. */
  private readonly index = new Map<string, [number, number]>();
  private readonly free: number[] = [];

  constructor(
    private readonly entries: number = CASE_KEY_CACHE.entries,
    private readonly ttlMs: number = CASE_KEY_CACHE.ttlMs,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.slab = sodium.sodium_malloc(entries * KEY);
    for (let i = entries - 1; i >= 0; i--) this.free.push(i);
  }

  get size(): number {
    return this.index.size;
  }

  /** A copy of the raw key wrapped as `wrapped`, or null. */
  get(wrapped: Buffer): Buffer | null {
    const id = wrapped.toString('base64');
    const hit = this.index.get(id);
    if (!hit) return null;
    this.index.delete(id);
    if (this.now() - hit[1] > this.ttlMs) {
      this.release(hit[0]);
      return null;
    }
    this.index.set(id, hit);
    return Buffer.from(this.slab.subarray(hit[0] * KEY, (hit[0] + 1) * KEY));
  }

  put(wrapped: Buffer, raw: Buffer): void {
    const id = wrapped.toString('base64');
    if (this.index.has(id) || raw.length !== KEY) return;
    if (this.free.length === 0) {
      const [oldest, [slot]] = this.index.entries().next().value!;
      this.index.delete(oldest);
      this.release(slot);
    }
    const slot = this.free.pop()!;
    raw.copy(this.slab, slot * KEY);
    this.index.set(id, [slot, this.now()]);
  }

  /** Drops the key wrapped as `wrapped` (its case was shredded). */
  drop(wrapped: Buffer): void {
    const id = wrapped.toString('base64');
    const hit = this.index.get(id);
    if (!hit) return;
    this.index.delete(id);
    this.release(hit[0]);
  }

  /** Wipes every key (its private key leaves memory). */
  clear(): void {
    this.index.clear();
    this.free.length = 0;
    for (let i = this.entries - 1; i >= 0; i--) this.free.push(i);
    sodium.sodium_memzero(this.slab);
  }

  private release(slot: number): void {
    sodium.sodium_memzero(this.slab.subarray(slot * KEY, (slot + 1) * KEY));
    this.free.push(slot);
  }
}

interface OpenedKey {
  publicKey: Buffer;
  secretKey: Buffer;
  /** Seals staff second-factor secrets; derived from the private key, so sealed with it. */
  staffKey: Buffer;
  /** Case keys this private key opened lately. */
  caseKeys: CaseKeyCache;
  /** Keys the search index's tokens (ADR 37); derived from the private key, so sealed with it. */
  searchKey: Buffer;
}

function openedFrom(publicKey: Buffer, secretKey: Buffer): OpenedKey {
  const staffKey = sodium.sodium_malloc(KEY);
  sodium.crypto_kdf_derive_from_key(staffKey, 1, SK_KDF_CONTEXT, secretKey);
  const searchKey = sodium.sodium_malloc(KEY);
  sodium.crypto_kdf_derive_from_key(searchKey, 2, SK_KDF_CONTEXT, secretKey);
  return { publicKey, secretKey, staffKey, caseKeys: new CaseKeyCache(), searchKey };
}

/** A fresh random content keypair (sealed mode). */
export function newKeypair(): { publicKey: Buffer; secretKey: Buffer } {
  const publicKey = Buffer.alloc(PK_BYTES);
  const secretKey = sodium.sodium_malloc(SK_BYTES);
  sodium.crypto_box_keypair(publicKey, secretKey);
  return { publicKey, secretKey };
}

function seedKeypair(seed: Buffer): { publicKey: Buffer; secretKey: Buffer } {
  const publicKey = Buffer.alloc(PK_BYTES);
  const secretKey = sodium.sodium_malloc(SK_BYTES);
  sodium.crypto_box_seed_keypair(publicKey, secretKey, seed);
  return { publicKey, secretKey };
}

/** True when `secretKey` is the private half of `publicKey`. */
export function keypairMatches(publicKey: Buffer, secretKey: Buffer): boolean {
  const derived = Buffer.alloc(PK_BYTES);
  sodium.crypto_scalarmult_base(derived, secretKey);
  return sodium.sodium_memcmp(derived, publicKey);
}

/**
 * Where the database records the content keys (the vault module's `vault_keys`, ADR 21): the
 * newest live key, which new wraps must go to, and the ids of every live key. Inside a
 * transaction, `read` also holds the newest key against retirement until that transaction
 * ends, so a wrap made under it is committed before a rotation moves the wraps and retires it.
 */
export interface KeyRecord {
  read(db: Kysely<Database> | Transaction<Database>): Promise<{ active: PublicKeyInfo; live: number[] } | null>;
}

/** What a stored wrap is: the legacy symmetric format, or sealed to one keypair. */
export type WrapInfo = { version: 1 } | { version: 2; keyId: number } | { version: 0 };

export function wrapInfo(wrapped: Buffer): WrapInfo {
  if (wrapped.length > 0 && wrapped[0] === WRAP_V1) return { version: 1 };
  if (wrapped.length >= 5 + SEAL_BYTES && wrapped[0] === WRAP_V2) return { version: 2, keyId: wrapped.readUInt32BE(1) };
  // Empty (a shredded case) or damaged: nothing can open it.
  return { version: 0 };
}

export class Vault {
  private readonly hashKey: Buffer;
  private readonly legacyWrapKey: Buffer;
  private readonly legacyStaffKey: Buffer;
  /** The keypair derived from the master key: always openable, since the master is on disk. */
  private readonly defaultKey: OpenedKey;
  private active: PublicKeyInfo;
  private readonly opened = new Map<number, OpenedKey>();
  private record: KeyRecord | null = null;
  readonly formKey: Buffer;
  /** True when the instance runs in sealed mode (whether or not it is unsealed now). */
  readonly sealedMode: boolean;

  /**
   * Without `sealed`, the default mode: the content keypair is derived from the master key.
   * With `sealed`, new wraps go to `sealed.active` and nothing can be opened until `unlock`.
   */
  constructor(master: Buffer, opts: { sealed?: { active: PublicKeyInfo } } = {}) {
    if (master.length !== KEY) throw new Error('the master key must be 32 bytes');
    this.legacyWrapKey = derive(master, SUBKEY.wrap);
    this.hashKey = derive(master, SUBKEY.hash);
    this.legacyStaffKey = derive(master, SUBKEY.staff);
    this.formKey = derive(master, SUBKEY.forms);
    const seed = derive(master, SUBKEY.content);
    const pair = seedKeypair(seed);
    sodium.sodium_memzero(seed);
    this.defaultKey = openedFrom(pair.publicKey, pair.secretKey);
    this.sealedMode = opts.sealed !== undefined;
    this.active = opts.sealed?.active ?? { id: DEFAULT_KEY_ID, publicKey: pair.publicKey };
  }

  /** Sealed: the private key for new and existing case keys is not in memory. */
  get sealed(): boolean {
    return this.active.id !== DEFAULT_KEY_ID && !this.opened.has(this.active.id);
  }

  /** The key id new wraps go to. */
  get activeKeyId(): number {
    return this.active.id;
  }

  /** Ids of the private keys held in memory. */
  openedKeyIds(): number[] {
    return [...this.opened.keys()];
  }

  /**
   * Puts a private key in memory (after an unseal). Refuses a key that does not match its
   * public half, so a damaged or swapped row cannot unseal anything.
   */
  unlock(key: PublicKeyInfo & { secretKey: Buffer }): void {
    if (!keypairMatches(key.publicKey, key.secretKey)) throw new DecryptionError(`vault-key:${key.id}`);
    this.opened.set(key.id, openedFrom(key.publicKey, key.secretKey));
  }

  /**
   * Lets `refresh` follow the active key recorded in the database (sealed mode): several
   * processes share one database, and a rotation started in one must change them all.
   */
  useKeyRecord(record: KeyRecord): void {
    this.record = record;
  }

  /**
   * Follows the database (ADR 21): when a newer key became active (a rotation started in
   * another process), new wraps go to its public key from now on, and until this process holds
   * its private key it is sealed (an administrator unseals it again). Private keys older than
   * every live key (retired by a rotation) leave memory. Called in the transaction that writes
   * a wrap, before wrapping, so nothing is ever written under a retired key; without a record
   * (the default mode) it does nothing.
   */
  async refresh(db: Kysely<Database> | Transaction<Database>): Promise<void> {
    if (!this.record) return;
    const now = await this.record.read(db);
    if (!now) return;
    // Only forward: this process's own new key is held before its row commits.
    if (now.active.id > this.active.id) this.activate(now.active);
    const oldest = Math.min(...now.live);
    for (const id of [...this.opened.keys()]) if (id < oldest) this.forget(id);
  }

  /** Makes `key` the one new wraps go to (sealed-mode initialisation and rotation). */
  activate(key: PublicKeyInfo): void {
    this.active = { id: key.id, publicKey: key.publicKey };
  }

  /**
   * Makes the keypair derived from the master key (key id 0) the one new wraps go to again:
   * leaving sealed mode (`haven seal-off`) re-wraps every case key and second factor with it.
   * The sealed keys stay in memory, so existing wraps still open until `forget`; `sealedMode`
   * keeps describing how this process started (it exits after the switch).
   */
  activateDefault(): void {
    this.active = { id: DEFAULT_KEY_ID, publicKey: this.defaultKey.publicKey };
  }

  /** Drops a retired private key from memory. */
  forget(id: number): void {
    const k = this.opened.get(id);
    if (!k) return;
    sodium.sodium_memzero(k.secretKey);
    sodium.sodium_memzero(k.staffKey);
    sodium.sodium_memzero(k.searchKey);
    k.caseKeys.clear();
    this.opened.delete(id);
  }

  /** Seals private key `id` to a holder's public key, without ever handing the private key out. */
  wrapSecretFor(id: number, holderPublicKey: Buffer): Buffer {
    const k = this.opened.get(id);
    if (!k) throw new SealedError();
    const out = Buffer.alloc(SK_BYTES + SEAL_BYTES);
    sodium.crypto_box_seal(out, k.secretKey, holderPublicKey);
    return out;
  }

  private keyFor(id: number): OpenedKey {
    if (id === DEFAULT_KEY_ID) return this.defaultKey;
    const k = this.opened.get(id);
    if (!k) throw new SealedError();
    return k;
  }

  /** A fresh random data key for a new case, and its wrapped form to store with the case. Works while sealed. */
  newCaseKey(): { raw: Buffer; wrapped: Buffer } {
    const raw = Buffer.alloc(KEY);
    sodium.randombytes_buf(raw);
    return { raw, wrapped: this.wrapRaw(raw) };
  }

  /**
   * `version ‖ active key id (u32) ‖ crypto_box_seal(plain)`: anyone holding the public key can
   * make one (so it works while sealed); only that key's private half opens it.
   */
  private boxToActive(version: number, plain: Buffer): Buffer {
    const out = Buffer.alloc(5 + SEAL_BYTES + plain.length);
    out[0] = version;
    out.writeUInt32BE(this.active.id, 1);
    sodium.crypto_box_seal(out.subarray(5), plain, this.active.publicKey);
    return out;
  }

  /** Opens a `boxToActive` value whose version the caller checked; SealedError while its key is locked. */
  private openBox(boxed: Buffer, context: string): Buffer {
    const k = this.keyFor(boxed.readUInt32BE(1));
    const plain = Buffer.alloc(boxed.length - 5 - SEAL_BYTES);
    if (!sodium.crypto_box_seal_open(plain, boxed.subarray(5), k.publicKey, k.secretKey)) {
      throw new DecryptionError(context);
    }
    return plain;
  }

  private wrapRaw(raw: Buffer): Buffer {
    return this.boxToActive(WRAP_V2, raw);
  }

  private unwrapRaw(wrapped: Buffer): Buffer {
    const info = wrapInfo(wrapped);
    if (info.version === 1) return openWith(this.legacyWrapKey, wrapped, 'case-key');
    if (info.version !== 2) throw new DecryptionError('case-key');
    return this.openBox(wrapped, 'case-key');
  }

  /**
   * Binds a wrapped case key to the case it belongs to; throws SealedError while sealed. A wrap
   * opened lately comes from its private key's cache (CaseKeyCache), checked for that key first,
   * so a sealed or retired key opens nothing, cached or not.
   */
  caseKey(caseId: number, wrapped: Buffer): CaseKey {
    const info = wrapInfo(wrapped);
    if (info.version !== 2) return new CaseKey(this.unwrapRaw(wrapped), caseId);
    const cache = this.keyFor(info.keyId).caseKeys;
    const cached = cache.get(wrapped);
    if (cached) return new CaseKey(cached, caseId);
    const raw = this.openBox(wrapped, 'case-key');
    cache.put(wrapped, raw);
    return new CaseKey(raw, caseId);
  }

  /** Forgets a case key this process may hold unwrapped (its case was shredded). */
  forgetCaseKey(wrapped: Buffer): void {
    const info = wrapInfo(wrapped);
    if (info.version !== 2) return;
    const k = info.keyId === DEFAULT_KEY_ID ? this.defaultKey : this.opened.get(info.keyId);
    k?.caseKeys.drop(wrapped);
  }

  /** The same case key wrapped to the active public key (rotation, sealed-mode set-up). */
  rewrapCaseKey(wrapped: Buffer): Buffer {
    const raw = this.unwrapRaw(wrapped);
    try {
      return this.wrapRaw(raw);
    } finally {
      sodium.sodium_memzero(raw);
    }
  }

  /**
   * Seals `text` to the active content public key, bound to `context`: works while sealed,
   * when no case key can be unwrapped (a requester writing again to a sealed instance). Only
   * that key's private half opens it, after an unseal. crypto_box_seal has no associated
   * data, so the context travels inside the ciphertext and `openToKey` checks it.
   */
  sealToKey(context: string, text: string): { keyId: number; sealed: Buffer } {
    const ctx = Buffer.from(context, 'utf8');
    const body = Buffer.from(text, 'utf8');
    const plain = Buffer.alloc(2 + ctx.length + body.length);
    plain.writeUInt16BE(ctx.length, 0);
    ctx.copy(plain, 2);
    body.copy(plain, 2 + ctx.length);
    const sealed = this.boxToActive(TO_KEY_V1, plain);
    sodium.sodium_memzero(plain);
    return { keyId: this.active.id, sealed };
  }

  /** Opens a value made by `sealToKey`; SealedError while its key is locked, DecryptionError on any mismatch. */
  openToKey(context: string, sealed: Buffer): string {
    if (sealed.length < 5 + SEAL_BYTES + 2 || sealed[0] !== TO_KEY_V1) throw new DecryptionError(context);
    const plain = this.openBox(sealed, context);
    const n = plain.readUInt16BE(0);
    const ctx = Buffer.from(context, 'utf8');
    if (2 + n > plain.length || !ctx.equals(plain.subarray(2, 2 + n))) throw new DecryptionError(context);
    return plain.subarray(2 + n).toString('utf8');
  }

  /** A keyed BLAKE2b hash (hex) for looking up secrets such as receipts and tokens. */
  keyedHash(purpose: string, value: string): string {
    const out = Buffer.alloc(32);
    sodium.crypto_generichash(out, Buffer.from(`${purpose}\0${value}`, 'utf8'), this.hashKey);
    return out.toString('hex');
  }

  /**
   * The content key whose search subkey writes the search index now (ADR 37): the active one.
   * Throws SealedError while its private half is not in memory, so nothing is indexed while
   * sealed and the index never holds a token a key on disk could make in sealed mode.
   */
  searchKeyId(): number {
    this.keyFor(this.active.id);
    return this.active.id;
  }

  /** Ids of the content keys whose search tokens this process can make now (the default key's always). */
  searchKeyIds(): number[] {
    return [DEFAULT_KEY_ID, ...this.opened.keys()];
  }

  /**
   * A search index token (ADR 37): BLAKE2b of `purpose` and the normalised `token`, keyed by the
   * search subkey of content key `keyId`, cut to SEARCH_TOKEN_BYTES. Equal words give equal
   * tokens under one key and unrelated ones under another; SealedError while that key is locked.
   */
  searchToken(keyId: number, purpose: string, token: string): Buffer {
    // libsodium's BLAKE2b gives at least 16 bytes; the index keeps the first 12.
    const out = Buffer.alloc(16);
    sodium.crypto_generichash(out, Buffer.from(`${purpose}\0${token}`, 'utf8'), this.keyFor(keyId).searchKey);
    return out.subarray(0, SEARCH_TOKEN_BYTES);
  }

  /** Seals a staff secret (a TOTP seed) under the active private key; throws SealedError while sealed. */
  sealStaff(context: string, text: string): Buffer {
    const k = this.keyFor(this.active.id);
    const head = Buffer.alloc(5);
    head[0] = WRAP_V2;
    head.writeUInt32BE(this.active.id, 1);
    return Buffer.concat([head, sealWith(k.staffKey, Buffer.from(text, 'utf8'), `staff:${context}`)]);
  }

  openStaff(context: string, sealed: Buffer): string {
    if (sealed.length > 0 && sealed[0] === VERSION) {
      return openWith(this.legacyStaffKey, sealed, `staff:${context}`).toString('utf8');
    }
    if (sealed.length < 5 || sealed[0] !== WRAP_V2) throw new DecryptionError(`staff:${context}`);
    const k = this.keyFor(sealed.readUInt32BE(1));
    return openWith(k.staffKey, sealed.subarray(5), `staff:${context}`).toString('utf8');
  }

  /**
   * The key id a `sealToKey` value is sealed to, or null when it is not one (damaged): what a
   * module's re-seal on rotation compares with `activeKeyId` before opening anything.
   */
  toKeyId(sealed: Buffer): number | null {
    return sealed.length >= 5 && sealed[0] === TO_KEY_V1 ? sealed.readUInt32BE(1) : null;
  }

  /** The key id a staff secret is sealed under, or null for the legacy format. */
  staffKeyId(sealed: Buffer): number | null {
    return sealed.length >= 5 && sealed[0] === WRAP_V2 ? sealed.readUInt32BE(1) : null;
  }

  /** Legacy v1 wraps, for tests of reading data written before ADR 10. */
  legacyWrapForTest(raw: Buffer): Buffer {
    return sealWith(this.legacyWrapKey, raw, 'case-key');
  }
}

/** Argon2id limits for unseal passphrases. MODERATE: about a second and 256 MiB per try. */
export const PASSPHRASE_LIMITS = {
  opslimit: sodium.crypto_pwhash_OPSLIMIT_MODERATE,
  memlimit: sodium.crypto_pwhash_MEMLIMIT_MODERATE,
} as const;

/** The smallest limits libsodium allows; for tests only, where speed matters more than cost. */
export const TEST_PASSPHRASE_LIMITS = {
  opslimit: sodium.crypto_pwhash_OPSLIMIT_MIN,
  memlimit: sodium.crypto_pwhash_MEMLIMIT_MIN,
} as const;

export const SALT_BYTES = sodium.crypto_pwhash_SALTBYTES;

/**
 * A holder's keypair, derived from their passphrase with argon2id (off the event loop, so the
 * server keeps answering during an unseal). The public half is stored so that a rotation can
 * wrap a new private key to every holder without knowing their passphrases.
 */
export async function holderKeypair(
  passphrase: string,
  salt: Buffer,
  limits: { opslimit: number; memlimit: number },
): Promise<{ publicKey: Buffer; secretKey: Buffer }> {
  const seed = sodium.sodium_malloc(32);
  const pw = Buffer.from(passphrase, 'utf8');
  try {
    await new Promise<void>((resolve, reject) =>
      sodium.crypto_pwhash_async(
        seed,
        pw,
        salt,
        limits.opslimit,
        limits.memlimit,
        sodium.crypto_pwhash_ALG_ARGON2ID13,
        (err) => (err ? reject(err) : resolve()),
      ),
    );
    return seedKeypair(seed);
  } finally {
    sodium.sodium_memzero(seed);
    sodium.sodium_memzero(pw);
  }
}

/** Opens a private key sealed to a holder; null when the passphrase was wrong. */
export function openHolderWrap(
  wrapped: Buffer,
  holder: { publicKey: Buffer; secretKey: Buffer },
): Buffer | null {
  if (wrapped.length !== SK_BYTES + SEAL_BYTES) return null;
  const sk = sodium.sodium_malloc(SK_BYTES);
  return sodium.crypto_box_seal_open(sk, wrapped, holder.publicKey, holder.secretKey) ? sk : null;
}

/** Seals a private key to a holder's public key (set-up, before the Vault holds it). */
export function sealSecretTo(secretKey: Buffer, holderPublicKey: Buffer): Buffer {
  const out = Buffer.alloc(SK_BYTES + SEAL_BYTES);
  sodium.crypto_box_seal(out, secretKey, holderPublicKey);
  return out;
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
