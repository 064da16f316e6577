import { connect } from 'node:net';
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
const COOKIE_MARKER = 'COOKIEMARKER-93ab-live-session';

/** Every form a marker's bytes could take in a log line: text, and a byte array as JSON writes one. */
function encodings(marker: string): string[] {
  const bytes = [...Buffer.from(marker, 'utf8')];
  return [marker, bytes.join(','), bytes.join(', '), Buffer.from(marker).toString('hex'), Buffer.from(marker).toString('base64')];
}

/**
 * Sends raw bytes over a real socket and waits until the server closes it (or it stops
 * answering for 300 ms): most malformed requests never reach a route, only Node’s parser.
 */
function sendRaw(port: number, chunks: string[]): Promise<string> {
  return new Promise((resolve) => {
    let answer = '';
    const socket = connect(port, '127.0.0.1', () => {
      for (const chunk of chunks) socket.write(chunk);
    });
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(done, 300);
    socket.on('data', (d) => (answer += d.toString('latin1')));
    socket.on('error', done);
    socket.on('close', done);
  });
}

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

    it('never contain the raw bytes of a malformed request, in text or as a byte array', async () => {
      await h.app.listen({ host: '127.0.0.1', port: 0 });
      const port = (h.app.server.address() as { port: number }).port;
      lines.length = 0;
      const carried =
        `Host: 127.0.0.1\r\nCookie: haven_staff=${COOKIE_MARKER}; haven_followup=${COOKIE_MARKER}\r\n` +
        `X-Forwarded-For: ${FORWARDED}\r\nX-Real-IP: ${FORWARDED}\r\n`;
      const form = 'Content-Type: application/x-www-form-urlencoded\r\n';
      const text = `description=${encodeURIComponent(`They took my phone ${MARKER}`)}`;
      const answers = [
        // A request line Node's parser refuses.
        await sendRaw(port, [`P\x01ST /request?${MARKER} HTTP/1.1\r\n${carried}\r\n`]),
        // A header line without a colon, then the body.
        await sendRaw(port, [`POST /request HTTP/1.1\r\n${carried}${form}Bad Header ${MARKER}\r\nContent-Length: ${text.length}\r\n\r\n${text}`]),
        // Headers past Node's 16 KiB limit.
        await sendRaw(port, [`POST /request HTTP/1.1\r\n${carried}X-Pad: ${MARKER}${'p'.repeat(20_000)}\r\n\r\n${text}`]),
        // A body longer than its Content-Length: the rest is read as a broken next request.
        await sendRaw(port, [`POST /request HTTP/1.1\r\n${carried}${form}Content-Length: 5\r\n\r\n${text}\r\n\r\n`]),
        // A body shorter than its Content-Length, then the client goes away.
        await sendRaw(port, [`POST /request HTTP/1.1\r\n${carried}${form}Content-Length: 60000\r\n\r\n${text}`]),
        // Both a length and chunked encoding (request smuggling's favourite).
        await sendRaw(port, [`POST /request HTTP/1.1\r\n${carried}${form}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n${text}`]),
      ];
      // Node's parser refused them (400, 431), whatever it was asked.
      expect(answers.filter((a) => /^HTTP\/1\.1 4(00|31)/.test(a)).length).toBeGreaterThanOrEqual(4);

      const all = lines.join('');
      expect(lines.length, 'the malformed requests were logged at trace').toBeGreaterThan(0);
      for (const secret of [MARKER, COOKIE_MARKER, FORWARDED, 'haven_staff=', 'Forwarded']) {
        for (const form of encodings(secret)) expect(all.includes(form), `logs contain ${secret} as ${form}`).toBe(false);
      }
      expect(all.includes('rawPacket'), 'logs contain a raw packet').toBe(false);
    });
  });
}
