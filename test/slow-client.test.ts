import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { tokenIn, validRequest } from '../src/modules/intake/intake.test-helpers.js';
import { engines } from './engines.js';
import { createHarness, type Harness } from './harness.js';

/**
 * Slow clients against the real server on a real port: a connection that sends nothing, one
 * that trickles its headers, one that trickles its body, one kept alive and left idle. Each is
 * cut off within its configured timeout (short here, so the test is quick), while a person's
 * page and form keep being answered at once; beyond MAX_CONNECTIONS a new connection is
 * closed at once and the open ones still finish. The numbers are printed for the record.
 */

const HEADERS_S = 1;
const REQUEST_S = 2;
const KEEP_ALIVE_S = 1;
/** Node sweeps for expired requests every quarter of the shorter timeout (server-limits.ts). */
const SWEEP_MS = 250;
/** Node keeps a kept-alive connection one second past keepAliveTimeout (its own buffer). */
const NODE_KEEP_ALIVE_BUFFER_MS = 1000;
/** Room for a busy test machine. */
const SLACK_MS = 1500;
const PER_KIND = 40;
const TRICKLE_MS = 100;

interface Outcome {
  ms: number;
  answer: string;
}

/** Opens a connection, writes `first` at once, then one of `rest` every TRICKLE_MS until it is closed. */
function trickle(port: number, first: string, rest: string[]): { connected: Promise<void>; closed: Promise<Outcome>; conn: Socket } {
  const socket = connect(port, '127.0.0.1');
  const started = Date.now();
  let answer = '';
  let timer: NodeJS.Timeout | undefined;
  const connected = new Promise<void>((resolve) => {
    socket.once('connect', () => {
      if (first) socket.write(first);
      let i = 0;
      timer = setInterval(() => {
        if (i < rest.length && socket.writable) socket.write(rest[i++]!);
      }, TRICKLE_MS);
      resolve();
    });
  });
  const closed = new Promise<Outcome>((resolve) => {
    socket.on('data', (d) => (answer += d.toString('latin1')));
    socket.on('error', () => undefined);
    socket.once('close', () => {
      clearInterval(timer);
      resolve({ ms: Date.now() - started, answer });
    });
  });
  return { connected, closed, conn: socket };
}

/** The outcome, or a still-open mark once `ms` have passed, so a server that never cuts fails fast. */
function closedWithin(c: { closed: Promise<Outcome> }, ms: number): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve({ ms: Number.POSITIVE_INFINITY, answer: '(still open)' }), ms);
  });
  return Promise.race([c.closed, late]).finally(() => clearTimeout(timer));
}

function range(outcomes: Outcome[]): string {
  const ms = outcomes.map((o) => o.ms);
  return `${Math.min(...ms)}–${Math.max(...ms)} ms`;
}

