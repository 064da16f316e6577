import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receiptIn, tokenIn } from '../../modules/intake/intake.test-helpers.js';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';

/**
 * What the logs may never hold: the requester's address (direct or forwarded), what they
 * wrote, their contact, their receipt, or any query string. The test logs at the most
 * verbose level and walks the requester's whole path, including errors.
 */
const ADDRESS = '203.0.113.77';
const FORWARDED = '198.51.100.23';
const MARKER = 'LOGMARKER-5d1e-arrested-yesterday';

for (const engine of engines) {
  describe.skipIf(!engine.available)(`logs on ${engine.name}`, () => {
    let h: Harness;
    const lines: string[] = [];
    beforeAll(async () => {
      const stream = new Writable({
        write(chunk: Buffer, _enc, done) {
          lines.push(chunk.toString('utf8'));
          done();
        },
      });
      h = await createHarness(engine, { LOG_LEVEL: 'trace' }, { logStream: stream });
    });
    afterAll(async () => h?.close());

    it('never contain a client address, request text, contact, receipt or query', async () => {
      const client = { remoteAddress: ADDRESS, headers: { 'x-forwarded-for': FORWARDED, 'x-real-ip': FORWARDED } };
      const form = await h.app.inject({ url: `/request?lang=en&secret=${MARKER}`, ...client });
      const body = new URLSearchParams({
        _csrf: tokenIn(form.body),
        description: `They searched my phone. ${MARKER}`,
        urgency: 'reactive',
        country: 'KE',
        language: 'en',
        contact_method: 'email',
        contact: 'marker.contact@example.org',
        consent: 'yes',
      });
      const sent = await h.app.inject({
        method: 'POST',
        url: '/request',
        payload: body.toString(),
        headers: { ...client.headers, 'content-type': 'application/x-www-form-urlencoded' },
        remoteAddress: ADDRESS,
      });
      expect(sent.statusCode).toBe(201);
      const receipt = receiptIn(sent.body);

      // Errors too: a bad form, an oversized body, a wrong receipt, an unknown page.
      await h.app.inject({ method: 'POST', url: '/request', payload: `description=${MARKER}`, headers: { ...client.headers, 'content-type': 'application/x-www-form-urlencoded' }, remoteAddress: ADDRESS });
      await h.app.inject({ method: 'POST', url: '/request', payload: `description=${MARKER}${'x'.repeat(200_000)}`, headers: { ...client.headers, 'content-type': 'application/x-www-form-urlencoded' }, remoteAddress: ADDRESS });
      const fu = await h.app.inject({ url: '/followup', ...client });
      await h.app.inject({ method: 'POST', url: '/followup', payload: new URLSearchParams({ _csrf: tokenIn(fu.body), receipt }).toString(), headers: { ...client.headers, 'content-type': 'application/x-www-form-urlencoded' }, remoteAddress: ADDRESS });
      await h.app.inject({ url: `/no-such-page/${MARKER}`, ...client });
      await h.app.inject({ url: '/api/v1/cases', headers: { authorization: `Bearer hvn_${MARKER}` }, remoteAddress: ADDRESS });

      const all = lines.join('');
      expect(lines.length).toBeGreaterThan(5);
      for (const secret of [ADDRESS, FORWARDED, MARKER, 'marker.contact', receipt, receipt.replace(/-/g, ''), 'secret=']) {
        expect(all, `logs contain ${secret}`).not.toContain(secret);
      }
      // Requests are logged by route pattern, not by the URL typed.
      expect(all).toContain('"route":"/request"');
      expect(all).not.toMatch(/"(remoteAddress|remotePort|hostname|ip|ips)":"[^"]*\d+\.\d+/);
    });
  });
}
