import { afterEach, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import type { Harness } from '../../../test/harness.js';
import { createDispatcher } from '../../platform/events/outbox.js';
import { createPace } from '../../platform/jobs/pace.js';
import { staffMember } from '../cases/case.fixtures.js';
import { submitRequest } from '../cases/index.js';
import { finishRotation, startRotation, unseal } from '../vault/index.js';
import { ANA, NO_WAIT, plainRequest, sealedHarness } from '../vault/vault.test-helpers.js';
import { searchSubscribers } from './search.jobs.js';
import { runIndexing, searchCases } from './search.service.js';

// The search index in sealed mode (ADR 37): its tokens are keyed by a subkey of the content
// private key, so nothing is indexed while sealed (the change is marked stale and indexed after
// an unseal), and a key rotation rebuilds the index under the new key while searches keep
// finding every case, under either key, until the old key's rows are gone.

for (const engine of engines) {
  describe.skipIf(!engine.available)(`search in sealed mode on ${engine.name}`, () => {
    let h: Harness | undefined;
    afterEach(async () => {
      await h?.close();
      h = undefined;
    });

    it('indexes nothing while sealed, then everything after an unseal; a rotation rebuilds under the new key and search keeps finding', async () => {
      h = await sealedHarness(engine);
      const deps = h.deps;
      const deliver = () => createDispatcher(deps, searchSubscribers(deps)).runDue();

      // Sealed: the request is saved, its event is delivered, and the case waits, marked stale.
      const early = (await submitRequest(deps, plainRequest('Pegasus spyware suspected on the editor phone'))).caseId;
      await deliver();
      expect(await deps.db.selectFrom('search_tokens').select('case_id').execute()).toEqual([]);
      expect(await deps.db.selectFrom('search_cases').select(['case_id', 'stale']).execute()).toEqual([{ case_id: early, stale: 1 }]);
      expect(await runIndexing(deps, createPace())).toEqual({ indexed: 0, finished: false, sealed: true });

      expect((await unseal(deps, { holder: ANA.name, passphrase: ANA.passphrase }, NO_WAIT)).ok).toBe(true);
      const firstKey = deps.vault.activeKeyId;
      const run = await runIndexing(deps, createPace());
      expect(run.sealed).toBe(false);
      expect(run.finished).toBe(true);
      const handler = await staffMember(deps, 'handler', 'Ana Handler');
      const find = async (q: string) => {
        const r = await searchCases(deps, handler.principal, { q });
        if (!r.ok) throw new Error(r.code);
        return r.value.rows.map((c) => c.id);
      };
      expect(await find('pegasus editor')).toEqual([early]);
      const second = (await submitRequest(deps, plainRequest('Pegasus again, now on the lawyer phone'))).caseId;
      await deliver();
      expect(await find('pegasus')).toEqual([second, early]);
      const keysOf = async () =>
        (await deps.db.selectFrom('search_cases').select(['case_id', 'key_id']).orderBy('case_id').execute()).map((r) => [r.case_id, r.key_id]);
      expect(await keysOf()).toEqual([
        [early, firstKey],
        [second, firstKey],
      ]);

      // A rotation: the new key is active; cases keep their old-key rows until the walk reaches them.
      const { keyId } = await startRotation(deps, 'ana');
      expect(keyId).not.toBe(firstKey);
      const during = (await submitRequest(deps, plainRequest('Pegasus during the rotation'))).caseId;
      await deliver();
      expect(await keysOf()).toEqual([
        [early, firstKey],
        [second, firstKey],
        [during, keyId],
      ]);
      // Both keys in use: the search asks for each token under both and finds every case.
      expect(await find('pegasus')).toEqual([during, second, early]);
      const rebuilt = await runIndexing(deps, createPace());
      expect(rebuilt.finished).toBe(true);
      expect(rebuilt.indexed).toBe(2);
      expect(await keysOf()).toEqual([
        [early, keyId],
        [second, keyId],
        [during, keyId],
      ]);
      await finishRotation(deps);
      expect(deps.vault.openedKeyIds()).toEqual([keyId]);
      expect(await find('pegasus')).toEqual([during, second, early]);
      expect(await find('lawyer')).toEqual([second]);
    });
  });
}
