import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';

// What Fastify's router refuses before any surface sees the request (a path that is not
// valid UTF-8, a parameter over 100 characters) is answered by the surface the path belongs
// to, in its own way: an error page in the person's language with the surface's headers, or
// the API's error shape. Never the router's raw English JSON, never the path echoed back.

const engine = engines.find((e) => e.name === 'sqlite')!;

describe('router refusals answered by their surface', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(engine, { PUBLIC_URL: 'https://help.example.org' });
  });
  afterAll(async () => h?.close());

  const long = 'A'.repeat(101);

  it('public: a 404 page in the person’s language, with the public CSP and HSTS', async () => {
    for (const url of ['//%FF', '/%ED%A0%80']) {
      const res = await h.app.inject({ url, headers: { 'accept-language': 'ar' } });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.body).toContain('<html lang="ar" dir="rtl"');
      expect(res.body).not.toContain('FST_ERR');
      expect(String(res.headers['content-security-policy'])).toContain("default-src 'none'");
      expect(res.headers['strict-transport-security']).toBeDefined();
    }
  });

  it('staff: the staff error page, in Spanish when asked, for a bad path or an overlong parameter', async () => {
    for (const url of ['/staff/cases/%ED%A0%80/status', `/staff/enrol/${long}`]) {
      const res = await h.app.inject({ url, headers: { 'accept-language': 'es' } });
      expect(res.statusCode, url).toBe(404);
      expect(res.body).toContain('<html lang="es"');
      expect(res.body).toContain('href="/staff"');
      expect(res.body).not.toContain(long);
    }
  });

  it('API: the error shape, never the path', async () => {
    for (const url of ['/api/v1/cases/%ED%A0%80/notes', `/api/v1/cases/${long}`]) {
      const res = await h.app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json()).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String) } });
      expect(res.body).not.toContain('AAAA');
    }
  });
});
