import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { FILL_TIME_MS, postForm, REQUEST_ANSWERS, tokenIn } from './intake.test-helpers.js';

// The empty request form is rendered once per language and list of choices and reused, with a
// new token put in for each visitor: every copy must carry its own working token, and the
// language and its links must be the visitor's.

const engine = engines[0]!;

describe('the empty request form, reused', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(engine);
  });
  afterAll(async () => h?.close());

  const withoutToken = (html: string) => html.replace(tokenIn(html), '');

  it('gives every visitor a new token that works once, on the same page', async () => {
    const pages = [await h.app.inject({ url: '/request' }), await h.app.inject({ url: '/request' })];
    const tokens = pages.map((p) => tokenIn(p.body));
    expect(pages.map((p) => p.statusCode)).toEqual([200, 200]);
    expect(pages[0]!.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(tokens[0]).not.toBe(tokens[1]);
    expect(pages[0]!.body.match(/name="_csrf"/g)).toHaveLength(1);
    expect(withoutToken(pages[0]!.body)).toBe(withoutToken(pages[1]!.body));
    h.clock.advance(FILL_TIME_MS);
    for (const token of tokens) {
      expect((await postForm(h, '/request', { _csrf: token, ...REQUEST_ANSWERS })).statusCode).toBe(201);
      expect((await postForm(h, '/request', { _csrf: token, ...REQUEST_ANSWERS })).statusCode).toBe(409);
    }
  });

  it('keeps each language, and a language chosen by link, apart', async () => {
    const es = await h.app.inject({ url: '/request', headers: { 'accept-language': 'es' } });
    const chosen = await h.app.inject({ url: '/request?lang=es' });
    const ar = await h.app.inject({ url: '/request?lang=ar' });
    expect(es.body).toContain('<html lang="es"');
    expect(es.body).toContain('action="/request"');
    expect(es.body).toContain('<option value="es" selected>');
    expect(chosen.body).toContain('action="/request?lang=es"');
    expect(ar.body).toContain('<html lang="ar" dir="rtl"');
    expect(ar.body).toContain('<option value="ar" selected>');
    expect(ar.body).toContain('action="/request?lang=ar"');
  });
});
