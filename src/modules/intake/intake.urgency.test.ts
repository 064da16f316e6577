import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { signInAs } from '../../../test/staff-session.js';
import { caseIdForReceipt } from '../cases/index.js';
import { staffMember } from '../cases/case.fixtures.js';
import { postForm, receiptIn, validRequest } from './intake.test-helpers.js';

// Whether it is happening now is optional on the request form, as the form says: a person
// who does not know answers "I don't know" or leaves it, and the case is saved with urgency
// 'unknown', which the staff side shows as "Not known".

const OPTIONAL_LABEL: Record<string, string> = {
  en: 'Is this happening now, or do you want to prevent a problem? (optional)',
  es: '¿Está pasando ahora o quieres prevenir un problema? (opcional)',
  fr: 'Est-ce en train de se produire, ou voulez-vous prévenir un problème\u00A0? (facultatif)',
  ar: 'هل يحدث هذا الآن، أم تريد الوقاية من مشكلة؟ (اختياري)',
  ru: 'Это происходит сейчас или вы хотите предотвратить проблему? (необязательно)',
};
const DONT_KNOW: Record<string, string> = {
  en: 'I don’t know',
  es: 'No lo sé',
  fr: 'Je ne sais pas',
  ar: 'لا أعرف',
  ru: 'Не знаю',
};

for (const engine of engines) {
  describe.skipIf(!engine.available)(`urgency on the request form on ${engine.name}`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await createHarness(engine);
    });
    afterAll(async () => {
      await h?.close();
    });

    async function urgencyOf(receipt: string): Promise<string> {
      const id = (await caseIdForReceipt(h.deps, receipt))!;
      const row = await h.deps.db.selectFrom('cases').select('urgency').where('id', '=', id).executeTakeFirstOrThrow();
      return row.urgency;
    }

    it('says the question is optional and offers "I don’t know", in every language', async () => {
      for (const lang of Object.keys(OPTIONAL_LABEL)) {
        const res = await h.app.inject({ url: `/request?lang=${lang}` });
        expect(res.statusCode, lang).toBe(200);
        expect(res.body, lang).toContain(`<legend>${OPTIONAL_LABEL[lang]}</legend>`);
        expect(res.body, lang).toContain(
          `<input type="radio" id="f-urgency-unknown" name="urgency" value="unknown"/><label for="f-urgency-unknown">${DONT_KNOW[lang]}</label>`,
        );
        // The helpline's own choices come first, "I don't know" last; none is chosen for them.
        const radios = [...res.body.matchAll(/name="urgency" value="([a-z]+)"/g)].map((m) => m[1]);
        expect(radios, lang).toEqual(['reactive', 'preventive', 'unknown']);
        expect(res.body, lang).not.toMatch(/name="urgency" value="[a-z]+" checked/);
      }
    });

    it('saves "I don’t know", an empty answer and a missing one as urgency unknown', async () => {
      for (const answer of ['unknown', '', undefined]) {
        const fields = await validRequest(h);
        if (answer === undefined) delete fields.urgency;
        else fields.urgency = answer;
        const res = await postForm(h, '/request', fields);
        expect(res.statusCode, String(answer)).toBe(201);
        expect(await urgencyOf(receiptIn(res.body)), String(answer)).toBe('unknown');
      }
      // A choice is still saved as made.
      const chosen = await postForm(h, '/request', await validRequest(h, { urgency: 'preventive' }));
      expect(await urgencyOf(receiptIn(chosen.body))).toBe('preventive');
    });

    it('refuses an answer that is none of the choices, in the person’s language, saving nothing', async () => {
      const before = await h.deps.db.selectFrom('cases').select((e) => e.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      for (const [lang, message] of [
        ['en', 'Choose one of the answers, or “I don’t know”'],
        ['ar', 'اختر إحدى الإجابات، أو «لا أعرف»'],
      ]) {
        const res = await postForm(h, `/request?lang=${lang}`, await validRequest(h, { urgency: 'tomorrow' }));
        expect(res.statusCode, lang).toBe(422);
        expect(res.body, lang).toContain(`<p class="field-error" id="e-urgency">${message}</p>`);
      }
      const after = await h.deps.db.selectFrom('cases').select((e) => e.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(Number(after.n)).toBe(Number(before.n));
    });

    it('shows staff "Not known" in the queue and on the case, and the API and its event say unknown', async () => {
      await h.deps.db.deleteFrom('outbox_events').execute();
      const res = await postForm(h, '/request', await validRequest(h, { urgency: '' }));
      const id = (await caseIdForReceipt(h.deps, receiptIn(res.body)))!;
      const events = await h.deps.db.selectFrom('outbox_events').select(['type', 'payload']).execute();
      expect(events.map((e) => [e.type, JSON.parse(e.payload) as unknown])).toEqual([
        ['case.created', { caseId: id, urgency: 'unknown', spamReason: null }],
      ]);

      for (const [lang, label] of [
        ['en', 'Not known'],
        ['es', 'No se sabe'],
      ]) {
        const handler = await signInAs(h, 'handler');
        const headers = { cookie: handler.cookie };
        const queue = await h.app.inject({ url: `/staff?lang=${lang}`, headers });
        expect(queue.statusCode, lang).toBe(200);
        const row = new RegExp(`<tr[^>]*>(?:(?!</tr>)[\\s\\S])*?/staff/cases/${id}"(?:(?!</tr>)[\\s\\S])*</tr>`).exec(queue.body);
        expect(row?.[0], lang).toMatch(new RegExp(`<td data-label="[^"]+">${label}</td>`));
        const page = await h.app.inject({ url: `/staff/cases/${id}?lang=${lang}`, headers });
        expect(page.statusCode, lang).toBe(200);
        expect(page.body, lang).toMatch(new RegExp(`<dd>${label}</dd>`));
        expect(page.body, lang).toMatch(new RegExp(`<option value="unknown" selected>${label}</option>`));
      }

      const me = await staffMember(h.deps, 'handler');
      const api = await h.app.inject({ url: `/api/v1/cases/${id}`, headers: { authorization: me.bearer } });
      expect(api.statusCode).toBe(200);
      expect(api.body).toContain('"urgency":"unknown"');
      const doc = await h.app.inject({ url: '/api/v1/openapi.json' });
      const summary = (doc.json() as { components: { schemas: Record<string, { properties: Record<string, { enum?: string[] }> }> } })
        .components.schemas.CaseSummary!;
      expect(summary.properties.urgency!.enum).toEqual(['reactive', 'preventive', 'unknown']);
    });
  });
}
