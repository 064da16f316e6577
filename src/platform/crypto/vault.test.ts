import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newReceipt, normalizeReceipt, RECEIPT_BITS } from './receipt.js';
import { DecryptionError, loadMasterKey, randomBytes, safeEqual, Vault } from './vault.js';

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
