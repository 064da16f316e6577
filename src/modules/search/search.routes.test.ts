import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { createDispatcher } from '../../platform/events/outbox.js';
import { newRequest, staffMember, type StaffFixture } from '../cases/case.fixtures.js';
import { searchSubscribers } from './search.jobs.js';

// The search page and API over HTTP on both engines: the box with JavaScript off (a GET form),
// the results as the queue's rows, a case number's 303, refused input in the person's language
// with a 422 (empty, too long, too many words, control characters, a broken cursor), the API's
// case-list shape and its errors, and who may search at all.

for (const engine of engines) {
  describe.skipIf(!engine.available)(`search over HTTP on ${engine.name}`, () => {
    let h: Harness;
    let handler: StaffFixture;
    let auditor: StaffFixture;
    let caseId: number;
    let older: number;

    beforeAll(async () => {
      h = await createHarness(engine);
      handler = await staffMember(h.deps, 'handler', 'Ana Handler');
      auditor = await staffMember(h.deps, 'auditor', 'Au Auditor');
      older = (await newRequest(h.deps, { description: 'Website down after a DDoS, the hosting says nothing.' })).caseId;
      h.clock.advance(1000);
      caseId = (await newRequest(h.deps, { description: 'Stalkerware on my phone, I think: the battery drains. DDoS too.' })).caseId;
      await createDispatcher(h.deps, searchSubscribers(h.deps)).runDue();
    });
    afterAll(async () => h?.close());

    const get = (who: StaffFixture, url: string, headers: Record<string, string> = {}) =>
      h.app.inject({ method: 'GET', url, headers: { cookie: who.cookie, ...headers } });
    const api = (who: StaffFixture, url: string) => h.app.inject({ method: 'GET', url, headers: { authorization: who.bearer } });

    it('shows the box alone, as a plain GET form, and a link to it in the staff bar', async () => {
      const res = await get(handler, '/staff/search');
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('<form method="get" action="/staff/search"');
      expect(res.body).toContain('name="q"');
      expect(res.body).not.toContain('<script');
    });

    it('lists the cases found as the queue shows its rows, newest first', async () => {
      const res = await get(handler, '/staff/search?q=ddos');
      expect(res.statusCode).toBe(200);
      const links = [...res.body.matchAll(/href="\/staff\/cases\/(\d+)"/g)].map((m) => Number(m[1]));
      expect(links).toEqual([caseId, older]);
      expect(res.body).toContain('class="queue"');
      // Only structured fields: the request's words are not shown.
      expect(res.body).not.toContain('Stalkerware');
      const one = await get(handler, '/staff/search?q=stalkerware+battery');
      expect([...one.body.matchAll(/href="\/staff\/cases\/(\d+)"/g)].map((m) => Number(m[1]))).toEqual([caseId]);
      const none = await get(handler, '/staff/search?q=nothing-like-this');
      expect(none.statusCode).toBe(200);
      expect(none.body).toContain('No case you may see has all of these words.');
    });

    it('jumps to a case by its number', async () => {
      const res = await get(handler, `/staff/search?q=%23${caseId}`);
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe(`/staff/cases/${caseId}`);
    });

    it('refuses bad input with a clear message in the person’s language, and nothing else', async () => {
      const cases: [string, string][] = [
        ['/staff/search?q=', 'Type what to search for.'],
        [`/staff/search?q=${'a'.repeat(201)}`, 'Search for at most 200 characters.'],
        [`/staff/search?q=${encodeURIComponent('one two three four five six seven eight nine')}`, 'Search for at most 8 words at a time.'],
        ['/staff/search?q=%01ddos', ''],
        ['/staff/search?q=ddos&cursor=abc', 'This page of results does not exist. Search again.'],
        ['/staff/search?q=a+b', 'Type at least one word of two letters or more, or a case number.'],
      ];
      for (const [url, message] of cases) {
        const res = await get(handler, url);
        expect(res.statusCode, url).toBe(422);
        if (message) expect(res.body, url).toContain(message);
        expect(res.body).toContain('name="q"');
      }
      const es = await get(handler, '/staff/search?q=', { 'accept-language': 'es' });
      expect(es.statusCode).toBe(422);
    });

    it('refuses whoever may not work cases', async () => {
      expect((await get(auditor, '/staff/search?q=ddos')).statusCode).toBe(403);
      expect((await api(auditor, '/api/v1/search?q=ddos')).statusCode).toBe(403);
      expect((await h.app.inject({ method: 'GET', url: '/api/v1/search?q=ddos' })).statusCode).toBe(401);
    });

    it('answers the API as the case list does', async () => {
      const res = await api(handler, '/api/v1/search?q=ddos');
      expect(res.statusCode).toBe(200);
      const body = res.json() as { data: { id: number }[]; next_cursor: string | null };
      expect(body.data.map((c) => c.id)).toEqual([caseId, older]);
      expect(body.next_cursor).toBeNull();
      const list = (await api(handler, '/api/v1/cases?status=all')).json() as { data: Record<string, unknown>[] };
      const listed = list.data.find((c) => c.id === caseId)!;
      expect(Object.keys(body.data[0]!).sort()).toEqual(Object.keys(listed).sort());
      expect(body.data[0]).toEqual(listed);
      const jumped = (await api(handler, `/api/v1/search?q=${caseId}`)).json() as { data: { id: number }[] };
      expect(jumped.data.map((c) => c.id)).toEqual([caseId]);
    });

    it('refuses bad API input with the field named', async () => {
      for (const [url, field] of [
        ['/api/v1/search', 'q'],
        ['/api/v1/search?q=', 'q'],
        [`/api/v1/search?q=${'x'.repeat(201)}`, 'q'],
        ['/api/v1/search?q=ddos&cursor=-1', 'cursor'],
        ['/api/v1/search?q=ddos&sevrity=high', 'sevrity'],
        ['/api/v1/search?q=%00', 'q'],
      ] as const) {
        const res = await api(handler, url);
        expect(res.statusCode, url).toBe(422);
        expect((res.json() as { error: { code: string; field?: string } }).error.field, url).toBe(field);
      }
    });

    it('is described in the OpenAPI document', async () => {
      const doc = (await h.app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json() as { paths: Record<string, unknown> };
      expect(doc.paths['/search']).toBeDefined();
    });
  });
}
