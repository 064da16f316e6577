import type { ConnectionError, FastifyInstance } from 'fastify';
import type { ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import type { Config } from '../../config/index.js';

/**
 * How long Haven waits for a client, and how many it serves at once. Without these, a client
 * that sends its request a byte at a time holds a connection (and a file descriptor) for ever,
 * and a few thousand of them make every new connection fail. Defaults and their reasons are
 * in src/config; the reverse proxy in front should be stricter still (docs/operations.md).
 */
export function serverLimits(config: Config): {
  requestTimeout: number;
  connectionTimeout: number;
  keepAliveTimeout: number;
  http: ServerOptions;
  clientErrorHandler: (this: FastifyInstance, err: ConnectionError, socket: Socket) => void;
} {
  const headersMs = config.headersTimeoutSeconds * 1000;
  const requestMs = config.requestTimeoutSeconds * 1000;
  return {
    // Whole request, body included (Node's server.requestTimeout; Fastify's default is none).
    requestTimeout: requestMs,
    // Silence on the socket, in either direction (socket.setTimeout).
    connectionTimeout: config.idleTimeoutSeconds * 1000,
    keepAliveTimeout: config.keepAliveTimeoutSeconds * 1000,
    http: {
      // From the connection's first byte (or a kept-alive connection's next request) to the
      // end of the headers; a connection that sends nothing is cut by it too.
      headersTimeout: headersMs,
      // Node enforces the two timeouts above by sweeping its connections every 30 s by
      // default, so a 30 s headers timeout could take a minute. A quarter of the shorter
      // timeout, between 250 ms and 5 s, keeps the overrun small; a sweep is a walk of a list.
      connectionsCheckingInterval: Math.min(5000, Math.max(250, Math.floor(Math.min(headersMs, requestMs) / 4))),
    },
    clientErrorHandler,
  };
}

/**
 * Caps the connections open at once: beyond it Node closes new ones at once; open ones finish.
 * The operator is told, at most once a minute, that the cap was reached (never by whom: the
 * event Node emits carries the client's address, which is not read).
 */
export function capConnections(app: FastifyInstance, config: Config): void {
  app.server.maxConnections = config.maxConnections;
  let warnedAt = -Infinity;
  app.server.on('drop', () => {
    const now = Date.now();
    if (now - warnedAt < 60_000) return;
    warnedAt = now;
    app.log.warn(
      { maxConnections: config.maxConnections },
      'MAX_CONNECTIONS reached: new connections are closed until open ones finish',
    );
  });
}

const STATUS_LINES: Record<string, string> = {
  ERR_HTTP_REQUEST_TIMEOUT: '408 Request Timeout',
  HPE_HEADER_OVERFLOW: '431 Request Header Fields Too Large',
};

/**
 * Answers what Node's HTTP parser refused or timed out, before any route saw it. Fastify's
 * own handler logs the whole error at trace, and the error carries `rawPacket`: the request's
 * bytes, its cookies, forwarded addresses and text included. Only the error's code is logged.
 */
function clientErrorHandler(this: FastifyInstance, err: ConnectionError, socket: Socket): void {
  // A reset or already-closed connection has nobody left to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  this.log.debug({ err: { name: err.name, code: err.code } }, 'client error');
  // As Node itself does: write a status only if no answer to this request has begun.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    const status = STATUS_LINES[err.code ?? ''] ?? '400 Bad Request';
    socket.write(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  }
  socket.destroy();
}
