import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODULES } from '../../modules.js';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { newRequest, staffMember, type StaffFixture } from './case.fixtures.js';
import { readCaseNumber, registerGotoRoutes } from './goto.routes.js';

// The staff bar's "go to case" box: a GET form, so it works without script. A case the person
// may see is a redirect to its page; a number naming no case and a case the person may not
// see get the same 404 page; what is not a case number is the form again with its error.

describe('readCaseNumber', () => {
  it('reads digits, with spaces around or a leading "#", and names what is wrong otherwise', () => {
    expect(readCaseNumber('42')).toEqual({ id: 42 });
    expect(readCaseNumber('  #42 ')).toEqual({ id: 42 });
    expect(readCaseNumber('')).toEqual({ error: 'common.goto.empty' });
    expect(readCaseNumber('   ')).toEqual({ error: 'common.goto.empty' });
    for (const bad of ['abc', '0', '042', '4 2', '-1', '1e3', '12345678901', '99999999999999999999999', ['1', '2']]) {
      expect(readCaseNumber(bad), String(bad)).toEqual({ error: 'common.goto.malformed' });
    }
  });
});

/** The 404 page with the number it names taken out, to compare two of them. */
const withoutNumber = (body: string, id: number) =>
  body.replaceAll(`\u2068${id}\u2069`, '#').replaceAll(`value="${id}"`, 'value="#"');

for (const engine of engines) {
  describe.skipIf(!engine.available)(`go to case on ${engine.name}`, () => {
    let h: Harness;
    let handler: StaffFixture;
    let auditor: StaffFixture;
    let caseId: number;

    beforeAll(async () => {
      h = await createHarness(engine);
      handler = await staffMember(h.deps, 'handler');
      auditor = await staffMember(h.deps, 'auditor');
      caseId = (await newRequest(h.deps)).caseId;
    });
    afterAll(async () => h?.close());

    // The page's language is the person's own unless a `lang` link chooses another.
    const go = (who: StaffFixture, query: string, lang?: 'es') =>
      h.app.inject({ method: 'GET', url: `/staff/cases/go${query}${lang ? `${query ? '&' : '?'}lang=${lang}` : ''}`, headers: { cookie: who.cookie } });

    it('sends a known case the person may see to its page, and the page opens', async () => {
      for (const typed of [String(caseId), ` #${caseId} `]) {
        const res = await go(handler, `?number=${encodeURIComponent(typed)}`);
        expect(res.statusCode, typed).toBe(303);
        expect(res.headers.location).toBe(`/staff/cases/${caseId}`);
      }
      const page = await h.app.inject({ url: `/staff/cases/${caseId}`, headers: { cookie: handler.cookie } });
      expect(page.statusCode).toBe(200);
    });

    it('answers a number that names no case with "no such case" (404)', async () => {
      const res = await go(handler, '?number=999999');
      expect(res.statusCode).toBe(404);
      expect(res.body).toContain('There is no case number \u2068999999\u2069 that you can open.');
      const es = await go(handler, '?number=999999', 'es');
      expect(es.statusCode).toBe(404);
      expect(es.body).toContain('No hay ningún caso con el número \u2068999999\u2069 que puedas abrir.');
    });

    it('refuses what is not a case number with a clear error (422), keeping what was typed', async () => {
      const empty = await go(handler, '?number=');
      expect(empty.statusCode).toBe(422);
      expect(empty.body).toContain('Enter a case number.');
      for (const q of ['?number=abc', '?number=0', '?number=12345678901', '?number=1&number=2']) {
        const res = await go(handler, q);
        expect(res.statusCode, q).toBe(422);
        expect(res.body, q).toContain('A case number is made of digits only, such as 1234.');
        expect(res.body, q).toContain('href="#f-number"');
      }
      expect((await go(handler, '?number=abc')).body).toContain('value="abc"');
      const es = await go(handler, '?number=abc', 'es');
      expect(es.body).toContain('Un número de caso tiene solo cifras, por ejemplo 1234.');
    });

    it('shows the form alone when no number is given', async () => {
      const res = await go(handler, '');
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('<form method="get" action="/staff/cases/go"');
      expect(res.body).not.toContain('There is no case number');
    });

    it('refuses a person who may see no case the same way, whether the case exists or not', async () => {
      const known = await go(auditor, `?number=${caseId}`);
      const unknown = await go(auditor, '?number=999999');
      expect(known.statusCode).toBe(403);
      expect(unknown.statusCode).toBe(403);
      expect(known.body).toBe(unknown.body);
    });

    it('answers a case the person may not see exactly as a number that names no case', async () => {
      // Today every role that may open the box may see every case; a rule over the case's
      // facts (here: only one's own cases) must still not tell whether a case exists.
      const strict = await createHarness(engine, {}, {
        modules: MODULES.map((m) =>
          m.name === 'cases'
            ? { ...m, registerStaff: (app, ctx) => registerGotoRoutes(app, ctx.deps, ctx.assets, { mayView: (p, f) => f.assignee_id === p.userId }) }
            : m,
        ),
      });
      try {
        const who = await staffMember(strict.deps, 'handler');
        const mine = (await newRequest(strict.deps)).caseId;
        const hidden = (await newRequest(strict.deps)).caseId;
        await strict.deps.db.updateTable('cases').set({ assignee_id: who.id }).where('id', '=', mine).execute();
        const ask = (n: number) =>
          strict.app.inject({ url: `/staff/cases/go?number=${n}`, headers: { cookie: who.cookie } });
        expect((await ask(mine)).statusCode).toBe(303);
        const notMine = await ask(hidden);
        const none = await ask(999999);
        expect(notMine.statusCode).toBe(404);
        expect(none.statusCode).toBe(404);
        expect(withoutNumber(notMine.body, hidden)).toBe(withoutNumber(none.body, 999999));
        expect(notMine.body).toContain(`There is no case number \u2068${hidden}\u2069 that you can open.`);
      } finally {
        await strict.close();
      }
    });

    it('puts the box in the staff bar of those who may see cases, and only theirs', async () => {
      const withBox = await h.app.inject({ url: '/staff', headers: { cookie: handler.cookie } });
      expect(withBox.body).toMatch(/<form method="get" action="\/staff\/cases\/go" class="inline nav-box">[\s\S]*name="number"/);
      const without = await h.app.inject({ url: '/staff/audit', headers: { cookie: auditor.cookie } });
      expect(without.statusCode).toBe(200);
      expect(without.body).not.toContain('action="/staff/cases/go"');
    });
  });
}
