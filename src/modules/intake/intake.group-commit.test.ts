import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { caseCount, postForm, receiptIn, tokenIn, validRequest } from './intake.test-helpers.js';
import { CaseKey } from '../../platform/crypto/vault.js';
import { intakeCommitStats } from './intake.service.js';

// Requests sent at the same time are saved in shared transactions (group commit, ADR 22):
// each still spends its own form token with its own case, one that cannot be saved leaves the
// others saved, and the hourly budget counts across them as it does one by one.

const BUDGET = 5;

for (const engine of engines) {
  describe.skipIf(!engine.available)(`public requests saved together on ${engine.name}`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await createHarness(engine, { INTAKE_BUDGET_PER_HOUR: String(BUDGET) });
    });
    afterAll(async () => h?.close());
    beforeEach(async () => {
      await h.deps.db.deleteFrom('rate_counts').where('name', '=', 'intake.accepted').execute();
    });

    async function forms(n: number) {
      const out: Record<string, string>[] = [];
      for (let i = 0; i < n; i++) out.push(await validRequest(h, { description: `Request number ${i}` }));
      return out;
    }

    it('saves parallel requests in shared transactions, each once, and refuses a copy sent with them', async () => {
      const before = await caseCount(h);
      const sent = await forms(12);
      const stats = () => ({ ...(intakeCommitStats(h.deps) ?? { transactions: 0, items: 0, fallbacks: 0 }) });
      const s0 = stats();
      // The first form twice, in the same burst: one case, one "already sent".
      const answers = await Promise.all([...sent, sent[0]!].map((f) => postForm(h, '/request', f)));
      const codes = answers.map((a) => a.statusCode);
      expect(codes.filter((c) => c === 201)).toHaveLength(12);
      expect(codes.filter((c) => c === 409)).toHaveLength(1);
      expect(await caseCount(h)).toBe(before + 12);
      // Every receipt is different and opens its own case.
      const receipts = answers.filter((a) => a.statusCode === 201).map((a) => receiptIn(a.body));
      expect(new Set(receipts).size).toBe(12);
      const s1 = stats();
      expect(s1.items - s0.items).toBe(13);
      expect(s1.transactions - s0.transactions).toBeLessThan(13);
      // Nothing failed: no batch ran again request by request.
      expect(s1.fallbacks - s0.fallbacks).toBe(0);
    });

    it('keeps the hourly budget across a shared transaction: the places left, then suspected spam', async () => {
      const sent = await forms(BUDGET + 3);
      // In waves, one turn of the event loop apart: on PostgreSQL the transactions overlap.
      const pending = [];
      for (let i = 0; i < sent.length; i += 2) {
        pending.push(...sent.slice(i, i + 2).map((f) => postForm(h, '/request', f)));
        await new Promise((r) => setImmediate(r));
      }
      const answers = await Promise.all(pending);
      expect(answers.map((a) => a.statusCode)).toEqual(sent.map(() => 201));
      const rows = await h.deps.db
        .selectFrom('cases')
        .select(['spam_reason'])
        .orderBy('id', 'desc')
        .limit(sent.length)
        .execute();
      expect(rows.filter((r) => r.spam_reason === null)).toHaveLength(BUDGET);
      expect(rows.filter((r) => r.spam_reason === 'over_budget')).toHaveLength(3);
      const counted = await h.deps.db
        .selectFrom('rate_counts')
        .select((eb) => eb.fn.sum<number | string>('count').as('n'))
        .where('name', '=', 'intake.accepted')
        .executeTakeFirstOrThrow();
      expect(Number(counted.n)).toBe(BUDGET);
    });

    it('answers one request that cannot be saved with its form back, and saves the others sent with it', async () => {
      const before = await caseCount(h);
      const sent = await forms(5);
      // The third request's description cannot be sealed, however often it is tried.
      const seal = CaseKey.prototype.seal;
      CaseKey.prototype.seal = function (field: string, text: string) {
        if (text === 'Request number 2') throw new Error('no key for this one');
        return seal.call(this, field, text);
      };
      const s0 = { ...intakeCommitStats(h.deps)! };
      let answers;
      try {
        answers = await Promise.all(sent.map((f) => postForm(h, '/request', f)));
      } finally {
        CaseKey.prototype.seal = seal;
      }
      // They were sent together: their batch failed, and each was saved again alone.
      expect(intakeCommitStats(h.deps)!.fallbacks - s0.fallbacks).toBe(1);
      const codes = answers.map((a) => a.statusCode).sort();
      expect(codes).toEqual([201, 201, 201, 201, 503]);
      expect(await caseCount(h)).toBe(before + 4);
      // Nothing of it was saved, its token included: sent again, it is saved.
      const failed = answers.findIndex((a) => a.statusCode === 503);
      expect(tokenIn(answers[failed]!.body)).not.toBe(sent[failed]!._csrf);
      const again = await postForm(h, '/request', sent[failed]!);
      expect(again.statusCode).toBe(201);
      expect(await caseCount(h)).toBe(before + 5);
      // The one that failed gave its place in the budget back: all five fit in it.
      const flags = await h.deps.db.selectFrom('cases').select('spam_reason').orderBy('id', 'desc').limit(5).execute();
      expect(flags.map((f) => f.spam_reason)).toEqual([null, null, null, null, null]);
    });
  });
}
