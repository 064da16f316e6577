import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

// The OpenAPI 3.1 document of /api/v1, put together from the fragments the modules declare
// (src/contracts/module.ts `api.openapi`), each generated from the zod schemas its routes
// parse with, so the description cannot drift from the code. The platform adds what every
// operation shares: the bearer scheme, the error shape and this document's own path.

type JsonSchema = Record<string, unknown>;

/** A JSON Schema from a zod schema, without the `$schema` dialect line. */
export function schemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, target: 'draft-2020-12' }) as JsonSchema;
  return rest;
}

/** The API's one error shape: `{ error: { code, message, field? } }`. */
export const ApiErrorBody = z.strictObject({
  error: z.strictObject({ code: z.string(), message: z.string(), field: z.string().optional() }),
});

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
export const json = (name: string) => ({ content: { 'application/json': { schema: ref(name) } } });
export const apiErrorResponse = (description: string) => ({ description, ...json('Error') });

/** What any authenticated operation may answer before its own checks. */
export const standardErrors = {
  '401': apiErrorResponse('No valid bearer token'),
  '403': apiErrorResponse('The token holder’s role may not do this'),
};

export interface OpenApiPart {
  paths: Record<string, unknown>;
  schemas: Record<string, unknown>;
  tags?: { name: string; description: string }[];
}

/** Builds the whole document; two modules describing the same path or schema name is an error. */
export function buildOpenApiDocument(parts: readonly OpenApiPart[]): JsonSchema {
  const paths: Record<string, unknown> = {
    '/openapi.json': {
      get: {
        operationId: 'getOpenApi',
        summary: 'This document',
        security: [],
        responses: {
          '200': { description: 'The OpenAPI document', content: { 'application/json': { schema: { type: 'object' } } } },
        },
      },
    },
  };
  const schemas: Record<string, unknown> = { Error: schemaOf(ApiErrorBody, 'output') };
  const tags: { name: string; description: string }[] = [];
  for (const part of parts) {
    for (const [path, item] of Object.entries(part.paths)) {
      if (path in paths) throw new Error(`two modules describe the API path ${path}`);
      paths[path] = item;
    }
    for (const [name, schema] of Object.entries(part.schemas)) {
      if (name in schemas) throw new Error(`two modules describe the API schema ${name}`);
      schemas[name] = schema;
    }
    tags.push(...(part.tags ?? []));
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Haven API',
      version: '1',
      description:
        'The API of a Haven helpline. Authenticate with `Authorization: Bearer hvn_…` (create a token with `haven token create`). Every read and change is audited. No string may hold a control character (C0 but TAB, LF and CR, DEL, C1), a lone surrogate or a noncharacter: such a request is answered 422 with the field named.',
    },
    servers: [{ url: '/api/v1' }],
    security: [{ bearer: [] }],
    ...(tags.length ? { tags } : {}),
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A Haven API token (hvn_…)' } },
      schemas,
    },
  };
}

/** Serves the document at `GET /openapi.json` on the API surface, without a token. */
export function registerOpenApi(api: FastifyInstance, parts: readonly OpenApiPart[]): void {
  const document = buildOpenApiDocument(parts);
  api.get('/openapi.json', { config: { auth: 'public', action: 'none' } }, async (_req, reply) => reply.send(document));
}
