import type { DestinationStream } from 'pino';
import type { FastifyServerOptions } from 'fastify';

/**
 * Haven logs little, by category, and never a client address, a request body, a query
 * string or a header. A request is logged as its method, its route pattern (not the URL
 * the person typed) and its status.
 */
export function loggerOptions(level: string, stream?: DestinationStream): FastifyServerOptions['logger'] {
  return {
    level,
    ...(stream ? { stream } : {}),
    redact: { paths: ['req.headers', 'req.body', 'req.query', 'body', 'headers'], remove: true },
    serializers: {
      req: (req: { method?: string; routeOptions?: { url?: string } }) => ({
        method: req.method,
        route: req.routeOptions?.url ?? 'unmatched',
      }),
      res: (res: { statusCode?: number }) => ({ status: res.statusCode }),
      // Fastify's type expects pino's standard shape (message, stack); Haven leaves both out.
      err: errSerializer as unknown as (err: Error) => { type: string; message: string; stack: string },
    },
  };
}

/**
 * An error is logged by its name and code. Errors from Node and libraries carry whatever they
 * like: Node's HTTP parser errors hold `rawPacket`, the request's raw bytes (cookies, forwarded
 * addresses, what the person wrote), and JSON parse errors quote their input in `message`.
 * Only an object Haven built itself for the log (not an Error) may add a `message`.
 */
export function errSerializer(err: unknown): Record<string, unknown> {
  if (typeof err !== 'object' || err === null) return { type: typeof err };
  const e = err as { name?: unknown; code?: unknown; message?: unknown };
  const out: Record<string, unknown> = {};
  if (typeof e.name === 'string') out.type = e.name;
  if (typeof e.code === 'string' || typeof e.code === 'number') out.code = e.code;
  if (!(err instanceof Error) && typeof e.message === 'string') out.message = e.message;
  return out;
}
