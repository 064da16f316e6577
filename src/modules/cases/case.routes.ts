import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseCaseId } from './case.js';
import type { z } from 'zod';
import type { Deps } from '../../deps.js';
import type { SurfaceAssets } from '../../contracts/module.js';
import type { Principal } from '../../platform/auth/roles.js';
import { errorDefinition, type ErrorCode } from '../../platform/errors.js';
import { textBody } from '../../platform/http/body-limit.js';
import { checkFormToken, issueFormToken } from '../../platform/http/form-token.js';
import { oneTimeToken } from '../../platform/http/spent-tokens.js';
import { parseForm } from '../../platform/http/form.js';
import type { FieldErrors } from '../../platform/views/form.js';
import { sendPage } from '../../platform/views/render.js';
import { staffContext, staffErrorPage } from '../../platform/views/staff-layout.js';
import { caseFlashes, type CaseFlash } from './case.flash.js';
import type { CaseAction } from './case.policy.js';
import {
  AssignForm,
  ClaimForm,
  formValues,
  MESSAGE_MAX,
  MessageInput,
  ReplyForm,
  StatusForm,
  TriageForm,
} from './case.schema.js';
import * as service from './case.service.js';
import { AccessPersonForm, RestrictForm } from './access.schema.js';
import { caseAccess, changeAccess } from './access.service.js';
import { auditActionLabel, triageOptions } from './case.present.js';
import { CasePage, ConflictPage, type CaseForm } from './views/case-page.js';
import { caseBrief, casePanels } from './case-extensions.js';
import type { MultipartRule } from '../../platform/http/multipart.js';
import { attachmentRule, filesRefusedKey, stageFiles } from './attachment.routes.js';
import { attachmentsOfCase, dropStaged, forgetStaged } from './attachment.service.js';
import { isolate } from '../../platform/text.js';
import { casePageTemplates, templateToInsert } from '../templates/index.js';
import { LinkForm, MergeForm, UnlinkForm } from './link.schema.js';
import { duplicateSuggestions, linkCases, unlinkCases } from './link.service.js';
import { mergeCase } from './merge.service.js';
import { mergedReceipts } from './link.repo.js';

// The handler workspace's HTML routes. Each POST: CSRF and the route's action (checked by the staff surface) →
// validate with the shared schema → one service call (which asks again with the case's facts) → 303 with a flash, or a
// 422 re-render with per-field messages, or 409 when someone else changed the case first.

/** The reply form's one-time token (platform/http/spent-tokens.ts): the same form sent twice replies once. */
const REPLY_FORM = 'case-reply-form';
/** The one-time token of the "Who may know this case" forms (ADR 32). */
const ACCESS_FORM = 'case-access-form';
/** The one-time token of the link and merge forms (ADR 38). */
const LINK_FORM = 'case-link-form';

function caseIdOf(req: FastifyRequest): number | null {
  return parseCaseId((req.params as { id?: string }).id);
}

