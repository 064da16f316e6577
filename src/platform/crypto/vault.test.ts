import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sodium from 'sodium-native';
import { describe, expect, it, vi } from 'vitest';
import { newReceipt, normalizeReceipt, RECEIPT_BITS } from './receipt.js';
import { CaseKeyCache, DecryptionError, loadMasterKey, newKeypair, randomBytes, safeEqual, SealedError, Vault, wrapInfo } from './vault.js';

describe('Vault', () => {
  const vault = new Vault(randomBytes(32));

  it('round-trips case text and binds it to its case and field', () => {
    const { wrapped } = vault.newCaseKey();
    const key = vault.caseKey(7, wrapped);
    const sealed = key.seal('message:body', 'They took my phone at the border');
    expect(sealed.includes(Buffer.from('phone'))).toBe(false);
    expect(key.open('message:body', sealed)).toBe('They took my phone at the border');
    expect(() => key.open('contact', sealed)).toThrow(DecryptionError);
    expect(() => vault.caseKey(8, wrapped).open('message:body', sealed)).toThrow(DecryptionError);
  });

  it('seals to the content key while sealed; only that private key opens it, in its own context', () => {
    const master = randomBytes(32);
    const pair = newKeypair();
    const sealedVault = new Vault(master, { sealed: { active: { id: 4, publicKey: pair.publicKey } } });
    const { keyId, sealed } = sealedVault.sealToKey('case:3:message:m1', 'Они пришли ночью');
    expect(keyId).toBe(4);
    expect(sealed.includes(Buffer.from('Они'))).toBe(false);
    expect(() => sealedVault.openToKey('case:3:message:m1', sealed)).toThrow(SealedError);
    sealedVault.unlock({ id: 4, publicKey: pair.publicKey, secretKey: pair.secretKey });
    expect(sealedVault.openToKey('case:3:message:m1', sealed)).toBe('Они пришли ночью');
    // Copied to another case or message, or tampered with: refused.
    expect(() => sealedVault.openToKey('case:4:message:m1', sealed)).toThrow(DecryptionError);
    expect(() => sealedVault.openToKey('case:3:message:m2', sealed)).toThrow(DecryptionError);
    const flipped = Buffer.from(sealed);
    flipped[flipped.length - 1]! ^= 1;
    expect(() => sealedVault.openToKey('case:3:message:m1', flipped)).toThrow(DecryptionError);
    expect(() => sealedVault.openToKey('case:3:message:m1', sealed.subarray(0, 20))).toThrow(DecryptionError);
    // Another instance's key opens nothing.
    const other = newKeypair();
    const stranger = new Vault(randomBytes(32), { sealed: { active: { id: 4, publicKey: other.publicKey } } });
    stranger.unlock({ id: 4, publicKey: other.publicKey, secretKey: other.secretKey });
    expect(() => stranger.openToKey('case:3:message:m1', sealed)).toThrow(DecryptionError);
  });

  it('activateDefault: wraps go to the master key\'s keypair again, readable by a default-mode vault', () => {
    const master = randomBytes(32);
    const pair = newKeypair();
    const v = new Vault(master, { sealed: { active: { id: 3, publicKey: pair.publicKey } } });
    v.unlock({ id: 3, publicKey: pair.publicKey, secretKey: pair.secretKey });
    const underSealed = v.newCaseKey().wrapped;
    const totp = v.sealStaff('totp:u1', 'JBSWY3DPEHPK3PXP');
    expect(v.staffKeyId(totp)).toBe(3);

    v.activateDefault();
    expect(v.activeKeyId).toBe(0);
    expect(v.sealed).toBe(false);
    const moved = v.rewrapCaseKey(underSealed);
    expect(wrapInfo(moved)).toEqual({ version: 2, keyId: 0 });
    const staff = v.sealStaff('totp:u1', v.openStaff('totp:u1', totp));
    expect(v.staffKeyId(staff)).toBe(0);

    // A process started in the default mode, with the same master key, opens both; the
    // sealed key's wraps stay closed to it.
    const plain = new Vault(master);
    const sealedText = v.caseKey(9, underSealed).seal('message:m1', 'детали дела');
    expect(plain.caseKey(9, moved).open('message:m1', sealedText)).toBe('детали дела');
    expect(plain.openStaff('totp:u1', staff)).toBe('JBSWY3DPEHPK3PXP');
    expect(() => plain.caseKey(9, underSealed)).toThrow(SealedError);
    expect(() => plain.openStaff('totp:u1', totp)).toThrow(SealedError);
    // Another master key opens nothing.
    expect(() => new Vault(randomBytes(32)).caseKey(9, moved)).toThrow(DecryptionError);
  });

  it('refuses a tampered ciphertext', () => {
    const key = vault.caseKey(1, vault.newCaseKey().wrapped);
    const sealed = key.seal('f', 'hello');
    sealed[sealed.length - 1]! ^= 1;
    expect(() => key.open('f', sealed)).toThrow(DecryptionError);
  });

  it('cannot unwrap a case key under another master key', () => {
    const other = new Vault(randomBytes(32));
    expect(() => other.caseKey(1, vault.newCaseKey().wrapped)).toThrow(DecryptionError);
  });

  it('hashes with a key, separated by purpose', () => {
    expect(vault.keyedHash('receipt', 'A')).toBe(vault.keyedHash('receipt', 'A'));
    expect(vault.keyedHash('receipt', 'A')).not.toBe(vault.keyedHash('token', 'A'));
    expect(new Vault(randomBytes(32)).keyedHash('receipt', 'A')).not.toBe(vault.keyedHash('receipt', 'A'));
  });

  it('compares in constant time', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
  });
});

