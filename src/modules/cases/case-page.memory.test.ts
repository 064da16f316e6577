import sodium from 'sodium-native';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { randomBytes, Vault } from '../../platform/crypto/vault.js';
import { newRequest, staffMember, type StaffFixture } from './case.fixtures.js';
import { addNote, replyToRequester } from './case.service.js';

// A case page viewed again and again must leave nothing behind that the garbage collector
// cannot see. Intl formatters and collators hold ICU memory outside V8's heap, and
// sodium_malloc'd keys sit in guarded pages outside it too: made once per view, they grew a
// server's resident memory by hundreds of kilobytes per view. Once the first view has made what
// it keeps, further views make none of them.

type Counted = 'DateTimeFormat' | 'Collator';
const COUNTED: Counted[] = ['DateTimeFormat', 'Collator'];

const made: Record<Counted, number> = { DateTimeFormat: 0, Collator: 0 };
const originals = new Map<Counted, unknown>();

function countConstructions(): void {
  for (const name of COUNTED) {
    const original = Intl[name];
    originals.set(name, original);
    (Intl as Record<Counted, unknown>)[name] = new Proxy(original, {
      construct(target, args, newTarget) {
        made[name] += 1;
        return Reflect.construct(target, args, newTarget) as object;
      },
    });
  }
}

function restoreConstructions(): void {
  for (const [name, original] of originals) (Intl as Record<Counted, unknown>)[name] = original;
}

for (const engine of engines) {
  describe.skipIf(!engine.available)(`a case page viewed many times on ${engine.name}`, () => {
    let h: Harness;
    let handler: StaffFixture;
    let coordinator: StaffFixture;
    let caseId: number;

    beforeAll(async () => {
      h = await createHarness(engine);
      handler = await staffMember(h.deps, 'handler');
      coordinator = await staffMember(h.deps, 'coordinator');
      ({ caseId } = await newRequest(h.deps));
      for (const post of [replyToRequester, addNote, replyToRequester, addNote]) {
        expect(
          (await post(h.deps, handler.principal, caseId, 'Check the account sessions.')).ok,
        ).toBe(true);
      }
      countConstructions();
      vi.spyOn(sodium, 'sodium_malloc');
    });
    afterEach(() => vi.mocked(sodium.sodium_malloc).mockClear());
    afterAll(async () => {
      restoreConstructions();
      vi.restoreAllMocks();
      await h?.close();
    });

    const view = async (who: StaffFixture) => {
      const res = await h.app.inject({
        method: 'GET',
        url: `/staff/cases/${caseId}`,
        headers: { cookie: who.cookie },
      });
      expect(res.statusCode).toBe(200);
      return res.body;
    };

    it('counts what it watches: formatters, collators, a vault’s keys', () => {
      const before = { ...made };
      new Intl.DateTimeFormat('en', { timeZone: 'UTC' });
      new Intl.Collator('en');
      expect(made).toEqual({
        DateTimeFormat: before.DateTimeFormat + 1,
        Collator: before.Collator + 1,
      });
      new Vault(randomBytes(32));
      expect(vi.mocked(sodium.sodium_malloc).mock.calls.length).toBeGreaterThan(0);
    });

    it.each([
      ['a handler', () => handler],
      ['a coordinator, who also sees the audit trail', () => coordinator],
    ])('makes no formatter, collator or secure-memory buffer per view for %s', async (_, who) => {
      const page = await view(who()); // the first view may make what later views reuse
      expect(page).toContain('Check the account sessions.');
      const before = { ...made };
      vi.mocked(sodium.sodium_malloc).mockClear();
      for (let i = 0; i < 25; i++) await view(who());
      expect({
        DateTimeFormat: made.DateTimeFormat - before.DateTimeFormat,
        Collator: made.Collator - before.Collator,
        sodium_malloc: vi.mocked(sodium.sodium_malloc).mock.calls.length,
      }).toEqual({ DateTimeFormat: 0, Collator: 0, sodium_malloc: 0 });
    });
  });
}
