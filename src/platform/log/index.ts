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
    },
  };
}
