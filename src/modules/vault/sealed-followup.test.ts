import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { addRequesterMessage, moveSealedMessages, requesterView } from '../cases/index.js';
import { messageId } from '../cases/case.js';
import {
  postForm,
  receiptIn,
  signInWithReceipt,
  tokenIn,
  validRequest,
} from '../intake/intake.test-helpers.js';
import { SealedError } from '../../platform/crypto/vault.js';
import { engines } from '../../../test/engines.js';
import type { Harness } from '../../../test/harness.js';
import { signInAs } from '../../../test/staff-session.js';
import { finishRotation, startRotation, unseal } from './vault.service.js';
import { ANA, sealedHarness as sealedWith, unsealByForm } from './vault.test-helpers.js';

// A requester who writes again while a sealed instance is sealed (ADR 10): the case key cannot
// be unwrapped, so the message is sealed to the content public key, kept, and moved under the
// case key at the next unseal. Nothing is lost and nothing waits in plaintext.

const FIRST = 'MARKER-first-request-b71e';
const WHILE_SEALED = 'MARKER-written-while-sealed-4c0a';
const KEPT = 'MARKER-kept-through-sign-in-93d2';

const sealedHarness = (engine: (typeof engines)[number]) => sealedWith(engine, [ANA]);

async function messageRows(h: Harness, caseId: number) {
  return h.deps.db
    .selectFrom('messages')
    .select(['id', 'body_enc', 'sealed_to_key'])
    .where('case_id', '=', caseId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

function rawSqliteHas(dataDir: string, needle: string): boolean {
  return ['haven.db', 'haven.db-wal']
    .map((n) => join(dataDir, n))
    .filter((f) => existsSync(f))
    .some((f) => readFileSync(f).includes(Buffer.from(needle, 'utf8')));
}

for (const engine of engines) {
  describe.skipIf(!engine.available)(`a requester writing to a sealed instance on ${engine.name}`, () => {
    let h: Harness;
    afterEach(async () => {
      await h?.close();
    });

    it('keeps the form, seals the message to the content key, and a handler reads it after the unseal', async () => {
      h = await sealedHarness(engine);
      const created = await postForm(h, '/request', await validRequest(h, { description: FIRST }));
      expect(created.statusCode).toBe(201);
      const receipt = receiptIn(created.body);
      const caseId = (await h.deps.db.selectFrom('cases').select('id').executeTakeFirstOrThrow()).id;

      // The conversation page says why nothing can be shown, and still offers the form.
      const conv = await signInWithReceipt(h, receipt);
      expect(conv.html).toContain('id="records-locked"');
      expect(conv.html).not.toContain(FIRST);
      const sent = await postForm(h, '/followup/conversation', { _csrf: conv.csrf, body: WHILE_SEALED }, { cookie: conv.cookie });
      expect(sent.statusCode, sent.body).toBe(303);
      expect(sent.headers.location).toBe('/followup/conversation?sent=1');

      // A message kept through an ended session and sent with the code again: the same path.
      const page = await h.app.inject({ url: '/followup' });
      const again = await postForm(h, '/followup', { _csrf: tokenIn(page.body), receipt, message: KEPT });
      expect(again.statusCode, again.body).toBe(303);

      const activeKey = h.deps.vault.activeKeyId;
      const pending = (await messageRows(h, caseId)).filter((m) => m.sealed_to_key !== null);
      expect(pending).toHaveLength(2);
      for (const m of pending) {
        expect(m.sealed_to_key).toBe(activeKey);
        expect(m.body_enc.includes(Buffer.from(WHILE_SEALED))).toBe(false);
        expect(m.body_enc.includes(Buffer.from(KEPT))).toBe(false);
      }
      if (engine.name === 'sqlite') {
        expect(rawSqliteHas(h.dataDir, WHILE_SEALED)).toBe(false);
        expect(rawSqliteHas(h.dataDir, KEPT)).toBe(false);
      }
      // Sealed: even this process cannot open them.
      expect(() => h.deps.vault.openToKey(`case:${caseId}:message:${pending[0]!.id}`, pending[0]!.body_enc)).toThrow(SealedError);
      // The case needs an answer, as after any requester message.
      const c = await h.deps.db.selectFrom('cases').select(['awaiting_reply']).where('id', '=', caseId).executeTakeFirstOrThrow();
      expect(c.awaiting_reply).toBe(1);

      // The unseal moves both under the case key, and says so in the audit log.
      const res = await unsealByForm(h, ANA);
      expect(res.statusCode).toBe(303);
      expect((await messageRows(h, caseId)).every((m) => m.sealed_to_key === null)).toBe(true);
      const moved = await h.deps.db
        .selectFrom('audit_log')
        .select('detail')
        .where('action', '=', 'vault.sealed_messages_moved')
        .executeTakeFirstOrThrow();
      expect(JSON.parse(moved.detail!)).toEqual({ messages: 2 });

      const handler = await signInAs(h, 'handler');
      const view = await h.app.inject({ url: `/staff/cases/${caseId}`, headers: { cookie: handler.cookie } });
      expect(view.statusCode).toBe(200);
      for (const text of [FIRST, WHILE_SEALED, KEPT]) expect(view.body).toContain(text);

      // The requester now sees the whole conversation, in order, and no locked notice.
      const mine = await requesterView(h.deps, caseId);
      expect(mine.locked).toBe(false);
      expect(mine.messages.map((m) => m.body)).toEqual([FIRST, WHILE_SEALED, KEPT]);
    });

    it('reads a message not yet moved, and a rotation moves it before retiring the key it is sealed to', async () => {
      h = await sealedHarness(engine);
      const { caseId } = await (async () => {
        const r = await postForm(h, '/request', await validRequest(h, { description: FIRST }));
        expect(r.statusCode).toBe(201);
        return { caseId: (await h.deps.db.selectFrom('cases').select('id').executeTakeFirstOrThrow()).id };
      })();
      await addRequesterMessage(h.deps, caseId, WHILE_SEALED);
      const oldKey = h.deps.vault.activeKeyId;
      // Unlock the key without the unseal's own move, as if the message arrived during the unseal.
      const opened = await unseal(h.deps, { holder: ANA.name, passphrase: ANA.passphrase });
      expect(opened.ok).toBe(true);
      const id = messageId(h.clock.now());
      const late = h.deps.vault.sealToKey(`case:${caseId}:message:${id}`, KEPT);
      await h.deps.db
        .insertInto('messages')
        .values({ id, case_id: caseId, kind: 'requester', author_id: null, body_enc: late.sealed, sealed_to_key: late.keyId, created_at: h.clock.now() + 1 })
        .execute();

      // Readers open either form.
      expect((await messageRows(h, caseId)).filter((m) => m.sealed_to_key !== null)).toHaveLength(1);
      const handler = await signInAs(h, 'handler');
      const view = await h.app.inject({ url: `/staff/cases/${caseId}`, headers: { cookie: handler.cookie } });
      for (const text of [FIRST, WHILE_SEALED, KEPT]) expect(view.body).toContain(text);

      await startRotation(h.deps, 'ana');
      await finishRotation(h.deps);
      expect(h.deps.vault.openedKeyIds()).not.toContain(oldKey);
      expect((await messageRows(h, caseId)).every((m) => m.sealed_to_key === null)).toBe(true);
      const after = await requesterView(h.deps, caseId);
      expect(after.messages.map((m) => m.body)).toEqual([FIRST, WHILE_SEALED, KEPT]);
      // Nothing left to move.
      expect(await moveSealedMessages(h.deps)).toBe(0);
    });

    it('a requester deleting their request while sealed shreds the messages sealed to the content key too', async () => {
      h = await sealedHarness(engine);
      const r = await postForm(h, '/request', await validRequest(h, { description: FIRST }));
      const receipt = receiptIn(r.body);
      const caseId = (await h.deps.db.selectFrom('cases').select('id').executeTakeFirstOrThrow()).id;
      await addRequesterMessage(h.deps, caseId, WHILE_SEALED);
      const conv = await signInWithReceipt(h, receipt);
      const ask = await postForm(h, '/followup/delete', { _csrf: conv.csrf }, { cookie: conv.cookie });
      expect(ask.statusCode, ask.body).toBe(200);
      const confirm = await postForm(h, '/followup/delete/confirm', { _csrf: conv.csrf }, { cookie: conv.cookie });
      expect(confirm.statusCode, confirm.body).toBe(303);
      expect(await messageRows(h, caseId)).toEqual([]);
      const row = await h.deps.db.selectFrom('cases').select(['purged_at']).where('id', '=', caseId).executeTakeFirstOrThrow();
      expect(row.purged_at).not.toBeNull();
    });
  });
}
