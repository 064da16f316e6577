import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { ACTIVE_STATUSES } from '../../contracts/case.js';
import { firstRequesterMessages, listQueuePage } from './case.repo.js';
import { newRequest, staffMember } from './case.fixtures.js';
import { replyToRequester } from './case.service.js';
import { addRequesterMessage } from './requester.service.js';

// A queue page and the first requester message of its first rows: PostgreSQL reads both in
// one statement, SQLite in two; either way, the messages are those firstRequesterMessages
// finds for the same rows, and none for the rows past `firstFor`.

for (const engine of engines) {
  describe.skipIf(!engine.available)(`a queue page's first messages on ${engine.name}`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await createHarness(engine);
    });
    afterAll(async () => h?.close());

    it('brings the first requester message of the first rows only, never a reply or a later message', async () => {
      const admin = await staffMember(h.deps, 'admin');
      const made = [];
      for (let i = 0; i < 3; i++)
        made.push(await newRequest(h.deps, { description: `request ${i}` }));
      // A reply and a follow-up come later: neither is the first requester message.
      expect((await replyToRequester(h.deps, admin.principal, made[0]!.caseId, 'a reply')).ok).toBe(
        true,
      );
      await addRequesterMessage(h.deps, made[0]!.caseId, 'a follow-up');
      const filter = { statuses: ACTIVE_STATUSES, suspectedSpam: 0 as const, limit: 3 };

      const { rows, firstMessages } = await listQueuePage(h.deps.db, h.deps.dialect, filter, 2);
      expect(rows).toHaveLength(3);
      const firstTwo = rows.slice(0, 2).map((r) => r.id);
      expect(firstMessages.map((m) => m.case_id).sort()).toEqual([...firstTwo].sort());
      const reference = await firstRequesterMessages(h.deps.db, firstTwo);
      const byCase = (ms: typeof reference) =>
        Object.fromEntries(
          ms.map((m) => [
            m.case_id,
            {
              id: m.id,
              body: m.body_enc.toString('hex'),
              key: m.key_wrapped.toString('hex'),
              purged: m.purged_at,
            },
          ]),
        );
      expect(byCase(firstMessages)).toEqual(byCase(reference));
      // The rows are those a page without messages lists, in the same order.
      const plain = await listQueuePage(h.deps.db, h.deps.dialect, filter, 0);
      expect(plain.firstMessages).toEqual([]);
      expect(plain.rows).toEqual(rows);
    });
  });
}
