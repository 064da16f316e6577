import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { newRequest, staffMember, type StaffFixture } from './case.fixtures.js';
import { replyToRequester, updateCase } from './case.service.js';
import { addRequesterMessage } from './requester.service.js';

// The cases module's domain events: each recorded in the transaction of its change (so a
// change that fails records none), with identifiers and codes only.

for (const engine of engines) {
  describe.skipIf(!engine.available)(`case events on ${engine.name}`, () => {
    let h: Harness;
    let handler: StaffFixture;
    let coordinator: StaffFixture;

    beforeAll(async () => {
      h = await createHarness(engine);
      handler = await staffMember(h.deps, 'handler');
      coordinator = await staffMember(h.deps, 'coordinator');
    });
    afterAll(async () => h?.close());
    beforeEach(async () => {
      await h.deps.db.deleteFrom('outbox_events').execute();
    });

    const events = async () =>
      (
        await h.deps.db
          .selectFrom('outbox_events')
          .select(['type', 'payload'])
          .orderBy('occurred_at')
          .execute()
      ).map((e) => ({
        type: e.type,
        payload: JSON.parse(e.payload) as Record<string, unknown>,
      }));

    it('records exactly one case.created for a submitted request, holding no text the person wrote', async () => {
      const { caseId } = await newRequest(h.deps, { urgency: 'preventive' });
      expect(await events()).toEqual([
        { type: 'case.created', payload: { caseId, urgency: 'preventive', spamReason: null } },
      ]);
      const stored = JSON.stringify(
        await h.deps.db.selectFrom('outbox_events').selectAll().execute(),
      );
      expect(stored).not.toContain('logging into my email');
      expect(stored).not.toContain('+52');
    });

    it('records none when the transaction the request joined fails', async () => {
      const cases = async () => (await h.deps.db.selectFrom('cases').select('id').execute()).length;
      const before = await cases();
      await expect(
        h.deps.db.transaction().execute(async (trx) => {
          await newRequest({ ...h.deps, db: trx });
          throw new Error('the form token was already spent');
        }),
      ).rejects.toThrow('the form token was already spent');
      expect(await cases()).toBe(before);
      expect(await events()).toEqual([]);
    });

    it('records case.assigned and case.status_changed from a change, nothing from a refused one', async () => {
      const { caseId } = await newRequest(h.deps);
      await h.deps.db.deleteFrom('outbox_events').execute();
      const res = await updateCase(
        h.deps,
        coordinator.principal,
        caseId,
        { assignee_id: handler.id, status: 'vetting' },
        1,
      );
      expect(res.ok).toBe(true);
      expect(await events()).toEqual([
        {
          type: 'case.assigned',
          payload: { caseId, from: null, to: handler.id, by: coordinator.id },
        },
        { type: 'case.status_changed', payload: { caseId, from: 'new', to: 'vetting' } },
      ]);
      await h.deps.db.deleteFrom('outbox_events').execute();
      // A stale version changes nothing and records nothing.
      expect(
        (await updateCase(h.deps, coordinator.principal, caseId, { status: 'open' }, 1)).ok,
      ).toBe(false);
      expect(await events()).toEqual([]);
    });

    it('records case.replied (and the status it moved to) and case.message_received', async () => {
      const { caseId } = await newRequest(h.deps);
      await h.deps.db.deleteFrom('outbox_events').execute();
      const reply = await replyToRequester(
        h.deps,
        handler.principal,
        caseId,
        'We are looking into it.',
      );
      expect(reply.ok).toBe(true);
      const messageId = reply.ok ? reply.value.message.id : '';
      expect(await events()).toEqual([
        { type: 'case.replied', payload: { caseId, messageId, by: handler.id } },
        { type: 'case.status_changed', payload: { caseId, from: 'new', to: 'open' } },
      ]);
      await h.deps.db.deleteFrom('outbox_events').execute();
      await addRequesterMessage(h.deps, caseId, 'Thank you, it happened again.');
      const [received, ...rest] = await events();
      expect(rest).toEqual([]);
      expect(received).toEqual({
        type: 'case.message_received',
        payload: { caseId, messageId: expect.any(String) },
      });
      expect(JSON.stringify(received)).not.toContain('happened again');
    });
  });
}