describe('case key cache', () => {
  it('opens a wrap again without the private key, only while that key is in memory', () => {
    const pair = newKeypair();
    const v = new Vault(randomBytes(32), { sealed: { active: { id: 3, publicKey: pair.publicKey } } });
    v.unlock({ id: 3, publicKey: pair.publicKey, secretKey: Buffer.from(pair.secretKey) });
    const { wrapped } = v.newCaseKey();
    const sealed = v.caseKey(5, wrapped).seal('message:body', 'نص سري');
    expect(v.caseKey(5, wrapped).open('message:body', sealed)).toBe('نص سري');
    // The key leaves memory: the cached case key goes with it.
    v.forget(3);
    expect(() => v.caseKey(5, wrapped)).toThrow(SealedError);
  });

  it('a key handed out is a copy: evicting its slot does not change it', () => {
    const cache = new CaseKeyCache(1, 60_000, () => 0);
    const a = { wrapped: randomBytes(80), raw: randomBytes(32) };
    const b = { wrapped: randomBytes(80), raw: randomBytes(32) };
    cache.put(a.wrapped, a.raw);
    const got = cache.get(a.wrapped)!;
    expect(got.equals(a.raw)).toBe(true);
    cache.put(b.wrapped, b.raw); // the only slot now holds b
    expect(got.equals(a.raw)).toBe(true);
    expect(cache.get(a.wrapped)).toBeNull();
    expect(cache.get(b.wrapped)!.equals(b.raw)).toBe(true);
    expect(cache.size).toBe(1);
  });

  it('keeps the most recently used, drops expired entries and what it is told to forget', () => {
    let t = 0;
    const cache = new CaseKeyCache(2, 1000, () => t);
    const keys = [0, 1, 2].map(() => ({ wrapped: randomBytes(80), raw: randomBytes(32) }));
    cache.put(keys[0]!.wrapped, keys[0]!.raw);
    cache.put(keys[1]!.wrapped, keys[1]!.raw);
    expect(cache.get(keys[0]!.wrapped)).not.toBeNull(); // 0 is now the most recent
    cache.put(keys[2]!.wrapped, keys[2]!.raw); // evicts 1
    expect(cache.get(keys[1]!.wrapped)).toBeNull();
    expect(cache.get(keys[0]!.wrapped)).not.toBeNull();
    cache.drop(keys[0]!.wrapped);
    expect(cache.get(keys[0]!.wrapped)).toBeNull();
    t = 1001;
    expect(cache.get(keys[2]!.wrapped)).toBeNull();
    expect(cache.size).toBe(0);
  });

  it('a wrap changed by one byte is not served from the cache', () => {
    const v = new Vault(randomBytes(32));
    const { wrapped } = v.newCaseKey();
    v.caseKey(1, wrapped);
    const bent = Buffer.from(wrapped);
    bent[bent.length - 1]! ^= 1;
    expect(() => v.caseKey(1, bent)).toThrow(DecryptionError);
  });

  it('forgetCaseKey: a shredded case\'s key is unwrapped again, not served from memory', () => {
    const v = new Vault(randomBytes(32));
    const { wrapped } = v.newCaseKey();
    const spy = vi.spyOn(sodium, 'crypto_box_seal_open');
    try {
      v.caseKey(1, wrapped);
      v.caseKey(1, wrapped);
      expect(spy).toHaveBeenCalledTimes(1);
      v.forgetCaseKey(wrapped);
      v.caseKey(1, wrapped);
      expect(spy).toHaveBeenCalledTimes(2);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('loadMasterKey', () => {
  it('creates a 0600 key file once and reads it back', () => {
    const dir = mkdtempSync(join(tmpdir(), 'haven-key-'));
    const first = loadMasterKey({ masterKeyHex: undefined, dataDir: dir });
    expect(first.source).toBe('file-created');
    expect(statSync(first.file!).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'keys')).mode & 0o777).toBe(0o700);
    const second = loadMasterKey({ masterKeyHex: undefined, dataDir: dir });
    expect(second.source).toBe('file-existing');
    expect(second.key.equals(first.key)).toBe(true);
  });

  it('prefers HAVEN_MASTER_KEY', () => {
    const hex = 'ab'.repeat(32);
    const k = loadMasterKey({ masterKeyHex: hex, dataDir: '/nonexistent' });
    expect(k.source).toBe('env');
    expect(k.key.toString('hex')).toBe(hex);
  });
});

describe('receipts', () => {
  it('carry at least 80 bits and are readable groups', () => {
    expect(RECEIPT_BITS).toBeGreaterThanOrEqual(80);
    const r = newReceipt();
    expect(r).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$/);
    expect(new Set(Array.from({ length: 200 }, newReceipt)).size).toBe(200);
  });

  it('forgive case, spacing and look-alike letters', () => {
    const r = newReceipt();
    const canonical = r.replace(/-/g, '');
    expect(normalizeReceipt(r.toLowerCase().replace(/-/g, ' '))).toBe(canonical);
    expect(normalizeReceipt('oooo-iiii-llll-0000-1111')).toBe('00001111111100001111');
    expect(normalizeReceipt('too short')).toBeNull();
    expect(normalizeReceipt('UUUU-UUUU-UUUU-UUUU-UUUU')).toBeNull();
  });
});
