import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { everyCrashPoint } from '../../../test/crash-points.js';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { issueFormToken } from '../../platform/http/form-token.js';
import { isSpent } from '../../platform/http/spent-tokens.js';
import { submitRequest } from '../cases/index.js';
import { plainRequest } from '../vault/vault.test-helpers.js';
import { caseCount } from './intake.test-helpers.js';
import { deleteOwnRequest } from './deletion.service.js';
import { MESSAGE_FORM, openFollowup, REQUEST_FORM, resumeFollowup, sendFollowupMessage, submitOnce } from './intake.service.js';

// A crash at any instant of a requester's action leaves all of it or none of it, and the
// person can simply send the same form again: a request is never refused as "already sent"
// when nothing was saved, and never saved twice. Each test crashes the action at every one
// of its statements in turn (test/crash-points.ts).

const INPUT = plainRequest('They took my phone at the checkpoint.');

async function messageCount(h: Harness, caseId: number): Promise<number> {
  const r = await h.deps.db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('case_id', '=', caseId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

for (const engine of engines) {
  describe.skipIf(!engine.available)(`crash points in intake on ${engine.name}`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await createHarness(engine, { INTAKE_MIN_FILL_SECONDS: '0' });
    });
    afterAll(async () => h?.close());

    it('saves a request wholly or not at all, and the same form sent again comes out right', async () => {
      let token = '';
      let issuedAt = 0;
      let before = 0;
      const tried = await everyCrashPoint(
        h.deps.db,
        async (db) => {
          issuedAt = h.clock.now();
          token = issueFormToken(h.deps.vault.formKey, REQUEST_FORM, issuedAt);
          before = await caseCount(h);
          return submitOnce({ ...h.deps, db }, token, issuedAt, INPUT);
        },
        async (k) => {
          const saved = (await caseCount(h)) - before;
          const spent = await isSpent(h.deps.db, h.deps.vault.keyedHash('intake-form-token', token));
          expect([saved, spent], `crash at statement ${k}`).toEqual(saved === 1 ? [1, true] : [0, false]);
          // The person sends the same form again.
          const again = await submitOnce(h.deps, token, issuedAt, INPUT);
          expect(again.ok, `resend after a crash at statement ${k}`).toBe(saved === 0);
          expect(await caseCount(h), `one case after a crash at statement ${k}`).toBe(before + 1);
        },
      );
      // Every statement of the action was a crash point: the token, the budget and the case.
      expect(tried).toBeGreaterThanOrEqual(8);
    });

    it('adds a follow-up message wholly or not at all, and the same form sent again adds it once', async () => {
      const { caseId, receipt } = await submitRequest(h.deps, INPUT);
      const opened = await openFollowup(h.deps, receipt);
      expect(opened).not.toBeNull();
      let token = '';
      let body = '';
      let before = 0;
      const tried = await everyCrashPoint(
        h.deps.db,
        async (db, k) => {
          token = issueFormToken(h.deps.vault.formKey, MESSAGE_FORM, h.clock.now());
          body = `Message written at crash point ${k}`;
          before = await messageCount(h, caseId);
          return sendFollowupMessage({ ...h.deps, db }, opened!.session, body, { token, issuedAt: h.clock.now() });
        },
        async (k) => {
          const saved = (await messageCount(h, caseId)) - before;
          expect(saved, `crash at statement ${k}`).toBeLessThanOrEqual(1);
          const again = await sendFollowupMessage(h.deps, opened!.session, body, { token, issuedAt: h.clock.now() });
          expect(again, `resend after a crash at statement ${k}`).toBe(saved === 1 ? 'already_added' : 'added');
          expect(await messageCount(h, caseId)).toBe(before + 1);
        },
      );
      expect(tried).toBeGreaterThanOrEqual(4);
      // The same page used again for a different text is a new message, not a duplicate.
      const n = await messageCount(h, caseId);
      expect(await sendFollowupMessage(h.deps, opened!.session, 'A second thought', { token, issuedAt: h.clock.now() })).toBe('added');
      expect(await messageCount(h, caseId)).toBe(n + 1);
    });

    it('deletes a request wholly or not at all, and a person whose deletion did not happen can ask again', async () => {
      let caseId = 0;
      let cookie = '';
      const tried = await everyCrashPoint(
        h.deps.db,
        async (db) => {
          const saved = await submitRequest(h.deps, INPUT);
          caseId = saved.caseId;
          const opened = (await openFollowup(h.deps, saved.receipt))!;
          cookie = opened.cookie;
          return deleteOwnRequest({ ...h.deps, db }, opened.session);
        },
        async (k) => {
          const row = await h.deps.db.selectFrom('cases').select(['purged_at', 'status']).where('id', '=', caseId).executeTakeFirstOrThrow();
          const messages = await messageCount(h, caseId);
          const session = await resumeFollowup(h.deps, cookie);
          if (row.purged_at !== null) {
            // Deleted: nothing left to read, and the session is gone with it.
            expect([messages, session], `crash at statement ${k}`).toEqual([0, null]);
          } else {
            // Not deleted: everything is still there and the person asks again.
            expect(messages, `crash at statement ${k}`).toBe(1);
            expect(session, `crash at statement ${k}`).not.toBeNull();
            await deleteOwnRequest(h.deps, session!);
            expect(await messageCount(h, caseId)).toBe(0);
          }
        },
      );
      expect(tried).toBeGreaterThanOrEqual(4);
    });
  });
}
