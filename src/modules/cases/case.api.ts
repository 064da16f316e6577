import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseCaseId } from './case.js';
import type { ZodError } from 'zod';
import type { Deps } from '../../deps.js';
import type { Principal } from '../../platform/auth/roles.js';
import { textBody } from '../../platform/http/body-limit.js';
import { fieldErrors } from '../../platform/http/validation.js';
import { sendApiError } from '../../platform/http/surfaces.js';
import { apiError } from '../../platform/errors.js';
import { authorize, type CaseAction } from './case.policy.js';
import {
  formValues,
  MESSAGE_MAX,
  MessageInput,
  PatchCaseInput,
  QueueQuery,
  ReplyInput,
  TRIAGE_FIELDS,
  type CaseDetail,
  type CaseMessage,
  type CaseSummary,
} from './case.schema.js';
import * as service from './case.service.js';
import { LinkInput, MergeInput, caseNumber } from './link.schema.js';
import { linkCases, unlinkCases } from './link.service.js';
import { mergeCase } from './merge.service.js';

// The cases API under /api/v1: the same schemas, policies and services as the HTML routes,
// answered in JSON. Errors are `{ error: { code, message, field? } }`.

const iso = (ms: number): string => new Date(ms).toISOString();
const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

/** A case's structured fields as the API shows them. */
export function toCaseSummary(
  r: service.CaseSummaryRow,
  rsit: Map<string, string | null>,
): CaseSummary {
  return {
    id: r.id,
    status: r.status as CaseSummary['status'],
    urgency: r.urgency as CaseSummary['urgency'],
    incident_type: r.incident_type,
    rsit: r.incident_type ? (rsit.get(r.incident_type) ?? null) : null,
    severity: r.severity,
    country: r.country,
    region: r.region,
    language: r.language,
    beneficiary: r.beneficiary,
    mandate: r.mandate,
    assignee_id: r.assignee_id,
    awaiting_reply: r.awaiting_reply === 1,
    created_at: iso(r.created_at),
    updated_at: iso(r.updated_at),
    first_response_due_at: iso(r.first_response_due_at),
    first_response_at: isoOrNull(r.first_response_at),
    last_activity_at: iso(r.last_activity_at),
    closed_at: isoOrNull(r.closed_at),
    version: r.version,
  };
}

function toMessage(m: service.StaffMessage): CaseMessage {
  return {
    id: m.id,
    kind: m.kind,
    author_id: m.authorId,
    author_name: m.authorName,
    body: m.body,
    created_at: iso(m.createdAt),
    via: m.via ?? null,
  };
}

function caseIdOf(req: FastifyRequest): number | null {
  return parseCaseId((req.params as { id?: string }).id);
}

/** A zod failure as the API's error: the first field's message, in English. */
function invalid(req: FastifyRequest, reply: FastifyReply, error: ZodError): FastifyReply {
  // An unknown property (a typo such as `sevrity`) is named as the field, so the client sees which.
  const unknownKey = error.issues.find((i) => i.code === 'unrecognized_keys')?.keys[0];
  const [field, key] = unknownKey
    ? [unknownKey, 'common.form.invalid']
    : (Object.entries(fieldErrors(error))[0] ?? ['_body', 'common.error.validation']);
  return reply.code(422).send({ error: { code: 'VALIDATION_FAILED', message: req.t(key), field } });
}

/** Which role-level actions a PATCH needs, from the parts it changes. */
function actionsFor(input: PatchCaseInput): CaseAction[] {
  const out: CaseAction[] = [];
  if (TRIAGE_FIELDS.some((f) => input[f] !== undefined)) out.push('case.triage');
  // Whether this is a claim or an assignment depends on the case; the service decides.
  if (input.assignee_id !== undefined) out.push('case.claim');
  if (input.status !== undefined) out.push('case.status');
  return out;
}

