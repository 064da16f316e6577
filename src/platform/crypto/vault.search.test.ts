import { describe, expect, it } from 'vitest';
import { DEFAULT_KEY_ID, newKeypair, randomBytes, SEARCH_TOKEN_BYTES, SealedError, Vault } from './vault.js';

// The search subkeys (ADR 37): one per content keypair, derived from its private half, so a
// search token can be made exactly when that key is in memory, and tokens under two keys,
// or under two instances' keys, never meet.

describe('Vault search tokens', () => {
  it('makes the same 12-byte token for the same word under one key, and different ones for different words or purposes', () => {
    const v = new Vault(randomBytes(32));
    const a = v.searchToken(DEFAULT_KEY_ID, 'search-token', 'w:phishing');
    expect(a).toHaveLength(SEARCH_TOKEN_BYTES);
    expect(v.searchToken(DEFAULT_KEY_ID, 'search-token', 'w:phishing').equals(a)).toBe(true);
    expect(v.searchToken(DEFAULT_KEY_ID, 'search-token', 'w:phishinG').equals(a)).toBe(false);
    expect(v.searchToken(DEFAULT_KEY_ID, 'other', 'w:phishing').equals(a)).toBe(false);
    // Never the word itself, nor its unkeyed hash's start.
    expect(a.includes(Buffer.from('phish'))).toBe(false);
  });

  it('in the default mode, the key from the master key indexes, and another master makes other tokens', () => {
    const master = randomBytes(32);
    const v = new Vault(master);
    expect(v.searchKeyId()).toBe(DEFAULT_KEY_ID);
    expect(v.searchKeyIds()).toEqual([DEFAULT_KEY_ID]);
    const again = new Vault(master);
    expect(again.searchToken(0, 'p', 'w:word').equals(v.searchToken(0, 'p', 'w:word'))).toBe(true);
    expect(new Vault(randomBytes(32)).searchToken(0, 'p', 'w:word').equals(v.searchToken(0, 'p', 'w:word'))).toBe(false);
  });

  it('while sealed there is no search key: only an unseal brings it, and a rotation makes a new one', () => {
    const master = randomBytes(32);
    const first = newKeypair();
    const v = new Vault(master, { sealed: { active: { id: 3, publicKey: first.publicKey } } });
    expect(() => v.searchKeyId()).toThrow(SealedError);
    expect(() => v.searchToken(3, 'p', 'w:word')).toThrow(SealedError);
    v.unlock({ id: 3, publicKey: first.publicKey, secretKey: Buffer.from(first.secretKey) });
    expect(v.searchKeyId()).toBe(3);
    const under3 = v.searchToken(3, 'p', 'w:word');
    // The key on disk (the master's keypair, id 0) makes other tokens: a disk image cannot test words.
    expect(v.searchToken(DEFAULT_KEY_ID, 'p', 'w:word').equals(under3)).toBe(false);
    // Another process unsealed with the same key makes the same tokens.
    const other = new Vault(master, { sealed: { active: { id: 3, publicKey: first.publicKey } } });
    other.unlock({ id: 3, publicKey: first.publicKey, secretKey: Buffer.from(first.secretKey) });
    expect(other.searchToken(3, 'p', 'w:word').equals(under3)).toBe(true);
    // A rotation: key 4 active, both held while the walk rebuilds, then 3 is forgotten.
    const second = newKeypair();
    v.unlock({ id: 4, publicKey: second.publicKey, secretKey: Buffer.from(second.secretKey) });
    v.activate({ id: 4, publicKey: second.publicKey });
    expect(v.searchKeyId()).toBe(4);
    expect(v.searchKeyIds()).toEqual([DEFAULT_KEY_ID, 3, 4]);
    expect(v.searchToken(4, 'p', 'w:word').equals(under3)).toBe(false);
    v.forget(3);
    expect(() => v.searchToken(3, 'p', 'w:word')).toThrow(SealedError);
    expect(v.searchKeyIds()).toEqual([DEFAULT_KEY_ID, 4]);
  });
});