/** Registers the case page with its forms (the queue is queue.routes.ts's). */
export function registerCaseRoutes(app: FastifyInstance, deps: Deps, assets: SurfaceAssets): void {
  const errorPage = staffErrorPage(assets.cssUrl);
  const me = (req: FastifyRequest): Principal => req.principal!;

  async function renderCase(
    req: FastifyRequest,
    reply: FastifyReply,
    caseId: number,
    status: number,
    extra: {
      flash?: string;
      failed?: { form: CaseForm; errors: FieldErrors; values: Record<string, unknown>; refusedByCheck?: boolean };
      /** `?template=`: a reply template to fill the reply box with, in the case's language (checked). */
      template?: string | null;
    } = {},
  ): Promise<FastifyReply> {
    const view = await service.viewCase(deps, me(req), caseId);
    if (!view.ok) return errorPage(req, reply, view.code);
    const templates = await casePageTemplates(deps, me(req), {
      template: extra.template ?? null,
      language: view.value.case.language,
      caseNumber: caseId,
    });
    if (!templates.ok) return errorPage(req, reply, templates.code);
    const ctx = staffContext(req, assets.cssUrl, extra.flash);
    const [options, staff, panels, duplicates, receipts] = await Promise.all([
      triageOptions(deps, req.locale, view.value.case),
      service.listCaseWorkers(deps),
      // What other modules add to the case page (ADR 31), for a case this person may see.
      casePanels(deps, { ctx, actor: me(req), case: caseBrief(view.value.case, view.value.purged !== null), now: deps.now() }),
      // Open cases from the same contact handle that this person may know (ADR 38).
      duplicateSuggestions(
        deps,
        me(req),
        { id: caseId, contact_hash: view.value.contactHash, merged_into: view.value.mergedInto },
        view.value.contact,
      ),
      mergedReceipts(deps.db, caseId),
    ]);
    return sendPage(
      reply,
      status,
      CasePage({
        ctx,
        panels,
        view: view.value,
        options,
        staff: staff.map((s) => ({ value: s.id, label: isolate(s.displayName) })),
        now: deps.now(),
        failed: extra.failed,
        replyToken: issueFormToken(deps.vault.formKey, REPLY_FORM, deps.now()),
        access: await accessPanel(me(req), caseId),
        attachments: await attachmentsOfCase(deps, caseId),
        fileLimits: deps.config.attachments,
        templates: templates.value,
        actionLabel: (a) => auditActionLabel(deps, req.t, a),
        links: { token: issueFormToken(deps.vault.formKey, LINK_FORM, deps.now()), duplicates, receipts },
      }),
    );
  }

  /** The answer to a failed change: 404/403 pages, 409 conflict page, or the form again with 422. */
  async function failure(
    req: FastifyRequest,
    reply: FastifyReply,
    caseId: number,
    form: CaseForm,
    values: Record<string, unknown>,
    code: ErrorCode,
    field: string | undefined,
    messageKey?: string,
  ): Promise<FastifyReply> {
    // A reply is kept: the page comes back as the case now is, with the text written and why nothing was saved.
    if (code === 'CONFLICT' && form === 'reply')
      return renderCase(req, reply, caseId, 409, {
        failed: { form, errors: { next_status: 'cases.error.reply_conflict' }, values },
      });
    if (code === 'CONFLICT')
      return sendPage(reply, 409, ConflictPage({ ctx: staffContext(req, assets.cssUrl), caseId }));
    // Files refused with a reply: the page comes back with the reply written, saying why (ADR 26).
    if (field === 'files')
      return renderCase(req, reply, caseId, errorDefinition(code).status, {
        failed: { form, errors: { files: filesRefusedKey(code) }, values },
      });
    if (!field || errorDefinition(code).status !== 422) return errorPage(req, reply, code);
    const key = messageKey
      ? messageKey
      : code !== 'VALIDATION_FAILED'
        ? errorDefinition(code).messageKey
        : field === 'version'
          ? 'cases.error.version_required'
          : 'cases.error.unknown_term';
    return renderCase(req, reply, caseId, 422, {
      failed: { form, errors: { [field]: key }, values, refusedByCheck: code === 'CASE_STATUS_REFUSED' },
    });
  }

  const done = (reply: FastifyReply, caseId: number, flash: CaseFlash) =>
    caseFlashes.redirect(reply, `/staff/cases/${caseId}`, flash);

  app.get('/cases/:id', { config: { action: 'case.view' } }, async (req, reply) => {
    const caseId = caseIdOf(req);
    if (caseId === null) return errorPage(req, reply, 'NOT_FOUND');
    const flash = caseFlashes.read(req);
    // A template asked for is checked before the case is read: a refusal shows no case.
    const template = await templateToInsert(deps, me(req), (req.query as { template?: unknown }).template);
    if (!template.ok) return errorPage(req, reply, template.code);
    return renderCase(req, reply, caseId, 200, { ...(flash ? { flash } : {}), template: template.value });
  });

  /** A POST route on a case declaring `action` (the staff surface checks it): parse with `schema`, run `act`, redirect with `flash`. */
  function post<T>(
    path: string,
    form: CaseForm,
    action: CaseAction,
    parse: (
      values: Record<string, unknown>,
    ) => { success: true; data: T } | { success: false; errors: FieldErrors },
    act: (
      principal: Principal,
      caseId: number,
      input: T,
      req: FastifyRequest,
    ) => Promise<{ ok: true } | { ok: false; code: ErrorCode; field?: string; messageKey?: string }>,
    flash: CaseFlash,
    options: { bodyLimit?: number; config?: { textMax: number; multipart?: MultipartRule } } = {},
  ): void {
    app.post(path, { ...options, config: { ...options.config, action } }, async (req, reply) => {
      const caseId = caseIdOf(req);
      if (caseId === null) return errorPage(req, reply, 'NOT_FOUND');
      const values = formValues(req.body, 'null');
      const parsed = parse(values);
      if (!parsed.success)
        return renderCase(req, reply, caseId, 422, {
          failed: { form, errors: parsed.errors, values },
        });
      const result = await act(me(req), caseId, parsed.data, req);
      if (!result.ok)
        return failure(req, reply, caseId, form, values, result.code, result.field, result.messageKey);
      return done(reply, caseId, flash);
    });
  }

  // The form's values (blanks already null) through the one form path (platform/http/form.ts).
  const using =
    <S extends z.ZodType>(schema: S) =>
    (values: Record<string, unknown>) => {
      const r = parseForm(schema, values, { blank: 'null' });
      return r.ok
        ? { success: true as const, data: r.data }
        : { success: false as const, errors: r.errors };
    };

  // The reply, and the status the case moves to with it (or none), in one transaction. A valid
  // one-time token makes a resend of the same form harmless; a missing or stale one (a page kept
  // open past its life) still sends: losing a reply is worse than a duplicate.
  post(
    '/cases/:id/replies',
    'reply',
    'case.reply',
    (values) => {
      const r = using(ReplyForm)(values);
      if (!r.success) return r;
      const check = checkFormToken(deps.vault.formKey, REPLY_FORM, values._once, deps.now());
      const once = check.ok
        ? oneTimeToken(deps.vault, 'case-reply-form-token', String(values._once), check.issuedAt)
        : undefined;
      return { success: true as const, data: { ...r.data, once } };
    },
    async (p, id, { body, next_status, version, to, once }, req) => {
      // Files sent with the reply are read (streamed, pending) before its transaction attaches them (ADR 26).
      const files = await stageFiles(deps, req);
      if (!files.ok) return { ok: false as const, code: files.code, field: 'files' };
      const r = await service.replyWithStatus(deps, p, id, { body, status: next_status, version, to }, { once, attachments: files.staged });
      if (r.ok && !r.value.repeated) forgetStaged(files.staged);
      else await dropStaged(deps, files.staged);
      // The service names the case's field; the form's is next_status.
      return r.ok || r.field !== 'status' ? r : { ...r, field: 'next_status' };
    },
    'reply_sent',
    // 20,000 characters in any script: a body limit of its own (platform/http/body-limit.ts);
    // files, streamed, within the attachment limits (config.attachments).
    { ...textBody({ body: MESSAGE_MAX }), config: { textMax: MESSAGE_MAX, multipart: attachmentRule(deps) } },
  );

  // The note's field is called `note` so that its id differs from the reply's on the same page.
  post(
    '/cases/:id/notes',
    'note',
    'case.note',
    (values) => {
      const r = using(MessageInput)({ body: values.note });
      return r.success ? r : { success: false as const, errors: renameBody(r.errors) };
    },
    (p, id, input) => service.addNote(deps, p, id, input.body),
    'note_added',
    textBody({ note: MESSAGE_MAX }),
  );

  post(
    '/cases/:id/triage',
    'triage',
    'case.triage',
    using(TriageForm),
    (p, id, { version, ...triage }) => service.updateCase(deps, p, id, triage, version),
    'triage_saved',
  );

  post(
    '/cases/:id/assignment',
    'assign',
    'case.assign',
    using(AssignForm),
    (p, id, input) =>
      service.updateCase(deps, p, id, { assignee_id: input.assignee_id }, input.version),
    'assigned',
  );

  post(
    '/cases/:id/claim',
    'assign',
    'case.claim',
    using(ClaimForm),
    (p, id, input) => service.updateCase(deps, p, id, { assignee_id: p.userId }, input.version),
    'claimed',
  );

  post(
    '/cases/:id/status',
    'status',
    'case.status',
    using(StatusForm),
    (p, id, input) =>
      service.updateCase(deps, p, id, { status: input.status }, input.version, { override: input.override }),
    'status_changed',
  );

  /** Who may know the case, for its page's section (ADR 32); none when it cannot be read. */
  async function accessPanel(p: Principal, caseId: number) {
    const access = await caseAccess(deps, p, caseId);
    return access.ok ? { view: access.value, token: issueFormToken(deps.vault.formKey, ACCESS_FORM, deps.now()) } : undefined;
  }

  // Need-to-know (ADR 32): each form carries the one-time token (spent in the change's
  // transaction; a missing or stale one still sends, as the reply form does), and restricting or
  // lifting also the version the page showed.
  const withOnce =
    <T extends object>(
      parse: (values: Record<string, unknown>) => { success: true; data: T } | { success: false; errors: FieldErrors },
    ) =>
    (values: Record<string, unknown>) => {
      const r = parse(values);
      if (!r.success) return r;
      const check = checkFormToken(deps.vault.formKey, ACCESS_FORM, values._once, deps.now());
      const once = check.ok ? oneTimeToken(deps.vault, 'case-access-form-token', String(values._once), check.issuedAt) : undefined;
      return { success: true as const, data: { ...r.data, once } };
    };

  post(
    '/cases/:id/restriction',
    'access',
    'case.restrict',
    withOnce(using(RestrictForm)),
    (p, id, { restricted, version, once }) => changeAccess(deps, p, id, { restricted, version }, { once }),
    'access_saved',
  );

  post(
    '/cases/:id/access',
    'access',
    'case.restrict',
    withOnce(using(AccessPersonForm)),
    (p, id, { person, once }) => changeAccess(deps, p, id, { add: [person] }, { once }),
    'access_added',
  );

  post(
    '/cases/:id/access/remove',
    'access',
    'case.restrict',
    withOnce(using(AccessPersonForm)),
    (p, id, { person, once }) => changeAccess(deps, p, id, { remove: [person] }, { once }),
    'access_removed',
  );

  // Links and merges (ADR 38). Each form carries a one-time token, spent in the change's
  // transaction. A link's stale token still sends (a link is easily undone, as the access forms);
  // a merge is not undone, so a merge form that is stale, forged or missing merges nothing and
  // comes back with its message.
  const linkOnce = (values: Record<string, unknown>) => {
    const check = checkFormToken(deps.vault.formKey, LINK_FORM, values._once, deps.now());
    return check.ok ? oneTimeToken(deps.vault, 'case-link-form-token', String(values._once), check.issuedAt) : undefined;
  };

  app.post('/cases/:id/links', { config: { action: 'case.link' } }, async (req, reply) => {
    const caseId = caseIdOf(req);
    if (caseId === null) return errorPage(req, reply, 'NOT_FOUND');
    const values = formValues(req.body, 'null');
    const parsed = using(LinkForm)(values);
    if (!parsed.success) return linkRefused(req, reply, caseId, 'link', values, parsed.errors);
    const r = await linkCases(deps, me(req), caseId, parsed.data, { once: linkOnce(values) });
    if (!r.ok) return failure(req, reply, caseId, 'link', values, r.code, r.field);
    return done(reply, caseId, r.value.added || r.value.repeated ? 'linked' : 'link_exists');
  });

  app.post('/cases/:id/links/remove', { config: { action: 'case.link' } }, async (req, reply) => {
    const caseId = caseIdOf(req);
    if (caseId === null) return errorPage(req, reply, 'NOT_FOUND');
    const values = formValues(req.body, 'null');
    const parsed = using(UnlinkForm)(values);
    if (!parsed.success) return linkRefused(req, reply, caseId, 'link', values, parsed.errors);
    const r = await unlinkCases(deps, me(req), caseId, parsed.data.other, { once: linkOnce(values) });
    if (!r.ok) return failure(req, reply, caseId, 'link', values, r.code, r.field);
    return done(reply, caseId, 'unlinked');
  });

  app.post('/cases/:id/merge', { config: { action: 'case.merge' } }, async (req, reply) => {
    const caseId = caseIdOf(req);
    if (caseId === null) return errorPage(req, reply, 'NOT_FOUND');
    const values = formValues(req.body, 'null');
    const parsed = using(MergeForm)(values);
    if (!parsed.success) return linkRefused(req, reply, caseId, 'merge', values, parsed.errors);
    const once = linkOnce(values);
    const r = once
      ? await mergeCase(deps, me(req), caseId, parsed.data.into, { once, version: parsed.data.version })
      : ({ ok: false, code: 'CASE_MERGE_STALE', field: 'into' } as const);
    // A refused form comes back on the case page, which a person who may not know the case never sees (404).
    if (!r.ok) return failure(req, reply, caseId, 'merge', values, r.code, r.field);
    if (r.value.repeated)
      return caseFlashes.redirect(reply, `/staff/cases/${r.value.into ?? caseId}`, 'merge_repeated');
    return caseFlashes.redirect(reply, `/staff/cases/${r.value.into!}`, 'merged', { count: r.value.messages });
  });

  /** A link or merge form refused by its schema: the page again with the message, as for any case form (422). */
  function linkRefused(
    req: FastifyRequest,
    reply: FastifyReply,
    caseId: number,
    form: CaseForm,
    values: Record<string, unknown>,
    errors: FieldErrors,
  ) {
    return renderCase(req, reply, caseId, 422, { failed: { form, errors, values } });
  }
}

function renameBody(errors: FieldErrors): FieldErrors {
  const { body, ...rest } = errors;
  return body ? { ...rest, note: body } : rest;
}
