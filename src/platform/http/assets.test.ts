import { afterEach, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { sealedHarness } from '../../modules/vault/vault.test-helpers.js';

/** The stylesheet a page links to (the unseal form is answered 503, the others 200). */
async function stylesheetOf(h: Harness, page: string, status = 200): Promise<string> {
  const res = await h.app.inject({ url: page });
  expect(res.statusCode, page).toBe(status);
  const m = /<link rel="stylesheet" href="([^"]+)"/.exec(res.body);
  expect(m, page).not.toBeNull();
  return m![1]!;
}

// What a static, versioned, public file is answered with, whichever surface serves it. The
// Content-Security-Policy is each surface's own and says nothing about a stylesheet.
const SHARED_HEADERS = [
  'cache-control',
  'content-type',
  'referrer-policy',
  'x-content-type-options',
  'x-frame-options',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'permissions-policy',
];

for (const engine of engines) {
  describe.skipIf(!engine.available)(`stylesheets on ${engine.name}`, () => {
    let h: Harness | undefined;
    afterEach(async () => {
      await h?.close();
      h = undefined;
    });

    it('serves the staff stylesheet to someone not signed in, as the public one is served', async () => {
      h = await createHarness(engine);
      const staffUrl = await stylesheetOf(h, '/staff/sign-in');
      const publicUrl = await stylesheetOf(h, '/request');
      expect(staffUrl).toMatch(/^\/staff\/assets\/staff\.[0-9a-f]{10}\.css$/);
      const staff = await h.app.inject({ url: staffUrl });
      const pub = await h.app.inject({ url: publicUrl });
      expect(staff.statusCode).toBe(200);
      expect(staff.headers['content-type']).toBe('text/css; charset=utf-8');
      expect(staff.body).not.toBe(pub.body);
      expect(staff.body.length).toBeGreaterThan(100);
      for (const name of SHARED_HEADERS) expect(staff.headers[name], name).toBe(pub.headers[name]);
      expect(staff.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(staff.headers['set-cookie']).toBeUndefined();
      // A session cookie that names nothing changes nothing.
      const stale = await h.app.inject({
        url: staffUrl,
        cookies: { haven_staff: 'no-such-session' },
      });
      expect(stale.statusCode).toBe(200);
      expect(stale.body).toBe(staff.body);
    });

    it('serves the staff stylesheet while the instance is sealed, to style the unseal form', async () => {
      h = await sealedHarness(engine);
      expect(h.deps.vault.sealed).toBe(true);
      const url = await stylesheetOf(h, '/staff/unseal', 503);
      const res = await h.app.inject({ url });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/css; charset=utf-8');
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    });
  });
}
