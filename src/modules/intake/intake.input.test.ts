import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import type { MessageValues } from '../../platform/i18n/index.js';
import { caseIdForReceipt, LIMITS, requesterView } from '../cases/index.js';
import { fill } from '../../../test/fill.js';
import {
  addStaffMessage,
  caseCount,
  postForm,
  receiptIn,
  signInWithReceipt,
  submit,
  tokenIn,
  validRequest,
} from './intake.test-helpers.js';

// What people write, in any script, reaches the helpline whole; what no typed text contains
// is refused with a message, never a 500; and what is shown back cannot pretend to be
// something else. The public side of the input-handling rules (docs/threat-model.md).

/** Texts of the longest length a requester may send, in scripts whose characters encode long. */
const SCRIPTS: Record<string, string> = {
  Arabic: 'نتعرض لهجوم رقمي على هواتفنا،',
  Cyrillic: 'Нас взламывают, помогите,',
  CJK: '我们的办公室电脑在边境被没收了。',
  'emoji-heavy': '🔒📱🆘👩‍💻🇰🇪!',
};

/** The same escaping Preact applies to text, to find a message in a page. */
const html = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

for (const engine of engines) {
  describe.skipIf(!engine.available)(`public input handling on ${engine.name}`, () => {
    let h: Harness;
    const said = (locale: string, key: string, values?: MessageValues) =>
      html(h.deps.i18n.format(locale, key, values));
    beforeAll(async () => {
      h = await createHarness(engine);
    });
    afterAll(async () => {
      await h?.close();
    });

    describe('long requests in any script', () => {
      for (const [script, pattern] of Object.entries(SCRIPTS)) {
        it(`accepts and saves ${LIMITS.descriptionMax.toLocaleString('en')} ${script} characters, and a message as long`, async () => {
          const description = fill(pattern, LIMITS.descriptionMax);
          expect(description.length).toBe(LIMITS.descriptionMax);
          const receipt = await submit(h, { description, contact_method: 'none', contact: '' });
          const caseId = (await caseIdForReceipt(h.deps, receipt))!;
          expect((await requesterView(h.deps, caseId)).messages[0]!.body).toBe(description);

          const message = fill([...pattern].reverse().join(''), LIMITS.messageMax);
          const { cookie, csrf } = await signInWithReceipt(h, receipt);
          const sent = await postForm(
            h,
            '/followup/conversation',
            { _csrf: csrf, body: message },
            { cookie },
          );
          expect(sent.statusCode).toBe(303);
          const bodies = (await requesterView(h.deps, caseId)).messages.map((m) => m.body);
          expect(bodies).toHaveLength(2);
          expect(bodies[1]).toBe(message);
        });
      }

      it('counts a line break as one character, as the person sees it', async () => {
        // Browsers send a textarea's line breaks as CRLF.
        const description = fill('سطر\r\n', LIMITS.descriptionMax + 3000);
        const receipt = await submit(h, { description });
        const caseId = (await caseIdForReceipt(h.deps, receipt))!;
        expect((await requesterView(h.deps, caseId)).messages[0]!.body).toBe(
          description.replace(/\r\n?/g, '\n').trim(),
        );
      });

      it('refuses one character more with 422 and the message next to the field; nothing is saved', async () => {
        const before = await caseCount(h);
        const res = await postForm(h, '/request', {
          ...(await validRequest(h)),
          description: fill(SCRIPTS.Arabic!, LIMITS.descriptionMax + 1),
        });
        expect(res.statusCode).toBe(422);
        expect(res.body).toContain(said('en', 'intake.error.description_too_long'));
        expect(res.body).toContain('id="e-description"');
        expect(await caseCount(h)).toBe(before);
      });

      it('answers a body beyond its limit with 413: how long a text may be, nothing saved, go back (en, ar)', async () => {
        const before = await caseCount(h);
        for (const lang of ['en', 'ar']) {
          const res = await postForm(h, `/request?lang=${lang}`, {
            ...(await validRequest(h)),
            description: fill(SCRIPTS.CJK!, 25_000), // 225,000 bytes once encoded
          });
          expect(res.statusCode, lang).toBe(413);
          expect(res.body).toContain(
            `<html lang="${lang}" dir="${lang === 'ar' ? 'rtl' : 'ltr'}">`,
          );
          expect(res.body).toContain(
            said(lang, 'common.error.too_large_text', { max: LIMITS.descriptionMax }),
          );
          expect(res.body).toContain(said(lang, 'common.error.go_back'));
        }
        const en = await postForm(h, '/request', {
          ...(await validRequest(h)),
          description: fill(SCRIPTS.CJK!, 25_000),
        });
        expect(en.body).toContain('up to 20,000 characters');
        expect(en.body).toContain('Nothing was saved.');
        expect(en.body).toContain('Going back in your browser usually keeps what you typed');
        const ar = await postForm(h, '/request?lang=ar', {
          ...(await validRequest(h)),
          description: fill(SCRIPTS.CJK!, 25_000),
        });
        expect(ar.body).toContain('20,000 حرف');
        expect(ar.body).toContain('لم يتم حفظ أي شيء');
        expect(await caseCount(h)).toBe(before);
      });

      it('gives the follow-up forms the same room', async () => {
        const receipt = await submit(h);
        const { cookie, csrf } = await signInWithReceipt(h, receipt);
        const tooLong = await postForm(
          h,
          '/followup/conversation',
          { _csrf: csrf, body: fill(SCRIPTS.CJK!, 25_000) },
          { cookie },
        );
        expect(tooLong.statusCode).toBe(413);
        expect(tooLong.body).toContain('up to 20,000 characters');
        const page = await h.app.inject({ url: '/followup' });
        const kept = await postForm(h, '/followup', {
          _csrf: tokenIn(page.body),
          receipt,
          message: fill(SCRIPTS.Cyrillic!, LIMITS.messageMax),
        });
        expect(kept.statusCode).toBe(303);
      });
    });

    describe('control characters', () => {
      it('refuses a NUL anywhere in the request form with 422, in the person’s language; nothing is saved', async () => {
        const before = await caseCount(h);
        const changes: Record<string, string>[] = [
          { description: 'help\0' },
          { contact: 'safe@example.org\0' },
          { country: 'KE\0' },
          { _csrf: '\0' },
          { website: '\0' },
        ];
        for (const change of changes) {
          const res = await postForm(h, '/request?lang=ru', {
            ...(await validRequest(h)),
            ...change,
          });
          expect(res.statusCode, JSON.stringify(change)).toBe(422);
          expect(res.body).toContain(said('ru', 'common.error.control_chars'));
        }
        expect(await caseCount(h)).toBe(before);
      });

      it('refuses other control characters with the message next to the field, and shows the text again without them', async () => {
        const before = await caseCount(h);
        const res = await postForm(h, '/request?lang=ar', {
          ...(await validRequest(h)),
          description: 'رسالة\x0Bمنسوخة\x07 من برنامج',
        });
        expect(res.statusCode).toBe(422);
        expect(res.body).toContain(said('ar', 'common.form.control_chars'));
        expect(res.body).toMatch(
          /<textarea[^>]*name="description"[^>]*dir="auto"[^>]*>رسالةمنسوخة من برنامج<\/textarea>/,
        );
        expect(res.body.includes('\x07') || res.body.includes('\x0B')).toBe(false);
        expect(await caseCount(h)).toBe(before);
      });

      it('refuses a NUL in the receipt box and in a follow-up message with 422', async () => {
        const receipt = await submit(h);
        const page = await h.app.inject({ url: '/followup' });
        const box = await postForm(h, '/followup', {
          _csrf: tokenIn(page.body),
          receipt: `${receipt}\0`,
        });
        expect(box.statusCode).toBe(422);
        expect(box.headers['set-cookie']).toBeUndefined();
        const { cookie, csrf } = await signInWithReceipt(h, receipt);
        const caseId = (await caseIdForReceipt(h.deps, receipt))!;
        const nul = await postForm(
          h,
          '/followup/conversation',
          { _csrf: csrf, body: 'a\0b' },
          { cookie },
        );
        expect(nul.statusCode).toBe(422);
        const bell = await postForm(
          h,
          '/followup/conversation',
          { _csrf: csrf, body: 'a\x07b' },
          { cookie },
        );
        expect(bell.statusCode).toBe(422);
        expect(bell.body).toContain(said('en', 'common.form.control_chars'));
        expect((await requesterView(h.deps, caseId)).messages).toHaveLength(1);
      });
    });

    describe('receipts pasted from a PDF, a chat or a phone keyboard', () => {
      it('opens the conversation', async () => {
        const receipt = await submit(h);
        const wide = [...receipt]
          .map((c) => (c === '-' ? '\u00A0' : String.fromCharCode(c.charCodeAt(0) + 0xfee0)))
          .join('');
        for (const typed of [
          `\uFEFF${receipt}`,
          receipt.replace(/-/g, '\u200B'),
          wide,
          ` ${receipt.toLowerCase()}\u200B `,
        ]) {
          const page = await h.app.inject({ url: '/followup' });
          const res = await postForm(h, '/followup', { _csrf: tokenIn(page.body), receipt: typed });
          expect(res.statusCode, JSON.stringify(typed)).toBe(303);
        }
      });
    });

    describe('direction controls in a contact address', () => {
      it('refuses them with a message, shows the address again without them, and accepts it then', async () => {
        const before = await caseCount(h);
        const fields = {
          ...(await validRequest(h)),
          contact_method: 'email',
          contact: 'safe@example.org\u202Egro.live',
        };
        const res = await postForm(h, '/request?lang=ar', fields);
        expect(res.statusCode).toBe(422);
        expect(res.body).toContain(said('ar', 'intake.error.contact_hidden'));
        expect(res.body).toContain('value="safe@example.orggro.live"');
        expect(res.body).not.toContain('\u202E');
        expect(await caseCount(h)).toBe(before);
        // A phone number copied with its invisible direction marks, as some phones copy them.
        const phone = await postForm(h, '/request', {
          ...(await validRequest(h)),
          contact_method: 'phone',
          contact: '\u202A+44 20 7946 0958\u202C',
        });
        expect(phone.statusCode).toBe(422);
        expect(phone.body).toContain('value="+44 20 7946 0958"');
        const again = await postForm(h, '/request', {
          ...(await validRequest(h)),
          contact_method: 'phone',
          contact: '+44 20 7946 0958',
        });
        expect(again.statusCode).toBe(201);
      });
    });

    describe('what the requester reads', () => {
      it('shows every message in its own direction, and the answer boxes too', async () => {
        const receipt = await submit(h, { description: 'نحن بحاجة إلى مساعدة' });
        const caseId = (await caseIdForReceipt(h.deps, receipt))!;
        await addStaffMessage(h, caseId, 'reply', 'Hello \u202Eevil\u202C, we read you.');
        const { html: page } = await signInWithReceipt(h, receipt);
        expect(page).toContain('<p class="body" dir="auto">نحن بحاجة إلى مساعدة</p>');
        expect(page).toContain(
          '<p class="body" dir="auto">Hello \u202Eevil\u202C, we read you.</p>',
        );
        expect(page).toMatch(/<textarea[^>]*name="body"[^>]*dir="auto"/);
        const form = await h.app.inject({ url: '/request' });
        expect(form.body).toMatch(/<textarea[^>]*name="description"[^>]*dir="auto"/);
        expect(form.body).toMatch(/<input[^>]*name="contact"[^>]*dir="auto"/);
        const receiptPage = await postForm(h, '/request', await validRequest(h));
        expect(receiptIn(receiptPage.body)).toMatch(/^[0-9A-Z-]+$/);
      });
    });
  });
}
