import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, NO_FLOOR_WAIT, type Harness } from '../../../test/harness.js';
import { caseIdForReceipt, LIMITS } from '../cases/index.js';
import { FOLLOWUP_FLOOR_MS, useFloorTimer } from './followup-floor.js';
import { FOLLOWUP_IDLE_MS } from './intake.service.js';
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

const PAGES = ['/', '/request', '/followup'];

/**
 * Puts the follow-up floor of `h` on a clock that moves only when the floor waits, for the
 * current test, and returns the waits it asks for, in order (no real time passes).
 */
function recordFloorWaits(h: Harness): number[] {
  let now = 0;
  const waits: number[] = [];
  useFloorTimer(h.deps, {
    now: () => now,
    sleep: async (ms) => {
      waits.push(ms);
      now += ms;
    },
  });
  onTestFinished(() => useFloorTimer(h.deps, NO_FLOOR_WAIT));
  return waits;
}

for (const engine of engines) {
  describe.skipIf(!engine.available)(`public intake on ${engine.name}`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await createHarness(engine);
    });
    afterAll(async () => {
      await h?.close();
    });

    describe('every public page', () => {
      it('has a strict CSP with no script source, no script, no outside resource', async () => {
        for (const url of PAGES) {
          const res = await h.app.inject({ url });
          expect(res.statusCode, url).toBe(200);
          const csp = String(res.headers['content-security-policy']);
          expect(csp).toContain("default-src 'none'");
          expect(csp).not.toContain('script-src');
          expect(res.headers['cache-control']).toBe('no-store');
          expect(res.body).not.toMatch(/<script/i);
          expect(res.body).not.toMatch(/\sstyle=/i);
          expect(res.body).not.toMatch(/(src|href)="(https?:)?\/\//i);
        }
      });

      it('follows the browser language, right to left in Arabic', async () => {
        const ar = await h.app.inject({
          url: '/',
          headers: { 'accept-language': 'ar-EG,ar;q=0.9' },
        });
        expect(ar.body).toContain('<html lang="ar" dir="rtl">');
        expect(ar.headers['content-language']).toBe('ar');
        const fr = await h.app.inject({ url: '/request', headers: { 'accept-language': 'fr-CA' } });
        expect(fr.body).toContain('<html lang="fr" dir="ltr">');
        expect(fr.body).toContain('Que se passe-t-il');
      });

      it('switches language with a plain ?lang= link, and keeps it on every link and form', async () => {
        const res = await h.app.inject({ url: '/?lang=ru', headers: { 'accept-language': 'en' } });
        expect(res.body).toContain('<html lang="ru" dir="ltr">');
        expect(res.body).toContain('href="/request?lang=ru"');
        expect(res.body).toContain('href="/followup?lang=ru"');
        expect(res.body).toContain('class="brand" href="/?lang=ru"');
        for (const l of ['en', 'es', 'fr', 'ar', 'ru'])
          expect(res.body).toContain(`href="/?lang=${l}"`);
        const form = await h.app.inject({ url: '/request?lang=ar' });
        expect(form.body).toContain('action="/request?lang=ar"');
        const unknown = await h.app.inject({
          url: '/?lang=xx',
          headers: { 'accept-language': 'es' },
        });
        expect(unknown.body).toContain('<html lang="es"');
      });

      it('answers an unknown page with a 404 in the person’s language', async () => {
        const res = await h.app.inject({ url: '/nowhere', headers: { 'accept-language': 'es' } });
        expect(res.statusCode).toBe(404);
        expect(res.body).toContain('<html lang="es"');
        expect(res.body).not.toMatch(/<script/i);
      });
    });

    describe('landing page', () => {
      it('says what happens to what they write and how to stay safe, with a start button', async () => {
        const res = await h.app.inject({ url: '/' });
        expect(res.body).toContain('class="button" href="/request"');
        expect(res.body).toContain('href="/followup"');
        expect(res.body).toContain('Tor Browser');
        expect(res.body).toContain('IP address');
      });
    });

    describe('request form', () => {
      it('shows every question, preferred language defaulting to the page language', async () => {
        const res = await h.app.inject({ url: '/request', headers: { 'accept-language': 'es' } });
        expect(res.statusCode).toBe(200);
        for (const name of [
          'description',
          'urgency',
          'country',
          'language',
          'contact_method',
          'contact',
          'beneficiary',
          'consent',
          '_csrf',
        ]) {
          expect(res.body, name).toContain(`name="${name}"`);
        }
        expect(res.body).toMatch(/<option value="es" selected/);
        expect(res.body).toMatch(/value="none" checked/);
        expect(res.body).toContain('value="reactive"');
        expect(res.body).toContain('value="KE"');
        expect(res.body).toContain('value="journalist"');
      });

      it('saves a valid request and shows its receipt once (201, no redirect, no cookie)', async () => {
        const before = await caseCount(h);
        const res = await postForm(h, '/request', await validRequest(h));
        expect(res.statusCode).toBe(201);
        expect(res.headers['set-cookie']).toBeUndefined();
        expect(res.headers['cache-control']).toBe('no-store');
        const receipt = receiptIn(res.body);
        expect(receipt).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$/);
        expect(res.body).toContain('<p id="receipt" class="receipt">');
        expect(res.body).not.toContain('?lang=es'); // the language links are hidden on this page
        expect(res.body).not.toMatch(/<script/i);
        expect(await caseCount(h)).toBe(before + 1);
        expect(await caseIdForReceipt(h.deps, receipt)).not.toBeNull();
        const stored = await h.deps.db.selectFrom('cases').select('receipt_hash').execute();
        expect(stored.map((r) => r.receipt_hash).join()).not.toContain(receipt.replace(/-/g, ''));
      });

      it('shows the receipt in groups that never break inside, and copies as the exact code', async () => {
        const res = await postForm(h, '/request', await validRequest(h));
        expect(res.statusCode).toBe(201);
        const receipt = receiptIn(res.body);
        const [, inner] = /<p id="receipt" class="receipt">([\s\S]*?)<\/p>/.exec(res.body)!;
        // Each group, with the hyphen after it, in its own span; a line may end only after one.
        const groups = receipt.split('-');
        expect(groups).toHaveLength(5);
        expect(inner).toBe(
          groups.map((g, i) => (i < groups.length - 1 ? `<span>${g}-</span><wbr/>` : `<span>${g}</span>`)).join(''),
        );
        // Nothing but the code is in the text a person selects and copies.
        expect(inner!.replace(/<[^>]*>/g, '')).toBe(receipt);
        const css = await h.app.inject({ url: /href="(\/[^"]+\.css)"/.exec(res.body)![1]! });
        expect(css.body).toMatch(/\.receipt span\{white-space:nowrap\}/);
        expect(/\.receipt\{[^}]*\}/.exec(css.body)![0]).not.toMatch(/overflow-wrap|word-break/);
      });

      it('accepts a request with only the required answers', async () => {
        const res = await postForm(h, '/request', {
          ...(await validRequest(h)),
          urgency: '',
          country: '',
          contact_method: 'none',
          contact: '',
          beneficiary: '',
        });
        expect(res.statusCode).toBe(201);
      });

      it('does not open a second case when the same form is sent again (reload, double click)', async () => {
        const fields = await validRequest(h);
        const first = await postForm(h, '/request', fields);
        expect(first.statusCode).toBe(201);
        const count = await caseCount(h);
        const again = await postForm(h, '/request', fields);
        expect(again.statusCode).toBe(409);
        expect(again.body).not.toContain('id="receipt"');
        expect(again.body).toContain('already sent');
        expect(await caseCount(h)).toBe(count);
        // Both at once: exactly one wins.
        const twin = await validRequest(h);
        const both = await Promise.all([
          postForm(h, '/request', twin),
          postForm(h, '/request', twin),
        ]);
        expect(both.map((r) => r.statusCode).sort()).toEqual([201, 409]);
        expect(await caseCount(h)).toBe(count + 1);
      });

      const bad: [string, Record<string, string>, string][] = [
        ['description', { description: '   ' }, 'Tell us what is happening'],
        ['description', { description: 'x'.repeat(LIMITS.descriptionMax + 1) }, 'This is too long'],
        ['urgency', { urgency: 'tomorrow' }, 'Choose one of the answers, or “I don’t know”'],
        ['country', { country: 'ZZ' }, 'Choose a country from the list'],
        ['language', { language: 'xx' }, 'Choose a language from the list'],
        ['language', { language: '' }, 'Choose a language from the list'],
        ['contact_method', { contact_method: 'pigeon' }, 'Choose a way to contact you'],
        ['contact', { contact_method: 'email', contact: '' }, 'Write the address or number'],
        [
          'contact',
          { contact_method: 'email', contact: 'not-an-address' },
          'Write an email address',
        ],
        ['contact', { contact_method: 'phone', contact: '12ab' }, 'Write a phone number'],
        ['contact', { contact_method: 'signal', contact: 'x' }, 'Signal username'],
        [
          'contact',
          { contact_method: 'other', contact: 'y'.repeat(LIMITS.contactMax + 1) },
          'too long for an address',
        ],
        ['beneficiary', { beneficiary: 'spy' }, 'Choose an answer from the list'],
        ['consent', { consent: '' }, 'Tick the box'],
        ['consent', { consent: 'no' }, 'Tick the box'],
      ];
      for (const [field, change, message] of bad) {
        it(`refuses a bad ${field} (${JSON.stringify(change).slice(0, 50)}) with 422, the message next to it, and keeps what was typed`, async () => {
          const before = await caseCount(h);
          const fields = {
            ...(await validRequest(h)),
            description: 'Keep this text <b>safe</b> & sound',
            ...change,
          };
          const res = await postForm(h, '/request', fields);
          expect(res.statusCode).toBe(422);
          expect(res.body).toContain('class="error-summary"');
          expect(res.body).toContain(`href="#f-${field}"`);
          expect(res.body).toContain(`id="e-${field}"`);
          expect(res.body).toContain(message);
          expect(res.body).toMatch(/<title>Error: /);
          if (field !== 'description')
            expect(res.body).toContain('Keep this text &lt;b>safe&lt;/b> &amp; sound');
          expect(await caseCount(h)).toBe(before);
        });
      }

      it('accepts phone numbers, Signal numbers and usernames as people write them', async () => {
        for (const [method, contact] of [
          ['phone', '+44 (20) 7946-0958'],
          ['signal', '+7 495 123 45 67'],
          ['signal', 'quiet_fox.42'],
          ['email', 'ana.maria@correo.example'],
          ['other', 'Wire: @someone'],
        ]) {
          const res = await postForm(h, '/request', {
            ...(await validRequest(h)),
            contact_method: method!,
            contact: contact!,
          });
          expect(res.statusCode, `${method} ${contact}`).toBe(201);
        }
      });

      it('shows every problem at once, in the person’s language', async () => {
        const res = await postForm(
          h,
          '/request',
          { ...(await validRequest(h)), description: '', consent: '', contact: 'nope' },
          { 'accept-language': 'es' },
        );
        expect(res.statusCode).toBe(422);
        expect(res.body).toContain('Cuéntanos qué está pasando');
        expect(res.body).toContain('Marca la casilla');
        expect(res.body).toContain('Escribe una dirección de correo');
      });

      it('joins each label and its message in the error summary without doubled punctuation', async () => {
        for (const [lang, line] of [
          ['en', 'What is happening? Tell us what is happening'],
          ['es', '¿Qué está pasando? Cuéntanos qué está pasando'],
          ['fr', 'Que se passe-t-il\u00A0? '],
          ['ar', 'ماذا يحدث؟ '],
          ['ru', 'Что происходит? '],
        ]) {
          const res = await postForm(h, `/request?lang=${lang}`, { ...(await validRequest(h)), description: '' });
          expect(res.statusCode, lang).toBe(422);
          const summary = /<div class="error-summary"[\s\S]*?<\/div>/.exec(res.body)![0];
          expect(summary, lang).toContain(line!);
          expect(summary, lang).not.toMatch(/[?؟]\s*:/u);
        }
      });

      it('refuses a repeated field without losing the rest', async () => {
        const res = await postForm(h, '/request', {
          ...(await validRequest(h)),
          urgency: ['reactive', 'preventive'],
        } as Record<string, string | string[]>);
        expect(res.statusCode).toBe(422);
        expect(res.body).toContain('href="#f-urgency"');
        expect(res.body).toContain('Our office laptop was seized');
      });

      for (const [why, token] of [
        ['missing', undefined],
        ['forged', 'abc.def.ghi'],
        ['malformed', 'nonsense'],
      ] as const) {
        it(`re-renders with a clear message and keeps the text when the form token is ${why}`, async () => {
          const before = await caseCount(h);
          const fields = await validRequest(h, { description: 'Do not lose this, please.' });
          if (token === undefined) delete (fields as Record<string, string | undefined>)._csrf;
          else fields._csrf = token;
          const res = await postForm(h, '/request', fields);
          expect(res.statusCode).toBe(403);
          expect(res.body).toContain('Nothing you wrote is lost');
          expect(res.body).toContain('Do not lose this, please.');
          expect(res.body).toContain('value="safe@example.org"');
          expect(await caseCount(h)).toBe(before);
          // The new token on that page works.
          const retry = await postForm(h, '/request', { ...fields, _csrf: tokenIn(res.body) });
          expect(retry.statusCode).toBe(201);
        });
      }

      it('treats an expired form token the same way (the form was open for more than 6 hours)', async () => {
        const fields = await validRequest(h, { description: 'Written slowly over a bad link.' });
        h.clock.advance(7 * 60 * 60 * 1000);
        const res = await postForm(h, '/request', fields);
        expect(res.statusCode).toBe(403);
        expect(res.body).toContain('Written slowly over a bad link.');
      });

      it('refuses a token made for another form', async () => {
        const followup = await h.app.inject({ url: '/followup' });
        const res = await postForm(h, '/request', {
          ...(await validRequest(h)),
          _csrf: tokenIn(followup.body),
        });
        expect(res.statusCode).toBe(403);
      });

      it('keeps the answers when saving fails, saves nothing, and lets the same form be sent again', async () => {
        const hf = await createHarness(engine);
        try {
          const fields = await validRequest(hf, { description: 'Typed during an outage.' });
          // Break the audit log, which the case is written with in one transaction.
          await hf.deps.db.schema.alterTable('audit_log').renameTo('audit_log_away').execute();
          const res = await postForm(hf, '/request', fields);
          expect(res.statusCode).toBe(503);
          expect(res.body).toContain('We could not save your request just now');
          expect(res.body).toContain('Typed during an outage.');
          expect(res.body).toContain('value="safe@example.org"');
          expect(await caseCount(hf)).toBe(0);
          await hf.deps.db.schema.alterTable('audit_log_away').renameTo('audit_log').execute();
          const again = await postForm(hf, '/request', fields);
          expect(again.statusCode).toBe(201);
          expect(await caseCount(hf)).toBe(1);
        } finally {
          await hf.close();
        }
      });

      it('refuses an oversized body with a clear 413 page, in the person’s language', async () => {
        const before = await caseCount(h);
        // Beyond the form's own limit, which leaves room for 20,000 characters in any script.
        const fields = await validRequest(h, { description: 'x'.repeat(250_000) });
        const res = await postForm(h, '/request', fields, { 'accept-language': 'fr' });
        expect(res.statusCode).toBe(413);
        expect(res.body).toContain('<html lang="fr"');
        expect(res.body).toContain('trop long');
        expect(res.body).not.toMatch(/<script/i);
        expect(await caseCount(h)).toBe(before);
      });

      it('answers malformed bodies with an error page and saves nothing', async () => {
        const before = await caseCount(h);
        const broken = await h.app.inject({
          method: 'POST',
          url: '/request',
          payload: '{"description":',
          headers: { 'content-type': 'application/json' },
        });
        expect(broken.statusCode).toBeGreaterThanOrEqual(400);
        expect(broken.statusCode).toBeLessThan(500);
        expect(broken.headers['content-type']).toMatch(/text\/html/);
        const plain = await h.app.inject({
          method: 'POST',
          url: '/request',
          payload: 'hello',
          headers: { 'content-type': 'text/plain' },
        });
        expect(plain.statusCode).toBeGreaterThanOrEqual(400);
        expect(plain.statusCode).toBeLessThan(500);
        const empty = await h.app.inject({
          method: 'POST',
          url: '/request',
          payload: '',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
        expect(empty.statusCode).toBe(403);
        const garbage = await h.app.inject({
          method: 'POST',
          url: '/request',
          payload: '%%%&&&==description=%ZZ',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
        expect([403, 422, 400]).toContain(garbage.statusCode);
        expect(await caseCount(h)).toBe(before);
      });
    });

    describe('a body that cannot be read', () => {
      it('answers 400 for broken JSON and 415 for an unknown content type, as a page in the person’s language', async () => {
        const before = await caseCount(h);
        for (const [payload, type, status, lang, words] of [
          ['{"description":', 'application/json', 400, 'es', 'No se pudo leer'],
          ['', 'application/json', 400, 'ru', 'Не удалось прочитать'],
          ['<description>x</description>', 'application/xml', 415, 'fr', 'format qui n'],
          ['description=x', 'not a media type', 415, 'ar', 'بتنسيق غير مقبول'],
          ['description=x', undefined, 415, 'en', 'not accepted here'],
        ] as const) {
          const res = await h.app.inject({
            method: 'POST',
            url: '/request',
            payload,
            headers: { 'accept-language': lang, ...(type ? { 'content-type': type } : {}) },
          });
          expect(res.statusCode, `${type}: ${payload}`).toBe(status);
          expect(res.headers['content-type']).toMatch(/text\/html/);
          expect(res.headers['content-language']).toBe(lang);
          expect(res.body).toContain(`<html lang="${lang}"`);
          expect(res.body).toContain(words);
          expect(res.body).not.toMatch(/<script/i);
        }
        const chosen = await h.app.inject({
          method: 'POST',
          url: '/request?lang=fr',
          payload: '<x/>',
          headers: { 'accept-language': 'en', 'content-type': 'application/xml' },
        });
        expect(chosen.statusCode).toBe(415);
        expect(chosen.body).toContain('<html lang="fr"');
        expect(await caseCount(h)).toBe(before);
      });
    });

    describe('follow-up', () => {
      it('gives any wrong receipt exactly the same answer, each after the whole floor', async () => {
        // On a clock that moves only when the floor waits, each answer asks for the whole floor.
        const waits = recordFloorWaits(h);
        const page = await h.app.inject({ url: '/followup' });
        const token = tokenIn(page.body);
        const tries = [
          'hello',
          '',
          '0000-0000-0000-0000-0000',
          'ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ',
          'x'.repeat(500),
          'Ü-ö-ß',
        ];
        const answers = [];
        for (const receipt of tries) {
          const res = await postForm(h, '/followup', { _csrf: token, receipt });
          answers.push({ status: res.statusCode, body: res.body, cookie: res.headers['set-cookie'] });
        }
        for (const a of answers) {
          expect(a.status).toBe(422);
          expect(a.body).toBe(answers[0]!.body);
          expect(a.cookie).toBeUndefined();
        }
        expect(waits).toEqual(tries.map(() => FOLLOWUP_FLOOR_MS));
        expect(answers[0]!.body).toContain('We could not open a conversation with this code');
        expect(answers[0]!.body).not.toContain('ZZZZ');
      });

      it('holds the answer to a right receipt until the floor has passed', async () => {
        const receipt = await submit(h);
        const page = await h.app.inject({ url: '/followup' });
        let release!: () => void;
        const asked = new Promise<number>((resolveAsked) => {
          useFloorTimer(h.deps, {
            now: () => 0,
            sleep: (ms) => {
              resolveAsked(ms);
              return new Promise<void>((resolve) => (release = resolve));
            },
          });
        });
        onTestFinished(() => useFloorTimer(h.deps, NO_FLOOR_WAIT));
        let answered = false;
        const pending = postForm(h, '/followup', { _csrf: tokenIn(page.body), receipt }).then((res) => {
          answered = true;
          return res;
        });
        expect(await asked).toBe(FOLLOWUP_FLOOR_MS);
        // Everything else already queued runs first: the answer must still be waiting.
        await new Promise((resolve) => setImmediate(resolve));
        expect(answered).toBe(false);
        release();
        expect((await pending).statusCode).toBe(303);
      });

      it('opens a short session with a strict cookie and shows the conversation, never notes', async () => {
        const receipt = await submit(h, { description: 'The first words of my request.' });
        const caseId = (await caseIdForReceipt(h.deps, receipt))!;
        await addStaffMessage(h, caseId, 'reply', 'A reply from the helpline.');
        await addStaffMessage(h, caseId, 'note', 'INTERNAL NOTE never for the requester');
        const page = await h.app.inject({ url: '/followup?lang=es' });
        // Typed the way people copy codes by hand: lower case, spaces, O for 0.
        const typed = receipt.toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o');
        const res = await postForm(h, '/followup?lang=es', {
          _csrf: tokenIn(page.body),
          receipt: typed,
        });
        expect(res.statusCode).toBe(303);
        expect(res.headers.location).toBe('/followup/conversation?lang=es');
        const raw = String(res.headers['set-cookie']);
        expect(raw).toMatch(/^haven_followup=[\w-]{40,};/);
        expect(raw).toContain('HttpOnly');
        expect(raw).toContain('SameSite=Strict');
        expect(raw).toContain('Path=/followup');
        expect(raw).not.toMatch(/Max-Age|Expires|Secure/i);
        const value = res.cookies[0]!.value;
        const sessions = await h.deps.db.selectFrom('requester_sessions').selectAll().execute();
        expect(JSON.stringify(sessions)).not.toContain(value);
        const conv = await h.app.inject({
          url: '/followup/conversation?lang=es',
          headers: { cookie: `haven_followup=${value}` },
        });
        expect(conv.statusCode).toBe(200);
        expect(conv.body).toContain('<html lang="es"');
        expect(conv.body).toContain('The first words of my request.');
        expect(conv.body).toContain('A reply from the helpline.');
        expect(conv.body).not.toContain('INTERNAL NOTE');
        expect(conv.body).not.toMatch(/<script/i);
        expect(conv.body).toContain('action="/followup/conversation?lang=es"');
      });

      it('replaces the session when the code is entered again in the same browser', async () => {
        const receipt = await submit(h);
        const first = await signInWithReceipt(h, receipt);
        const page = await h.app.inject({ url: '/followup' });
        const again = await postForm(
          h,
          '/followup',
          { _csrf: tokenIn(page.body), receipt },
          { cookie: first.cookie },
        );
        expect(again.statusCode).toBe(303);
        const old = await h.app.inject({
          url: '/followup/conversation',
          headers: { cookie: first.cookie },
        });
        expect(old.statusCode).toBe(303);
        const fresh = await h.app.inject({
          url: '/followup/conversation',
          headers: { cookie: `haven_followup=${again.cookies[0]!.value}` },
        });
        expect(fresh.statusCode).toBe(200);
      });

      it('sets the cookie Secure when Haven is served over https', async () => {
        const hs = await createHarness(engine, { PUBLIC_URL: 'https://help.example.org' });
        try {
          const receipt = await submit(hs);
          const page = await hs.app.inject({ url: '/followup' });
          const res = await postForm(hs, '/followup', { _csrf: tokenIn(page.body), receipt });
          expect(String(res.headers['set-cookie'])).toContain('Secure');
        } finally {
          await hs.close();
        }
      });

      it('says what is wrong with a kept message it refuses, at the top of the page, and saves nothing', async () => {
        const receipt = await submit(h);
        const caseId = (await caseIdForReceipt(h.deps, receipt))!;
        const messages = async () =>
          (await h.deps.db.selectFrom('messages').select('id').where('case_id', '=', caseId).execute()).length;
        const before = await messages();
        // A noncharacter: refused by the message rules, with the right code alongside it.
        for (const [lang, message] of [['en', '\ufffe'], ['ar', 'x\u0007y']] as const) {
          const page = await h.app.inject({ url: `/followup?lang=${lang}` });
          const res = await postForm(h, `/followup?lang=${lang}`, { _csrf: tokenIn(page.body), receipt, message });
          expect(res.statusCode).toBe(422);
          expect(res.headers['set-cookie']).toBeUndefined();
          const summary = /<div class="error-summary" role="alert"[\s\S]*?<\/div>/.exec(res.body)?.[0] ?? '';
          expect(summary).toContain('href="#f-message"');
          expect(summary).toContain(h.deps.i18n.format(lang, 'common.form.control_chars'));
          expect(res.body).toContain('id="e-message"');
        }
        expect(await messages()).toBe(before);
      });

      it('refuses the receipt form without a valid token, and never shows the typed code', async () => {
        const receipt = await submit(h);
        const res = await postForm(h, '/followup', { _csrf: 'forged.token.here', receipt });
        expect(res.statusCode).toBe(403);
        expect(res.headers['set-cookie']).toBeUndefined();
        expect(res.body).not.toContain(receipt);
      });

      it('adds a message with the session’s CSRF token, and refuses it without', async () => {
        const receipt = await submit(h);
        const { cookie, csrf } = await signInWithReceipt(h, receipt);
        const caseId = (await caseIdForReceipt(h.deps, receipt))!;
        const count = async () =>
          (
            await h.deps.db
              .selectFrom('messages')
              .select('id')
              .where('case_id', '=', caseId)
              .execute()
          ).length;
        const before = await count();

        const missing = await postForm(
          h,
          '/followup/conversation',
          { body: 'Sent without a token' },
          { cookie },
        );
        expect(missing.statusCode).toBe(403);
        expect(missing.body).toContain('Sent without a token'); // kept for sending again
        const wrong = await postForm(
          h,
          '/followup/conversation',
          { _csrf: 'x'.repeat(43), body: 'Wrong token' },
          { cookie },
        );
        expect(wrong.statusCode).toBe(403);
        const noSession = await postForm(h, '/followup/conversation', {
          _csrf: csrf,
          body: 'No cookie',
        });
        expect(noSession.statusCode).toBe(403);
        expect(await count()).toBe(before);

        const emptyMsg = await postForm(
          h,
          '/followup/conversation',
          { _csrf: csrf, body: '  ' },
          { cookie },
        );
        expect(emptyMsg.statusCode).toBe(422);
        expect(emptyMsg.body).toContain('href="#f-body"');
        const long = await postForm(
          h,
          '/followup/conversation',
          { _csrf: csrf, body: 'z'.repeat(LIMITS.messageMax + 1) },
          { cookie },
        );
        expect(long.statusCode).toBe(422);
        expect(await count()).toBe(before);

        const ok = await postForm(
          h,
          '/followup/conversation',
          { _csrf: csrf, body: 'Here is more detail.' },
          { cookie },
        );
        expect(ok.statusCode).toBe(303);
        expect(ok.headers.location).toBe('/followup/conversation?sent=1');
        const conv = await h.app.inject({ url: ok.headers.location, headers: { cookie } });
        expect(conv.body).toContain('Your message was sent.');
        expect(conv.body).toContain('Here is more detail.');
        expect(await count()).toBe(before + 1);
      });

      it('ends the session after 30 idle minutes, keeping an unsent message until the code is entered again', async () => {
        const receipt = await submit(h);
        const { cookie, csrf } = await signInWithReceipt(h, receipt);
        h.clock.advance(FOLLOWUP_IDLE_MS - 60_000);
        expect(
          (await h.app.inject({ url: '/followup/conversation', headers: { cookie } })).statusCode,
        ).toBe(200); // activity
        h.clock.advance(FOLLOWUP_IDLE_MS - 60_000);
        expect(
          (await h.app.inject({ url: '/followup/conversation', headers: { cookie } })).statusCode,
        ).toBe(200);
        h.clock.advance(FOLLOWUP_IDLE_MS + 1);
        const gone = await h.app.inject({ url: '/followup/conversation', headers: { cookie } });
        expect(gone.statusCode).toBe(303);
        expect(gone.headers.location).toBe('/followup?done=expired');
        expect(String(gone.headers['set-cookie'])).toMatch(/haven_followup=;/);

        const late = await postForm(
          h,
          '/followup/conversation',
          { _csrf: csrf, body: 'Written while the session ended.' },
          { cookie },
        );
        expect(late.statusCode).toBe(403);
        expect(late.body).toContain('Written while the session ended.');
        expect(late.body).toContain('name="receipt"');
        const again = await postForm(h, '/followup', {
          _csrf: tokenIn(late.body),
          receipt,
          message: 'Written while the session ended.',
        });
        expect(again.statusCode).toBe(303);
        expect(again.headers.location).toBe('/followup/conversation?sent=1');
        const conv = await h.app.inject({
          url: '/followup/conversation',
          headers: { cookie: `haven_followup=${again.cookies[0]!.value}` },
        });
        expect(conv.body).toContain('Written while the session ended.');
      });

      it('does not let a session live past 4 hours, even when active', async () => {
        const { cookie } = await signInWithReceipt(h, await submit(h));
        for (let i = 0; i < 9; i++) {
          h.clock.advance(25 * 60_000);
          expect(
            (await h.app.inject({ url: '/followup/conversation', headers: { cookie } })).statusCode,
          ).toBe(200);
        }
        h.clock.advance(25 * 60_000);
        expect(
          (await h.app.inject({ url: '/followup/conversation', headers: { cookie } })).statusCode,
        ).toBe(303);
      });

      it('sends a visitor without a session back to the receipt form', async () => {
        const res = await h.app.inject({ url: '/followup/conversation' });
        expect(res.statusCode).toBe(303);
        expect(res.headers.location).toBe('/followup');
        const forged = await h.app.inject({
          url: '/followup/conversation',
          headers: { cookie: 'haven_followup=made-up' },
        });
        expect(forged.headers.location).toBe('/followup?done=expired');
      });

      it('ends the session with "leave", and needs the CSRF token to do so', async () => {
        const { cookie, csrf } = await signInWithReceipt(h, await submit(h));
        const forged = await postForm(h, '/followup/leave', { _csrf: 'nope' }, { cookie });
        expect(forged.statusCode).toBe(403);
        expect(
          (await h.app.inject({ url: '/followup/conversation', headers: { cookie } })).statusCode,
        ).toBe(200);
        const left = await postForm(h, '/followup/leave', { _csrf: csrf }, { cookie });
        expect(left.statusCode).toBe(303);
        expect(left.headers.location).toBe('/followup?done=left');
        expect(String(left.headers['set-cookie'])).toMatch(/haven_followup=;.*Path=\/followup/);
        const after = await h.app.inject({ url: '/followup/conversation', headers: { cookie } });
        expect(after.statusCode).toBe(303);
        const page = await h.app.inject({ url: left.headers.location });
        expect(page.body).toContain('You have left the conversation');
      });
    });
  });
}
