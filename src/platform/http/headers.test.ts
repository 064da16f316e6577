import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { HSTS } from './headers.js';

/** A page of each surface, its stylesheet, an error of each, and a page that does not exist. */
const PAGES = [
  '/',
  '/request',
  '/followup',
  '/no-such-page',
  '/staff/sign-in',
  '/staff',
  '/staff/no-such-page',
  '/api/v1/openapi.json',
  '/api/v1/cases',
  '/api/v1/no-such-route',
];

async function stylesheets(h: Harness): Promise<string[]> {
  const urls: string[] = [];
  for (const page of ['/request', '/staff/sign-in']) {
    const m = /<link rel="stylesheet" href="([^"]+)"/.exec((await h.app.inject({ url: page })).body);
    if (m) urls.push(m[1]!);
  }
  expect(urls).toHaveLength(2);
  return urls;
}

for (const engine of engines) {
  describe.skipIf(!engine.available)(`Strict-Transport-Security on ${engine.name}`, () => {
    let https: Harness;
    let http: Harness;
    beforeAll(async () => {
      https = await createHarness(engine, { PUBLIC_URL: 'https://help.example.org' });
      http = await createHarness(engine, {});
    });
    afterAll(async () => {
      await https?.close();
      await http?.close();
    });

    it('is sent on every surface, its assets and its errors when PUBLIC_URL is https', async () => {
      expect(HSTS).toBe('max-age=63072000; includeSubDomains');
      for (const url of [...PAGES, ...(await stylesheets(https))]) {
        const res = await https.app.inject({ url });
        expect(res.headers['strict-transport-security'], `${url} (${res.statusCode})`).toBe(HSTS);
      }
      const post = await https.app.inject({ method: 'POST', url: '/request', payload: 'x=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(post.headers['strict-transport-security']).toBe(HSTS);
    });

    it('is never sent over plain http', async () => {
      for (const url of [...PAGES, ...(await stylesheets(http))]) {
        const res = await http.app.inject({ url });
        expect(res.headers['strict-transport-security'], url).toBeUndefined();
      }
    });
  });
}
