import type { OpenApiFragment } from '../../contracts/module.js';
import { apiErrorResponse as error, json, schemaOf, standardErrors } from '../../platform/http/openapi.js';
import {
  CaseDetail,
  CaseList,
  CaseMessage,
  CaseSummary,
  MessageCreated,
  MessageInput,
  ReplyInput,
  PatchCaseInput,
  QueueQuery,
} from './case.schema.js';
import { AccessInput, CaseAccess } from './access.schema.js';

// The cases module's part of the OpenAPI document of /api/v1 (platform/http/openapi.ts puts
// the modules' parts together), generated from the same zod schemas the routes parse with.
// A test walks the registered routes and checks both directions.

type JsonSchema = Record<string, unknown>;

const idParam = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'The case number',
  schema: { type: 'integer', minimum: 1 },
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

/** The paths and schemas the cases API adds to the document. */
export const casesOpenApi: OpenApiFragment = {
  tags: [{ name: 'cases', description: 'The helpline’s cases: the queue, a case, replies and notes' }],
  paths: {
      '/cases': {
        get: {
          operationId: 'listCases',
          summary:
            'The queue: active cases (or one status, or `all` of them), awaiting a reply first, then by first-response deadline',
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
          description:
            'With `status` (and the `version` the case was read at), the case moves to that status with the reply, in one change: both are saved or neither.',
          parameters: [idParam],
          requestBody: { required: true, ...json('ReplyInput') },
          responses: {
            '201': { description: 'The reply and the case after it', ...json('MessageCreated') },
            ...standardErrors,
            ...bodyErrors,
            '404': error('No such case'),
            '409': error('With `status`: the case changed since `version`'),
            '422': error(
              'The body is empty, too long, or holds a control character; a status without `version`, or one that cannot follow the current one',
            ),
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
      '/cases/{id}/access': {
        get: {
          operationId: 'getCaseAccess',
          summary: 'Who may know the case: whether it is restricted, and who is listed (ADR 32)',
          parameters: [idParam],
          responses: {
            '200': { description: 'Who may know the case', ...json('CaseAccess') },
            ...standardErrors,
            '404': error('No such case (a restricted case the caller may not know is answered the same)'),
          },
        },
        put: {
          operationId: 'putCaseAccess',
          summary: 'Restrict the case to the people listed (and its teams’ leads), or lift it; set exactly who is listed',
          description:
            'One change: the flag and the list are saved together or not at all. The caller stays listed, and when restricting so does the assignee; `version` is the case’s, as read.',
          parameters: [idParam],
          requestBody: { required: true, ...json('CaseAccessInput') },
          responses: {
            '200': { description: 'Who may know the case now', ...json('CaseAccess') },
            ...standardErrors,
            ...bodyErrors,
            '404': error('No such case (a restricted case the caller may not know is answered the same)'),
            '409': error('The case changed since `version`'),
            '422': error(
              'A field is invalid or holds a control character; a person who cannot work cases; the assignee taken off a restricted case',
            ),
          },
        },
      },
    },
  schemas: {
    CaseSummary: schemaOf(CaseSummary, 'output'),
    CaseDetail: schemaOf(CaseDetail, 'output'),
    CaseList: schemaOf(CaseList, 'output'),
    CaseMessage: schemaOf(CaseMessage, 'output'),
    MessageCreated: schemaOf(MessageCreated, 'output'),
    MessageInput: schemaOf(MessageInput, 'input'),
    ReplyInput: schemaOf(ReplyInput, 'input'),
    CaseChanges: schemaOf(PatchCaseInput, 'input'),
    CaseAccess: schemaOf(CaseAccess, 'output'),
    CaseAccessInput: schemaOf(AccessInput, 'input'),
  },
};
