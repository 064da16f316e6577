import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import type { Storage } from '../storage/db.js';
import { isSpent, spendToken, spendTokens, type OneTimeToken } from './spent-tokens.js';

// A one-time token is spent once: alone, or with others in one statement (group commit).

const token = (hash: string): OneTimeToken => ({ tokenHash: hash, expiresAt: Date.now() + 60_000 });

for (const engine of engines) {
  describe.skipIf(!engine.available)(`one-time tokens on ${engine.name}`, () => {
    let created: Awaited<ReturnType<(typeof engines)[number]['create']>>;
    let storage: Storage;
    beforeAll(async () => {
      created = await engine.createMigrated();
      storage = created.storage;
    });
    afterAll(async () => created?.dispose());

    it('spends a token once', async () => {
      expect(await spendToken(storage.db, token('single'))).toBe(true);
      expect(await spendToken(storage.db, token('single'))).toBe(false);
      expect(await isSpent(storage.db, 'single')).toBe(true);
    });

    it('spends a list in one statement: each new token once, in the order given', async () => {
      await spendToken(storage.db, token('old'));
      const list = ['zeta', 'old', 'alpha', 'zeta', 'mid', 'alpha'].map(token);
      expect(await spendTokens(storage.db, list)).toEqual([true, false, true, false, true, false]);
      for (const hash of ['zeta', 'alpha', 'mid']) expect(await isSpent(storage.db, hash)).toBe(true);
      expect(await spendTokens(storage.db, ['mid', 'new'].map(token))).toEqual([false, true]);
      expect(await spendTokens(storage.db, [])).toEqual([]);
    });

    it('spends nothing when the transaction it ran in rolls back', async () => {
      await expect(
        storage.db.transaction().execute(async (trx) => {
          expect(await spendTokens(trx, ['undone-1', 'undone-2'].map(token))).toEqual([true, true]);
          throw new Error('the work failed');
        }),
      ).rejects.toThrow('the work failed');
      expect(await isSpent(storage.db, 'undone-1')).toBe(false);
      expect(await spendTokens(storage.db, ['undone-1', 'undone-2'].map(token))).toEqual([true, true]);
    });
  });
}