/** Waits, without sleeping, until the server holds `n` connections. */
async function serverHolds(h: Harness, n: number): Promise<void> {
  for (;;) {
    const count = await new Promise<number>((resolve, reject) =>
      h.app.server.getConnections((err, c) => (err ? reject(err) : resolve(c))),
    );
    if (count === n) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const FORM = 'Content-Type: application/x-www-form-urlencoded\r\n';

for (const engine of engines) {
  describe.skipIf(!engine.available)(`slow clients on ${engine.name}`, () => {
    let h: Harness;
    let port: number;
    beforeAll(async () => {
      h = await createHarness(engine, {
        HEADERS_TIMEOUT_SECONDS: String(HEADERS_S),
        REQUEST_TIMEOUT_SECONDS: String(REQUEST_S),
        // Longer than the others, so what cuts a trickle is the request timeout, not silence.
        IDLE_TIMEOUT_SECONDS: '30',
        KEEP_ALIVE_TIMEOUT_SECONDS: String(KEEP_ALIVE_S),
      });
      await h.app.listen({ host: '127.0.0.1', port: 0 });
      port = (h.app.server.address() as { port: number }).port;
    });
    afterAll(async () => h?.close());

    it('cuts off silent and trickling clients within their timeouts while people are served at once', async () => {
      const headers = `POST /request HTTP/1.1\r\nHost: 127.0.0.1\r\n${FORM}Content-Length: 60000\r\n\r\n`;
      const clients = {
        silent: Array.from({ length: PER_KIND }, () => trickle(port, '', [])),
        headers: Array.from({ length: PER_KIND }, () => trickle(port, '', [...headers])),
        body: Array.from({ length: PER_KIND }, () => trickle(port, headers, [...'description=x'.padEnd(60000, 'x')])),
      };
      const keptAlive = trickle(port, 'GET /request HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', []);
      const all = [...clients.silent, ...clients.headers, ...clients.body];
      onTestFinished(() => {
        for (const c of [...all, keptAlive]) c.conn.destroy();
      });
      await Promise.all([...all, keptAlive].map((c) => c.connected));
      let cut = 0;
      for (const c of all) void c.closed.then(() => cut++);

      // A person, meanwhile: the form, then the request, each on its own connection.
      const fields = await validRequest(h);
      let t = Date.now();
      const page = await fetch(`http://127.0.0.1:${port}/request`);
      const pageMs = Date.now() - t;
      expect(page.status).toBe(200);
      expect(tokenIn(await page.text())).toBeTruthy();
      t = Date.now();
      const sent = await fetch(`http://127.0.0.1:${port}/request`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      });
      const postMs = Date.now() - t;
      expect(sent.status).toBe(201);
      expect(await sent.text()).toContain('id="receipt"');
      expect(cut, 'the slow clients were still connected while the person was served').toBe(0);
      expect(pageMs).toBeLessThan(1000);
      expect(postMs).toBeLessThan(1000);

      const headersBy = HEADERS_S * 1000 + SWEEP_MS + SLACK_MS;
      const requestBy = REQUEST_S * 1000 + SWEEP_MS + SLACK_MS;
      const keepAliveBy = KEEP_ALIVE_S * 1000 + NODE_KEEP_ALIVE_BUFFER_MS + SLACK_MS;
      const silent = await Promise.all(clients.silent.map((c) => closedWithin(c, headersBy)));
      const trickledHeaders = await Promise.all(clients.headers.map((c) => closedWithin(c, headersBy)));
      const trickledBody = await Promise.all(clients.body.map((c) => closedWithin(c, requestBy)));
      const idle = await closedWithin(keptAlive, keepAliveBy);
      console.log(
        `[slow clients, ${engine.name}] ${all.length} slow clients (${PER_KIND} silent, ${PER_KIND} trickling headers, ` +
          `${PER_KIND} trickling a body, a byte every ${TRICKLE_MS} ms); cut off after: silent ${range(silent)}, ` +
          `headers ${range(trickledHeaders)} (timeout ${HEADERS_S * 1000} ms), body ${range(trickledBody)} ` +
          `(timeout ${REQUEST_S * 1000} ms); idle kept-alive connection closed after ${idle.ms} ms ` +
          `(keep-alive ${KEEP_ALIVE_S * 1000} ms); meanwhile GET /request ${pageMs} ms, POST /request ${postMs} ms`,
      );

      for (const o of [...silent, ...trickledHeaders]) {
        expect(o.answer).toMatch(/^HTTP\/1\.1 408 /);
        expect(o.ms).toBeGreaterThanOrEqual(HEADERS_S * 1000 - 50);
        expect(o.ms).toBeLessThan(headersBy);
      }
      for (const o of trickledBody) {
        expect(o.answer).toMatch(/^HTTP\/1\.1 408 /);
        expect(o.ms).toBeGreaterThanOrEqual(REQUEST_S * 1000 - 50);
        expect(o.ms).toBeLessThan(requestBy);
      }
      expect(idle.answer).toMatch(/^HTTP\/1\.1 200 /);
      expect(idle.ms).toBeLessThan(keepAliveBy);
    });
  });

  describe.skipIf(!engine.available)(`the connection cap on ${engine.name}`, () => {
    const MAX = 5;
    let h: Harness;
    let port: number;
    beforeAll(async () => {
      h = await createHarness(engine, { MAX_CONNECTIONS: String(MAX), HEADERS_TIMEOUT_SECONDS: '10', REQUEST_TIMEOUT_SECONDS: '10' });
      await h.app.listen({ host: '127.0.0.1', port: 0 });
      port = (h.app.server.address() as { port: number }).port;
    });
    afterAll(async () => h?.close());

    it('closes connections beyond MAX_CONNECTIONS at once, while the open ones finish', async () => {
      const open = Array.from({ length: MAX }, () => trickle(port, 'GET /request HTTP/1.1\r\nHost: 127.0.0.1\r\n', []));
      onTestFinished(() => {
        for (const c of open) c.conn.destroy();
      });
      await Promise.all(open.map((c) => c.connected));
      await serverHolds(h, MAX);

      const refused = trickle(port, 'GET /request HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', []);
      onTestFinished(() => {
        refused.conn.destroy();
      });
      const shut = await closedWithin(refused, 1000);
      expect(shut.answer, 'nothing is answered on a refused connection').toBe('');
      expect(shut.ms).toBeLessThan(1000);

      const t = Date.now();
      for (const c of open) c.conn.write('Connection: close\r\n\r\n');
      const finished = await Promise.all(open.map((c) => c.closed));
      const finishMs = Date.now() - t;
      for (const o of finished) expect(o.answer).toMatch(/^HTTP\/1\.1 200 /);

      await serverHolds(h, 0);
      const after = await fetch(`http://127.0.0.1:${port}/request`, { headers: { connection: 'close' } });
      expect(after.status).toBe(200);
      await after.text();
      console.log(
        `[connection cap, ${engine.name}] MAX_CONNECTIONS=${MAX}: connection ${MAX + 1} closed after ${shut.ms} ms ` +
          `without an answer; the ${MAX} open ones then answered 200 within ${finishMs} ms; a new one is served afterwards`,
      );
    });
  });
}