/** Registers the cases API and its OpenAPI document. */
export function registerCaseApi(app: FastifyInstance, deps: Deps): void {
  const me = (req: FastifyRequest): Principal => req.principal!;
  const denied = (
    req: FastifyRequest,
    reply: FastifyReply,
    action: CaseAction,
  ): FastifyReply | null => {
    const allowed = authorize(me(req), action);
    return allowed.ok ? null : sendApiError(req, reply, allowed.code);
  };

  app.get('/cases', { config: { action: 'case.list' } }, async (req, reply) => {
    const query = QueueQuery.safeParse(formValues(req.query, 'drop'));
    if (!query.success) return invalid(req, reply, query.error);
    const page = await service.listQueue(deps, me(req), query.data);
    if (!page.ok) return sendApiError(req, reply, page.code, page.field);
    const rsit = await service.rsitByIncidentType(deps);
    return reply.send({
      data: page.value.rows.map((r) => toCaseSummary(r, rsit)),
      next_cursor: page.value.nextCursor,
    });
  });

  app.get('/cases/:id', { config: { action: 'case.view' } }, async (req, reply) => {
    const caseId = caseIdOf(req);
    if (caseId === null) return sendApiError(req, reply, 'NOT_FOUND');
    const view = await service.viewCase(deps, me(req), caseId);
    if (!view.ok) return sendApiError(req, reply, view.code, view.field);
    const rsit = await service.rsitByIncidentType(deps);
    const body: CaseDetail = {
      ...toCaseSummary(view.value.case, rsit),
      contact_method: view.value.case.contact_method,
      contact: view.value.contact,
      messages: view.value.messages.map(toMessage),
      merged_into: view.value.mergedInto,
      merged_here: view.value.mergedHere,
      links: view.value.links.map((l) => ({
        case_id: l.caseId,
        status: l.status,
        merged_into: l.mergedInto,
        reason: l.reason,
        created_at: iso(l.createdAt),
      })),
    };
    return reply.send(body);
  });

  // A reply or note may be 20,000 characters in any script: its own body limit (body-limit.ts).
  const messageBody = textBody({ body: MESSAGE_MAX });
  const posted = async (reply: FastifyReply, message: service.StaffMessage, row: service.CaseSummaryRow) =>
    reply.code(201).send({ message: toMessage(message), case: toCaseSummary(row, await service.rsitByIncidentType(deps)) });

  // A reply, and with `status` (and the `version` it was read at) the case's new status, in
  // one transaction: both or neither, as the case page's "reply and set status".
  app.post('/cases/:id/replies', { ...messageBody, config: { ...messageBody.config, action: 'case.reply' } }, async (req, reply) => {
    const caseId = caseIdOf(req);
    if (caseId === null) return sendApiError(req, reply, 'NOT_FOUND');
    const input = ReplyInput.safeParse(req.body ?? {});
    if (!input.success) return invalid(req, reply, input.error);
    const result = await service.replyWithStatus(deps, me(req), caseId, input.data);
    if (!result.ok) return sendApiError(req, reply, result.code, result.field);
    return posted(reply, result.value.message!, result.value.case);
  });

  app.post('/cases/:id/notes', { ...messageBody, config: { ...messageBody.config, action: 'case.note' } }, async (req, reply) => {
    const caseId = caseIdOf(req);
    if (caseId === null) return sendApiError(req, reply, 'NOT_FOUND');
    const input = MessageInput.safeParse(req.body ?? {});
    if (!input.success) return invalid(req, reply, input.error);
    const result = await service.addNote(deps, me(req), caseId, input.data.body);
    if (!result.ok) return sendApiError(req, reply, result.code, result.field);
    return posted(reply, result.value.message, result.value.case);
  });

  app.patch('/cases/:id', { config: { action: 'case.view' } }, async (req, reply) => {
    const caseId = caseIdOf(req);
    if (caseId === null) return sendApiError(req, reply, 'NOT_FOUND');
    const input = PatchCaseInput.safeParse(req.body ?? {});
    if (!input.success) return invalid(req, reply, input.error);
    // case.view, the route's action, is checked by the API surface; each change asks its own.
    for (const action of actionsFor(input.data)) {
      const no = denied(req, reply, action);
      if (no) return no;
    }
    const { version, override_checks, ...changes } = input.data;
    const result = await service.updateCase(deps, me(req), caseId, changes, version, { override: override_checks ?? false });
    // A module's refusal says why in its own words (contracts/case-extension.ts).
    if (!result.ok && result.messageKey)
      return reply.code(422).send(apiError(result.code, req.t(result.messageKey), result.field));
    if (!result.ok) return sendApiError(req, reply, result.code, result.field);
    const rsit = await service.rsitByIncidentType(deps);
    return reply.send(toCaseSummary(result.value, rsit));
  });

  // Links (ADR 38): symmetric, audited on both cases. A case the caller may not know, on either
  // side, is answered as a number naming no case.
  const linkBody = { bodyLimit: 4096 };
  app.post('/cases/:id/links', { ...linkBody, config: { action: 'case.link' } }, async (req, reply) => {
    const caseId = caseIdOf(req);
    if (caseId === null) return sendApiError(req, reply, 'NOT_FOUND');
    const input = LinkInput.safeParse(req.body ?? {});
    if (!input.success) return invalid(req, reply, input.error);
    const result = await linkCases(deps, me(req), caseId, { other: input.data.case, reason: input.data.reason ?? 'related' });
    if (!result.ok) return sendApiError(req, reply, result.code, result.field === 'other' ? 'case' : result.field);
    return reply.code(result.value.added ? 201 : 200).send({ links: await linksOut(req, caseId) });
  });

  app.delete('/cases/:id/links/:other', { config: { action: 'case.link' } }, async (req, reply) => {
    const caseId = caseIdOf(req);
    if (caseId === null) return sendApiError(req, reply, 'NOT_FOUND');
    const other = caseNumber.safeParse((req.params as { other?: string }).other ?? '');
    if (!other.success) return sendApiError(req, reply, 'CASE_LINK_UNKNOWN', 'other');
    const result = await unlinkCases(deps, me(req), caseId, other.data);
    if (!result.ok) return sendApiError(req, reply, result.code, result.field);
    if (!result.value.removed) return sendApiError(req, reply, 'NOT_FOUND');
    return reply.code(204).send();
  });

  // A merge (ADR 38): this case, the duplicate, into `into`, in one transaction.
  app.post('/cases/:id/merge', { ...linkBody, config: { action: 'case.merge' } }, async (req, reply) => {
    const caseId = caseIdOf(req);
    if (caseId === null) return sendApiError(req, reply, 'NOT_FOUND');
    const input = MergeInput.safeParse(req.body ?? {});
    if (!input.success) return invalid(req, reply, input.error);
    const result = await mergeCase(deps, me(req), caseId, input.data.into, { version: input.data.version });
    if (!result.ok) return sendApiError(req, reply, result.code, result.field);
    return reply.send({ into: result.value.into!, messages: result.value.messages, files: result.value.files });
  });

  /** The links of a case the caller may know, as the case item shows them. */
  async function linksOut(req: FastifyRequest, caseId: number) {
    const view = await service.caseLinksFor(deps, me(req), caseId);
    return view.map((l) => ({ case_id: l.caseId, status: l.status, merged_into: l.mergedInto, reason: l.reason, created_at: iso(l.createdAt) }));
  }
}
