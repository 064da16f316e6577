import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { fill } from '../../../test/fill.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import type { MessageValues } from '../../platform/i18n/index.js';
import { newRequest, staffMember, type StaffFixture } from './case.fixtures.js';
import { MESSAGE_MAX } from './case.schema.js';
import { requesterView } from './requester.service.js';

// The handler workspace and the API take replies and notes of 20,000 characters in any
// script, refuse what no typed text contains with 422 (never a 500 from PostgreSQL), and show
// what a requester wrote so that it cannot pass for something else.

const CJK = '我们的办公室电脑在边境被没收了。';
const EMOJI = '🔒📱🆘👩‍💻🇰🇪!';

const html = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

for (const engine of engines) {
  describe.skipIf(!engine.available)(`staff and API input handling on ${engine.name}`, () => {
    let h: Harness;
    let handler: StaffFixture;
    let lead: StaffFixture;
    const said = (locale: string, key: string, values?: MessageValues) =>
      html(h.deps.i18n.format(locale, key, values));

    beforeAll(async () => {
      h = await createHarness(engine);
      handler = await staffMember(h.deps, 'handler', 'أمل حداد');
      lead = await staffMember(h.deps, 'coordinator', 'Lead \u202EEvil\u202C Name');
    });
    afterAll(async () => h?.close());

    const form = (who: StaffFixture, url: string, fields: Record<string, string>) =>
      h.app.inject({
        method: 'POST',
        url,
        headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: who.csrf, ...fields }).toString(),
      });
    const api = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
      h.app.inject({
        method,
        url: `/api/v1${url}`,
        headers: { authorization: handler.bearer },
        ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
      });
    const messageCount = async (caseId: number) =>
      Number(
        (
          await h.deps.db
            .selectFrom('messages')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('case_id', '=', caseId)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const caseRow = (id: number) =>
      h.deps.db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

    describe('long replies and notes', () => {
      it(`takes a ${MESSAGE_MAX.toLocaleString('en')}-character reply in CJK from the case page, and refuses one more with 422`, async () => {
        const { caseId } = await newRequest(h.deps);
        const body = fill(CJK, MESSAGE_MAX);
        const res = await form(handler, `/staff/cases/${caseId}/replies`, { body });
        expect(res.statusCode).toBe(303);
        expect((await requesterView(h.deps, caseId)).messages.map((m) => m.body)).toContain(body);
        const more = await form(handler, `/staff/cases/${caseId}/notes`, {
          note: fill(CJK, MESSAGE_MAX + 1),
        });
        expect(more.statusCode).toBe(422);
        expect(more.body).toContain(said('en', 'cases.error.body_too_long'));
        expect(await messageCount(caseId)).toBe(2);
      });

      it('answers a form beyond its limit with 413: how long a text may be, nothing saved (en, es)', async () => {
        const { caseId } = await newRequest(h.deps);
        for (const lang of ['en', 'es']) {
          const res = await form(handler, `/staff/cases/${caseId}/notes?lang=${lang}`, {
            note: fill(CJK, 25_000),
          });
          expect(res.statusCode).toBe(413);
          expect(res.body).toContain(`<html lang="${lang}"`);
          expect(res.body).toContain(
            said(lang, 'common.error.too_large_text', { max: MESSAGE_MAX }),
          );
          expect(res.body).toContain(said(lang, 'common.error.go_back'));
        }
        expect(await messageCount(caseId)).toBe(1);
      });

      it('takes 20,000 characters of emoji or JSON-escaped CJK through the API; 413 beyond, saying the limit', async () => {
        const { caseId } = await newRequest(h.deps);
        const emoji = fill(EMOJI, MESSAGE_MAX);
        expect((await api('POST', `/cases/${caseId}/replies`, { body: emoji })).statusCode).toBe(
          201,
        );
        // Every character as a \u escape of four hex digits: 6 bytes each, 120,000 bytes in all.
        const escaped = JSON.stringify({ body: fill(CJK, MESSAGE_MAX) }).replace(
          /[^\x20-\x7e]/g,
          (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
        );
        const note = await h.app.inject({
          method: 'POST',
          url: `/api/v1/cases/${caseId}/notes`,
          headers: { authorization: handler.bearer, 'content-type': 'application/json' },
          payload: escaped,
        });
        expect(note.statusCode).toBe(201);
        expect(note.json().message.body).toBe(fill(CJK, MESSAGE_MAX));
        // 3 bytes a character in raw UTF-8: 210,000 bytes.
        const big = await api('POST', `/cases/${caseId}/notes`, { body: fill(CJK, 70_000) });
        expect(big.statusCode).toBe(413);
        expect(big.json()).toEqual({
          error: {
            code: 'BODY_TOO_LARGE',
            message: h.deps.i18n.format('en', 'common.error.too_large_text', { max: MESSAGE_MAX }),
          },
        });
        expect(await messageCount(caseId)).toBe(3);
      });
    });

    describe('NUL and other control characters', () => {
      it('answers the API’s query filters with 422 and the field, never a 500', async () => {
        for (const name of [
          'assignee',
          'region',
          'incident_type',
          'language',
          'status',
          'cursor',
          'view',
        ]) {
          const res = await api('GET', `/cases?${name}=a%00b`);
          expect(res.statusCode, name).toBe(422);
          expect(res.json(), name).toEqual({
            error: {
              code: 'VALIDATION_FAILED',
              message: h.deps.i18n.format('en', 'common.error.control_chars'),
              field: name,
            },
          });
        }
        // In the path too, and in the shape the document gives.
        const path = await api('GET', '/cases/%00');
        expect(path.statusCode).toBe(422);
        expect(path.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'id' });
        const doc = (await h.app.inject({ url: '/api/v1/openapi.json' })).json();
        expect(Object.keys(doc.paths['/cases/{id}'].get.responses)).toContain('422');
        expect(Object.keys(doc.paths['/cases'].get.responses)).toContain('422');
        // A control character other than NUL: refused by the schema, naming the field.
        const bell = await api('GET', '/cases?assignee=a%07b');
        expect(bell.statusCode).toBe(422);
        expect(bell.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field: 'assignee' });
      });

      it('refuses NUL and control characters in a PATCH, a reply and a note; nothing changes', async () => {
        const { caseId } = await newRequest(h.deps);
        const before = await caseRow(caseId);
        for (const [payload, field] of [
          [{ assignee_id: '\0', version: before.version }, 'assignee_id'],
          [{ incident_type: 'phishing\0', version: before.version }, 'incident_type'],
          [{ language: 'es\x01', version: before.version }, 'language'],
          [{ assignee_id: 'x\uD800', version: before.version }, 'assignee_id'],
        ] as const) {
          const res = await api('PATCH', `/cases/${caseId}`, payload);
          expect(res.statusCode, JSON.stringify(payload)).toBe(422);
          expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', field });
        }
        for (const body of ['a\0b', 'a\x1bb', 'a\x9bb', 'a\uFFFEb']) {
          for (const path of ['replies', 'notes']) {
            const res = await api('POST', `/cases/${caseId}/${path}`, { body });
            expect(res.statusCode, JSON.stringify(body)).toBe(422);
            expect(res.json().error.field).toBe('body');
          }
        }
        const after = await caseRow(caseId);
        expect(after.version).toBe(before.version);
        expect(after.assignee_id).toBe(before.assignee_id);
        expect(await messageCount(caseId)).toBe(1);
      });

      it('answers the staff queue’s filters and forms with a 422 page', async () => {
        for (const q of [
          'language=%00',
          'language=en%00',
          'region=%00',
          'assignee=%00',
          'language=en%01',
        ]) {
          const res = await h.app.inject({
            url: `/staff?${q}&lang=es`,
            headers: { cookie: handler.cookie },
          });
          expect(res.statusCode, q).toBe(422);
          expect(res.body).toContain('<html lang="es"');
        }
        const nul = await h.app.inject({
          url: '/staff?language=%00',
          headers: { cookie: handler.cookie },
        });
        expect(nul.body).toContain(said('en', 'common.error.control_chars'));
        const { caseId } = await newRequest(h.deps);
        const version = String((await caseRow(caseId)).version);
        for (const [path, fields] of [
          ['replies', { body: 'hello\0' }],
          ['notes', { note: 'hello\x07' }],
          ['triage', { version, language: 'en\0' }],
          ['assignment', { version, assignee_id: '\0' }],
        ] as const) {
          const res = await form(handler, `/staff/cases/${caseId}/${path}`, fields);
          expect(res.statusCode, path).toBe(422);
        }
        const bell = await form(handler, `/staff/cases/${caseId}/notes`, { note: 'hello\x07' });
        expect(bell.body).toContain(said('en', 'common.form.control_chars'));
        expect(bell.body).toMatch(
          /<textarea[^>]*name="note"[^>]*dir="auto"[^>]*>hello<\/textarea>/,
        );
        expect(await messageCount(caseId)).toBe(1);
        expect((await caseRow(caseId)).version).toBe(Number(version));
      });
    });

    describe('what a handler reads', () => {
      it('shows invisible and direction characters in a contact address as visible markers, with a warning', async () => {
        // Stored before such addresses were refused, or reaching the case some other way.
        const { caseId } = await newRequest(h.deps, {
          contactMethod: 'email',
          contact: 'safe@example.org\u202Egro.live',
        });
        const page = await h.app.inject({
          url: `/staff/cases/${caseId}`,
          headers: { cookie: handler.cookie },
        });
        expect(page.statusCode).toBe(200);
        expect(page.body).toContain(
          '<bdi dir="ltr" class="contact">safe@example.org<mark class="hidden-char" title="Invisible character U+202E">⟨U+202E⟩</mark>gro.live</bdi>',
        );
        expect(page.body).toContain(said('en', 'common.hidden_chars_warning'));
        expect(page.body).not.toContain('\u202E');
        const es = await h.app.inject({
          url: `/staff/cases/${caseId}?lang=es`,
          headers: { cookie: handler.cookie },
        });
        expect(es.body).toContain('title="Carácter invisible U+202E">⟨U+202E⟩</mark>');
        const zw = await newRequest(h.deps, {
          contactMethod: 'phone',
          contact: '+44\u200B20 7946 0958',
        });
        const zwPage = await h.app.inject({
          url: `/staff/cases/${zw.caseId}`,
          headers: { cookie: handler.cookie },
        });
        expect(zwPage.body).toContain(
          '+44<mark class="hidden-char" title="Invisible character U+200B">⟨U+200B⟩</mark>20 7946 0958',
        );
        const plain = await newRequest(h.deps);
        const plainPage = await h.app.inject({
          url: `/staff/cases/${plain.caseId}`,
          headers: { cookie: handler.cookie },
        });
        expect(plainPage.body).toContain('<bdi dir="ltr" class="contact">+52 55 0000 0000</bdi>');
        expect(plainPage.body).not.toContain(said('en', 'common.hidden_chars_warning'));
      });

      it('isolates every message and name: dir="auto" on bodies, <bdi> and isolates around names', async () => {
        const { caseId } = await newRequest(h.deps, { description: 'نحن بحاجة إلى مساعدة' });
        expect(
          (await form(handler, `/staff/cases/${caseId}/claim`, { version: '1' })).statusCode,
        ).toBe(303);
        expect(
          (await form(lead, `/staff/cases/${caseId}/notes`, { note: 'Вижу фишинг' })).statusCode,
        ).toBe(303);
        const page = await h.app.inject({
          url: `/staff/cases/${caseId}`,
          headers: { cookie: handler.cookie },
        });
        expect(page.body).toContain('<p class="body" dir="auto">نحن بحاجة إلى مساعدة</p>');
        expect(page.body).toContain('<p class="body" dir="auto">Вижу фишинг</p>');
        // A name inside a sentence is wrapped in FSI … PDI; a name on its own in <bdi>.
        expect(page.body).toContain('by \u2068Lead \u202EEvil\u202C Name\u2069');
        expect(page.body).toContain('Assigned to \u2068أمل حداد\u2069.');
        expect(page.body).toContain('<bdi>أمل حداد</bdi>'); // the audit trail and the header
        const queue = await h.app.inject({ url: '/staff', headers: { cookie: lead.cookie } });
        expect(queue.body).toContain('<td data-label="Assigned to"><bdi>أمل حداد</bdi></td>');
        expect(queue.body).toContain('<bdi>Lead \u202EEvil\u202C Name</bdi>');
      });
    });

    it('answers 404 for a case id beyond what the database can hold, and 422 for such a cursor, never 500', async () => {
      for (const id of ['2147483648', '999999999999999']) {
        expect((await h.app.inject({ url: `/staff/cases/${id}`, headers: { cookie: handler.cookie } })).statusCode).toBe(404);
        expect((await form(handler, `/staff/cases/${id}/not-spam`, {})).statusCode).toBe(404);
        expect((await form(handler, `/staff/cases/${id}/notes`, { body: 'x' })).statusCode).toBe(404);
        expect((await api('GET', `/cases/${id}`)).statusCode).toBe(404);
        expect((await api('POST', `/cases/${id}/replies`, { body: 'x' })).statusCode).toBe(404);
      }
      expect((await form(lead, '/staff/cases/mark-spam', { case: '2147483648' })).statusCode).toBe(422);
      expect((await api('GET', '/cases?cursor=0.1764579600000.2147483648')).statusCode).toBe(422);
      expect((await api('GET', '/cases?cursor=0.1764579600000.2147483647')).statusCode).toBe(200);
    });
  });
}
