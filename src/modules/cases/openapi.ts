import { z } from 'zod';
import {
  ApiErrorBody,
  CaseDetail,
  CaseList,
  CaseMessage,
  CaseSummary,
  MessageCreated,
  MessageInput,
  PatchCaseInput,
  QueueQuery,
} from './case.schema.js';

// The OpenAPI 3.1 document of /api/v1, generated from the same zod schemas the routes parse
// with, so the description cannot drift from the code. A test walks the registered routes
// and checks both directions.

type JsonSchema = Record<string, unknown>;

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io,
    target: 'draft-2020-12',
  }) as JsonSchema;
  return rest;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: string) => ({ content: { 'application/json': { schema: ref(name) } } });
const error = (description: string) => ({ description, ...json('Error') });

const idParam = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'The case number',
  schema: { type: 'integer', minimum: 1 },
};

const standardErrors = {
  '401': error('No valid bearer token'),
  '403': error('The token holder’s role may not do this'),
};

/** What any operation with a JSON request body may also answer, before its own checks. */
const bodyErrors = {
  '400': error('The body cannot be read: broken JSON, or empty while sent as JSON'),
  '413': error(
    'The body is larger than this operation accepts: room for its longest text (a reply or note: 20,000 characters) in any script and encoding',
  ),
  '415': error('The body is not `application/json`'),
};

function queryParameters(): JsonSchema[] {
  const props = (schemaOf(QueueQuery, 'input').properties ?? {}) as Record<string, JsonSchema>;
  return Object.entries(props).map(([name, schema]) => ({
    name,
    in: 'query',
    required: false,
    schema,
  }));
}

let cached: JsonSchema | undefined;

/** The OpenAPI 3.1 document for /api/v1 (built once; it only depends on the code). */
export function openApiDocument(): JsonSchema {
  cached ??= {
    openapi: '3.1.0',
    info: {
      title: 'Haven API',
      version: '1',
      description:
        'The cases of a Haven helpline. Authenticate with `Authorization: Bearer hvn_…` (create a token with `haven token create`). Every read and change is audited. No string may hold a control character (C0 but TAB, LF and CR, DEL, C1), a lone surrogate or a noncharacter: such a request is answered 422 with the field named.',
    },
    servers: [{ url: '/api/v1' }],
    security: [{ bearer: [] }],
    paths: {
      '/openapi.json': {
        get: {
          operationId: 'getOpenApi',
          summary: 'This document',
          security: [],
          responses: {
            '200': {
              description: 'The OpenAPI document',
              content: { 'application/json': { schema: { type: 'object' } } },
            },
          },
        },
      },
      '/cases': {
        get: {
          operationId: 'listCases',
          summary:
            'The queue: active cases (or one status), awaiting a reply first, then by first-response deadline',
          parameters: queryParameters(),
          responses: {
            '200': { description: 'One page of cases', ...json('CaseList') },
            ...standardErrors,
            '422': error('A filter is invalid, or holds a control character such as NUL'),
          },
        },
      },
      '/cases/{id}': {
        get: {
          operationId: 'getCase',
          summary:
            'A case with its contact and conversation (requester messages, replies, internal notes)',
          parameters: [idParam],
          responses: {
            '200': { description: 'The case', ...json('CaseDetail') },
            ...standardErrors,
            '404': error('No such case'),
            '422': error('The path or query holds a control character such as NUL'),
          },
        },
        patch: {
          operationId: 'updateCase',
          summary:
            'Change triage fields, the assignee and/or the status; pass `version` to refuse stale changes',
          parameters: [idParam],
          requestBody: { required: true, ...json('CaseChanges') },
          responses: {
            '200': { description: 'The changed case', ...json('CaseSummary') },
            ...standardErrors,
            ...bodyErrors,
            '404': error('No such case'),
            '409': error('The case changed since `version`'),
            '422': error(
              'A field is invalid or holds a control character, the assignee cannot hold cases, or the status cannot follow the current one',
            ),
          },
        },
      },
      '/cases/{id}/replies': {
        post: {
          operationId: 'replyToRequester',
          summary: 'Send a reply: the requester reads it on their follow-up page',
          parameters: [idParam],
          requestBody: { required: true, ...json('MessageInput') },
          responses: {
            '201': { description: 'The reply and the case after it', ...json('MessageCreated') },
            ...standardErrors,
            ...bodyErrors,
            '404': error('No such case'),
            '422': error('The body is empty, too long, or holds a control character'),
          },
        },
      },
      '/cases/{id}/notes': {
        post: {
          operationId: 'addNote',
          summary: 'Add an internal note: staff only, never shown to the requester',
          parameters: [idParam],
          requestBody: { required: true, ...json('MessageInput') },
          responses: {
            '201': { description: 'The note and the case', ...json('MessageCreated') },
            ...standardErrors,
            ...bodyErrors,
            '404': error('No such case'),
            '422': error('The body is empty, too long, or holds a control character'),
          },
        },
      },
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'A Haven API token (hvn_…)' },
      },
      schemas: {
        CaseSummary: schemaOf(CaseSummary, 'output'),
        CaseDetail: schemaOf(CaseDetail, 'output'),
        CaseList: schemaOf(CaseList, 'output'),
        CaseMessage: schemaOf(CaseMessage, 'output'),
        MessageCreated: schemaOf(MessageCreated, 'output'),
        MessageInput: schemaOf(MessageInput, 'input'),
        CaseChanges: schemaOf(PatchCaseInput, 'input'),
        Error: schemaOf(ApiErrorBody, 'output'),
      },
    },
  };
  return cached;
}
