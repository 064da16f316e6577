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
import { CaseLinkOut, LinkInput, MergeInput, MergeResult } from './link.schema.js';

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
      '/cases/{id}/links': {
        post: {
          operationId: 'linkCase',
          summary: 'Link the case to another case (both show the link; audited on both, ADR 38)',
          parameters: [idParam],
          requestBody: { required: true, ...json('CaseLinkInput') },
          responses: {
            '201': { description: 'Linked: the case’s links now', ...json('CaseLinks') },
            '200': { description: 'They were linked already: the case’s links', ...json('CaseLinks') },
            ...standardErrors,
            ...bodyErrors,
            '404': error('No such case (a restricted case the caller may not know is answered the same)'),
            '422': error(
              '`case` is not a case number, names no case the caller may know (a restricted one they may not know is answered the same), or is this case',
            ),
          },
        },
      },
      '/cases/{id}/links/{other}': {
        delete: {
          operationId: 'unlinkCase',
          summary: 'Remove the link between two cases (audited on both)',
          parameters: [idParam, { ...idParam, name: 'other', description: 'The other case’s number' }],
          responses: {
            '204': { description: 'The link is gone' },
            ...standardErrors,
            '404': error('No such case, or no such link'),
            '422': error('`other` names no case the caller may know, or is this case'),
          },
        },
      },
      '/cases/{id}/merge': {
        post: {
          operationId: 'mergeCase',
          summary: 'Merge this case (a duplicate) into another: its conversation and files move there, it is closed and marked merged',
          description:
            'One change: every message and file moves (sealed again under the other case’s key), the duplicate is closed with `merged_into`, both are audited. The duplicate’s requester keeps their receipt: it reads their own messages and the replies written to them on the case merged into, nothing else. Refused when the other case is not active or was merged, and when people who may know it could not know this one (a restricted case into a less restricted one).',
          parameters: [idParam],
          requestBody: { required: true, ...json('CaseMergeInput') },
          responses: {
            '200': { description: 'Merged: what moved', ...json('CaseMergeResult') },
            ...standardErrors,
            ...bodyErrors,
            '404': error('No such case (a restricted case the caller may not know is answered the same)'),
            '409': error('This case was merged already, its personal data was deleted, or it changed since `version`'),
            '422': error(
              '`into` is not a case number, names no case the caller may know, is this case, is not active, or would let more people read this case',
            ),
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
    CaseLink: schemaOf(CaseLinkOut, 'output'),
    CaseLinks: { type: 'object', required: ['links'], additionalProperties: false, properties: { links: { type: 'array', items: { $ref: '#/components/schemas/CaseLink' } } } },
    CaseLinkInput: schemaOf(LinkInput, 'input'),
    CaseMergeInput: schemaOf(MergeInput, 'input'),
    CaseMergeResult: schemaOf(MergeResult, 'output'),
  },
};
