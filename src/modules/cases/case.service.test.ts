import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { newRequest, staffMember, type StaffFixture } from './case.fixtures.js';
import { addNote, listQueue, replyToRequester, updateCase, viewCase } from './case.service.js';
import { addRequesterMessage } from './requester.service.js';

const MIN = 60_000;

for (const engine of engines) {
  describe.skipIf(!engine.available)(`case services on ${engine.name}`, () => {
    let h: Harness;
    let handler: StaffFixture;
    let coordinator: StaffFixture;

    beforeAll(async () => {
      h = await createHarness(engine);
      handler = await staffMember(h.deps, 'handler');
      coordinator = await staffMember(h.deps, 'coordinator');
    });
    afterAll(async () => h?.close());

    const row = (id: number) =>
      h.deps.db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

    it('records the first response once; later replies keep it, and vetting is not skipped', async () => {
      const { caseId } = await newRequest(h.deps);
      await updateCase(h.deps, handler.principal, caseId, { status: 'vetting' }, 1);
      h.clock.advance(10 * MIN);
      const first = h.clock.now();
      expect((await replyToRequester(h.deps, handler.principal, caseId, 'Hello')).ok).toBe(true);
      expect(await row(caseId)).toMatchObject({
        status: 'vetting',
        awaiting_reply: 0,
        first_response_at: first,
        last_activity_at: first,
        version: 3,
      });

      h.clock.advance(10 * MIN);
      await addRequesterMessage(h.deps, caseId, 'More details');
      expect((await row(caseId)).awaiting_reply).toBe(1);
      h.clock.advance(10 * MIN);
      await replyToRequester(h.deps, handler.principal, caseId, 'Thanks');
      expect(await row(caseId)).toMatchObject({ awaiting_reply: 0, first_response_at: first });
    });

    it('adds a note without touching the version, the clock or the reply state', async () => {
      const { caseId } = await newRequest(h.deps);
      const before = await row(caseId);
      h.clock.advance(MIN);
      const res = await addNote(h.deps, handler.principal, caseId, 'internal');
      expect(res.ok).toBe(true);
      const after = await row(caseId);
      expect(after).toMatchObject({
        version: before.version,
        awaiting_reply: 1,
        status: 'new',
        first_response_at: null,
        last_activity_at: before.last_activity_at,
        updated_at: h.clock.now(),
      });
    });

    it('writes nothing when a change changes nothing, and refuses a stale version', async () => {
      const { caseId } = await newRequest(h.deps);
      const same = await updateCase(
        h.deps,
        handler.principal,
        caseId,
        { language: 'es', country: 'MX' },
        1,
      );
      expect(same.ok && same.value.version).toBe(1);
      expect(await updateCase(h.deps, handler.principal, caseId, { severity: 'low' }, 7)).toEqual({
        ok: false,
        code: 'CONFLICT',
      });
      const cleared = await updateCase(h.deps, handler.principal, caseId, { country: null }, 1);
      expect(
        cleared.ok && [cleared.value.country, cleared.value.region, cleared.value.version],
      ).toEqual([null, null, 2]);
      expect(
        await updateCase(h.deps, handler.principal, caseId, {
          language: null as unknown as string,
        }),
      ).toEqual({ ok: false, code: 'VALIDATION_FAILED', field: 'language' });
    });

    it('keeps the whole change or none of it', async () => {
      const { caseId } = await newRequest(h.deps);
      const res = await updateCase(
        h.deps,
        coordinator.principal,
        caseId,
        { severity: 'high', status: 'closed' },
        1,
      );
      expect(res).toEqual({ ok: false, code: 'CASE_STATUS_TRANSITION', field: 'status' });
      expect(await row(caseId)).toMatchObject({ severity: null, status: 'new', version: 1 });
    });

    it('answers NOT_FOUND for a case that does not exist', async () => {
      expect(await viewCase(h.deps, handler.principal, 987654)).toEqual({
        ok: false,
        code: 'NOT_FOUND',
      });
      expect(await replyToRequester(h.deps, handler.principal, 987654, 'x')).toEqual({
        ok: false,
        code: 'NOT_FOUND',
      });
      expect(await updateCase(h.deps, handler.principal, 987654, { severity: 'low' })).toEqual({
        ok: false,
        code: 'NOT_FOUND',
      });
    });

    it('lists the queue in keyset pages that neither skip nor repeat a case', async () => {
      const q = await createHarness(engine);
      try {
        const me = await staffMember(q.deps, 'handler');
        const ids: number[] = [];
        for (let i = 0; i < 7; i++) {
          ids.push((await newRequest(q.deps)).caseId);
          // Two cases share each deadline, so the id breaks ties.
          if (i % 2) q.clock.advance(MIN);
        }
        await replyToRequester(q.deps, me.principal, ids[0]!, 'answered');
        const seen: number[] = [];
        let cursor: string | undefined;
        do {
          const page = await listQueue(q.deps, me.principal, {
            limit: 2,
            ...(cursor ? { cursor } : {}),
          });
          if (!page.ok) throw new Error(page.code);
          seen.push(...page.value.rows.map((r) => r.id));
          cursor = page.value.nextCursor ?? undefined;
        } while (cursor);
        expect(seen).toEqual([...ids.slice(1), ids[0]]);
      } finally {
        await q.close();
      }
    });
  });
}
