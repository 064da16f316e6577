import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { sharedI18n } from '../../runtime.js';
import { caseIdForReceipt } from '../cases/index.js';
import { addStaffMessage, postForm, signInWithReceipt, submit, tokenIn } from './intake.test-helpers.js';

// The requester's "delete my request": conversation → confirmation page → confirm → deleted,
// through the real pages, in English and in Arabic (right to left).

const i18n = sharedI18n();

for (const engine of engines) {
  describe.skipIf(!engine.available)(`requester deletion on ${engine.name}`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await createHarness(engine);
    });
    afterAll(async () => h?.close());

    for (const lang of ['en', 'ar'] as const) {
      it(`deletes a request after confirmation, and ends the session (${lang})`, async () => {
        const t = (k: string) => i18n.format(lang, k);
        const q = lang === 'en' ? '' : `?lang=${lang}`;
        const receipt = await submit(h, { contact: 'deleteme@example.org' });
        const caseId = (await caseIdForReceipt(h.deps, receipt))!;
        await addStaffMessage(h, caseId, 'reply', 'We can help.');
        const { cookie } = await signInWithReceipt(h, receipt);

        const conv = await h.app.inject({ url: `/followup/conversation${q}`, headers: { cookie } });
        expect(conv.body).toContain(t('intake.conversation.delete'));
        expect(conv.body).toContain(`action="/followup/delete${q}"`);
        const csrf = tokenIn(conv.body);

        // The first step only asks: it says what goes, what stays, and that it is final.
        const ask = await postForm(h, `/followup/delete${q}`, { _csrf: csrf }, { cookie });
        expect(ask.statusCode).toBe(200);
        expect(ask.body).toContain(`lang="${lang}"`);
        expect(ask.body).toContain(`dir="${lang === 'ar' ? 'rtl' : 'ltr'}"`);
        for (const k of ['intake.delete.item_messages', 'intake.delete.item_contact', 'intake.delete.item_code', 'intake.delete.cannot_undo', 'intake.delete.confirm']) {
          expect(ask.body).toContain(t(k));
        }
        expect(ask.body).toContain(`action="/followup/delete/confirm${q}"`);
        const kept = await h.deps.db.selectFrom('cases').select('purged_at').where('id', '=', caseId).executeTakeFirstOrThrow();
        expect(kept.purged_at).toBeNull();

        const done = await postForm(h, `/followup/delete/confirm${q}`, { _csrf: tokenIn(ask.body) }, { cookie });
        expect(done.statusCode).toBe(303);
        expect(done.headers.location).toBe(`/followup/deleted${q}`);
        const cleared = done.cookies.find((c) => c.name === 'haven_followup');
        expect(cleared?.value).toBe('');

        const row = await h.deps.db.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirstOrThrow();
        expect(row.purged_at).toBe(h.clock.now());
        expect(row.purge_rule).toBe('requester');
        expect(row.key_wrapped.length).toBe(0);
        expect(row.contact_enc).toBeNull();
        const messages = await h.deps.db.selectFrom('messages').select('id').where('case_id', '=', caseId).execute();
        expect(messages).toEqual([]);
        const audit = await h.deps.db.selectFrom('audit_log').selectAll().where('case_id', '=', caseId).where('action', '=', 'case.purged').execute();
        expect(audit).toHaveLength(1);
        expect(audit[0]!.actor_kind).toBe('requester');

        const page = await h.app.inject({ url: done.headers.location as string });
        expect(page.statusCode).toBe(200);
        expect(page.body).toContain(t('intake.deleted.title'));

        // The old cookie opens nothing; the code opens nothing.
        const again = await h.app.inject({ url: '/followup/conversation', headers: { cookie } });
        expect(again.statusCode).toBe(303);
        expect(await caseIdForReceipt(h.deps, receipt)).toBeNull();
        const form = await h.app.inject({ url: '/followup' });
        const retry = await postForm(h, '/followup', { _csrf: tokenIn(form.body), receipt });
        expect(retry.statusCode).toBe(422);
      });
    }

    it('does nothing without the session token, or without a session', async () => {
      const receipt = await submit(h);
      const caseId = (await caseIdForReceipt(h.deps, receipt))!;
      const { cookie } = await signInWithReceipt(h, receipt);
      for (const url of ['/followup/delete', '/followup/delete/confirm']) {
        const bad = await postForm(h, url, { _csrf: 'not-the-token' }, { cookie });
        expect(bad.statusCode, url).toBe(403);
        const none = await postForm(h, url, { _csrf: 'x' });
        expect(none.statusCode, url).toBe(303);
        expect(none.headers.location).toBe('/followup?done=expired');
      }
      const row = await h.deps.db.selectFrom('cases').select('purged_at').where('id', '=', caseId).executeTakeFirstOrThrow();
      expect(row.purged_at).toBeNull();
      expect(await caseIdForReceipt(h.deps, receipt)).toBe(caseId);
    });
  });
}
