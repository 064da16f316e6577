import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import type { SurfaceAssets } from '../../contracts/module.js';
import { safeEqual } from '../../platform/crypto/vault.js';
import { textBody } from '../../platform/http/body-limit.js';
import { checkFormToken, issueFormToken } from '../../platform/http/form-token.js';
import { parseForm, textField } from '../../platform/http/form.js';
import type { FieldErrors } from '../../platform/views/form.js';
import { renderPage, sendPage } from '../../platform/views/render.js';
import {
  attachmentRule,
  dropStaged,
  forgetStaged,
  LIMITS,
  openAttachment,
  requesterView,
  sendAttachment,
  stageFiles,
  type StagedFiles,
} from '../cases/index.js';
import { errorDefinition } from '../../platform/errors.js';
import { filesProblem, type FilesProblem, type FilesState } from './views/files.js';
import { publicIdentity } from '../settings/index.js';
import { cachedTaxonomyOptions } from '../taxonomies/index.js';
import { answerAfter, floorTimer, FOLLOWUP_FLOOR_MS } from './followup-floor.js';
import { HONEYPOT_FIELD, reissueTime } from './intake.abuse.js';
import { messageSchema, requestSchema } from './intake.schema.js';
import {
  endFollowupCookie,
  FOLLOWUP_COOKIE,
  FOLLOWUP_FORM,
  leaveFollowup,
  MESSAGE_FORM,
  openFollowup,
  REQUEST_FORM,
  resumeFollowup,
  sendFollowupMessage,
  submitOnce,
  type FollowupSession,
} from './intake.service.js';
import { intakeContext } from './views/context.js';
import { ConversationPage } from './views/conversation.js';
import { FollowupPage, type FollowupNotice } from './views/followup.js';
import { LandingPage } from './views/landing.js';
import { AlreadySentPage, ReceiptPage } from './views/receipt.js';
import { RequestFormPage, type RequestFormNotice } from './views/request-form.js';

/**
 * A form value as the person typed it, whole (each form's body limit bounds it); a repeated
 * field keeps its first value; '' when absent.
 */
function field(body: unknown, name: string): string {
  return textField(body, name, Infinity) ?? '';
}

const REQUEST_FIELDS = [
  'description',
  'urgency',
  'country',
  'language',
  'contact_method',
  'contact',
  'beneficiary',
  'consent',
];

/** Room in a body for a choice (a taxonomy code, as long as cases allow, or a yes). */
const CHOICE_FIELD = 64;
/** Room for a short typed answer: the receipt, or the honeypot a robot may fill. */
const SHORT_FIELD = 200;

// Each form's body limit, from the longest text each field takes (platform/http/body-limit.ts):
// 20,000 characters of Arabic, Russian or Chinese do not fit BODY_LIMIT_BYTES once encoded.
const REQUEST_BODY = textBody({
  ...Object.fromEntries(REQUEST_FIELDS.map((f) => [f, CHOICE_FIELD])),
  description: LIMITS.descriptionMax,
  contact: LIMITS.contactMax,
  [HONEYPOT_FIELD]: SHORT_FIELD,
});
const FOLLOWUP_BODY = textBody({ receipt: SHORT_FIELD, message: LIMITS.messageMax });
const MESSAGE_BODY = textBody({ body: LIMITS.messageMax });

/**
 * The follow-up form's message: optional (a blank one is dropped before the schema), else the
 * conversation's message rules.
 */
const followupSchema = z.object({ message: messageSchema.shape.body.optional() });

/** Registers the public intake pages on the public surface. */
export function registerIntakeRoutes(
  app: FastifyInstance,
  deps: Deps,
  assets: SurfaceAssets,
): void {
  // Files with a request or a follow-up message: streamed into pending attachments before the
  // one transaction that saves the message attaches them (ADR 26).
  const fileRule = attachmentRule(deps);
  const REQUEST_ROUTE = { ...REQUEST_BODY, config: { ...REQUEST_BODY.config, multipart: fileRule } };
  const MESSAGE_ROUTE = { ...MESSAGE_BODY, config: { ...MESSAGE_BODY.config, multipart: fileRule } };
  /** What a form says about files: a problem set by the route, or, when files came with a form sent back, that they must be chosen again. */
  const filesState = (req: FastifyRequest): FilesState => ({
    limits: deps.config.attachments,
    problem: fileProblems.get(req) ?? (req.incoming?.chosen ? 'again' : null),
  });
  const fileProblems = new WeakMap<FastifyRequest, FilesProblem>();
  /** Files refused: nothing is saved, and the form comes back with why, with the text kept. */
  const refuseFiles = (req: FastifyRequest, files: Extract<StagedFiles, { ok: false }>) => {
    fileProblems.set(req, filesProblem(files.code, files.reason));
    return errorDefinition(files.code).status;
  };

  const cookieOptions = {
    httpOnly: true,
    sameSite: 'strict' as const,
    path: '/followup',
    secure: deps.config.secureCookies,
  };

  // The form's choices come from the taxonomies' kept copy (at most TAXONOMY_CACHE_MS old,
  // ADR 22), and so does the schema built from their codes: rebuilt only when a list changes.
  async function requestOptions(locale: string) {
    const [urgency, country, language, beneficiary] = await Promise.all([
      cachedTaxonomyOptions(deps, 'urgency', locale),
      cachedTaxonomyOptions(deps, 'country', locale),
      cachedTaxonomyOptions(deps, 'language', locale),
      cachedTaxonomyOptions(deps, 'beneficiary', locale),
    ]);
    return { urgency, country, language, beneficiary };
  }

  let schemaFor: { lists: readonly (readonly unknown[])[]; schema: ReturnType<typeof requestSchema> } | null = null;
  /** The request schema for the codes of these lists (the same lists give the same schema). */
  function requestSchemaFor(options: Awaited<ReturnType<typeof requestOptions>>) {
    const lists = [options.country, options.language, options.beneficiary];
    if (!schemaFor || schemaFor.lists.some((l, i) => l !== lists[i])) {
      const codes = (list: readonly { value: string }[]) => new Set(list.map((o) => o.value));
      const schema = requestSchema({
        countries: codes(options.country),
        languages: codes(options.language),
        beneficiaries: codes(options.beneficiary),
      });
      schemaFor = { lists, schema };
    }
    return schemaFor.schema;
  }

  async function renderRequestForm(
    req: FastifyRequest,
    reply: FastifyReply,
    status: number,
    values: Record<string, string>,
    errors: FieldErrors,
    notice: RequestFormNotice,
    options?: Awaited<ReturnType<typeof requestOptions>>,
    firstIssuedAt?: number,
  ) {
    const ctx = intakeContext(req, assets.cssUrl, '/request');
    const now = deps.now();
    const issuedAt =
      firstIssuedAt === undefined
        ? now
        : reissueTime(firstIssuedAt, now, deps.config.intakeMinFillSeconds * 1000);
    const token = issueFormToken(deps.vault.formKey, REQUEST_FORM, issuedAt);
    const opts = options ?? (await requestOptions(req.locale));
    return sendPage(
      reply,
      status,
      <RequestFormPage
        ctx={ctx}
        values={values}
        errors={errors}
        token={token}
        notice={notice}
        options={opts}
        files={filesState(req)}
      />,
    );
  }

  function renderFollowup(
    req: FastifyRequest,
    reply: FastifyReply,
    status: number,
    p: { token?: string; notice: FollowupNotice; message?: string; messageError?: string },
  ) {
    const ctx = intakeContext(req, assets.cssUrl, '/followup');
    const token = p.token ?? issueFormToken(deps.vault.formKey, FOLLOWUP_FORM, deps.now());
    return sendPage(
      reply,
      status,
      <FollowupPage
        ctx={ctx}
        token={token}
        notice={p.notice}
        message={p.message ?? ''}
        messageError={p.messageError}
      />,
    );
  }

  async function renderConversation(
    req: FastifyRequest,
    reply: FastifyReply,
    status: number,
    session: FollowupSession,
    p: { sent?: boolean; draft?: string; errors?: FieldErrors; csrfProblem?: boolean } = {},
  ) {
    const ctx = intakeContext(req, assets.cssUrl, '/followup/conversation');
    const view = await requesterView(deps, session.caseId);
    return sendPage(
      reply,
      status,
      <ConversationPage
        ctx={ctx}
        status={view.status}
        messages={view.messages}
        locked={view.locked}
        csrfToken={session.csrfToken}
        onceToken={issueFormToken(deps.vault.formKey, MESSAGE_FORM, deps.now())}
        sent={p.sent ?? false}
        draft={p.draft ?? ''}
        errors={p.errors ?? {}}
        csrfProblem={p.csrfProblem ?? false}
        files={filesState(req)}
      />,
    );
  }

  app.get('/', async (req, reply) =>
    sendPage(
      reply,
      200,
      <LandingPage ctx={intakeContext(req, assets.cssUrl, '/')} identity={await publicIdentity(deps, req.locale)} />,
    ),
  );

  // The empty form is the same page for every visitor in a language, but for its token: it is
  // rendered once per language (and ?lang= link) and list of choices, with a marker where the
  // token goes, and each visitor gets it with a new token in place of the marker.
  const TOKEN_MARKER = 'haven-form-token-marker';
  const TOKEN_FIELD = `name="_csrf" value="${TOKEN_MARKER}"`;
  const emptyForms = new Map<string, { lists: readonly unknown[]; before: string; after: string }>();

  app.get('/request', async (req, reply) => {
    const ctx = intakeContext(req, assets.cssUrl, '/request');
    const options = await requestOptions(req.locale);
    // The organisation's name and logo are in the page too (the same object while unchanged).
    const lists = [options.urgency, options.country, options.language, options.beneficiary, ctx.brand];
    const key = `${req.locale}\0${ctx.link('/request')}`;
    let page = emptyForms.get(key);
    if (!page || page.lists.some((l, i) => l !== lists[i])) {
      const html = renderPage(
        <RequestFormPage
          ctx={ctx}
          values={{ language: req.locale, contact_method: 'none' }}
          errors={{}}
          token={TOKEN_MARKER}
          notice={null}
          options={options}
          files={{ limits: deps.config.attachments, problem: null }}
        />,
      );
      const at = html.indexOf(TOKEN_FIELD);
      if (at < 0) throw new Error('the request form has no token field');
      const split = at + TOKEN_FIELD.length - TOKEN_MARKER.length - 1;
      page = { lists, before: html.slice(0, split), after: html.slice(split + TOKEN_MARKER.length) };
      // A handful of languages, each with and without ?lang=: the map stays small.
      if (emptyForms.size >= 64) emptyForms.clear();
      emptyForms.set(key, page);
    }
    const token = issueFormToken(deps.vault.formKey, REQUEST_FORM, deps.now());
    return reply
      .code(200)
      .type('text/html; charset=utf-8')
      .send(page.before + token + page.after);
  });

  app.post('/request', REQUEST_ROUTE, async (req, reply) => {
    const body = req.body;
    const token = field(body, '_csrf');
    const check = checkFormToken(deps.vault.formKey, REQUEST_FORM, token, deps.now());
    const options = await requestOptions(req.locale);
    // A repeated field reaches the schema as sent, which refuses it; what was typed comes back
    // whole (the body limit bounds it), so a long text refused is not lost.
    const parsed = parseForm(requestSchemaFor(options), body, {
      fields: REQUEST_FIELDS,
      repeated: 'as-sent',
      shown: REQUEST_BODY.bodyLimit,
    });
    const { values } = parsed;
    // A bad token never loses what was typed: the form comes back, filled in, with a new token.
    if (!check.ok) {
      return renderRequestForm(
        req,
        reply,
        403,
        values,
        parsed.ok ? {} : parsed.errors,
        'token',
        options,
      );
    }
    if (!parsed.ok)
      return renderRequestForm(
        req,
        reply,
        422,
        values,
        parsed.errors,
        null,
        options,
        check.issuedAt,
      );

    // The files, streamed in now that the form is known to be good; any refused: nothing kept.
    const files = await stageFiles(deps, req);
    if (!files.ok) {
      const status = refuseFiles(req, files);
      return renderRequestForm(req, reply, status, values, {}, null, options, check.issuedAt);
    }

    let outcome;
    try {
      outcome = await submitOnce(
        deps,
        token,
        check.issuedAt,
        parsed.data,
        field(body, HONEYPOT_FIELD),
        files.staged,
      );
    } catch (e) {
      // Nothing was saved (one transaction) and the token was given back. The answers come
      // back in the form rather than on an error page, so a person in an emergency does not
      // have to write everything again. Only the error's name is logged, never the request.
      req.log.error({ err: { name: (e as Error)?.name } }, 'a public request could not be saved');
      await dropStaged(deps, files.staged);
      if (files.staged.length > 0) fileProblems.set(req, 'again');
      return renderRequestForm(req, reply, 503, values, {}, 'save_failed', options, check.issuedAt);
    }
    const ctx = intakeContext(req, assets.cssUrl, '/request');
    if (!outcome.ok) {
      await dropStaged(deps, files.staged);
      return sendPage(reply, 409, <AlreadySentPage ctx={ctx} />);
    }
    forgetStaged(files.staged);
    // The receipt is shown in the answer to this POST, not after a redirect: it is stored
    // nowhere (only its keyed hash, with the case), so there is nothing to hand over to a
    // second request, no code in a URL or browser history, and no cookie. The page is
    // no-store; a reload resends the same form token, which finds it used (409 above).
    // Suspected spam gets this same page: telling a robot it was caught teaches it to adapt.
    return sendPage(reply, 201, <ReceiptPage ctx={ctx} receipt={outcome.receipt} />);
  });

  app.get('/followup', async (req, reply) => {
    const done = (req.query as Record<string, unknown>).done;
    return renderFollowup(req, reply, 200, {
      notice: done === 'left' ? 'left' : done === 'expired' ? 'expired' : null,
    });
  });

  app.post('/followup', FOLLOWUP_BODY, async (req, reply) =>
    answerAfter(FOLLOWUP_FLOOR_MS, floorTimer(deps), async () => {
      const body = req.body;
      const token = field(body, '_csrf');
      const message = field(body, 'message');
      const form = parseForm(followupSchema, body, { fields: ['message'], blank: 'drop' });
      const tokenCheck = checkFormToken(deps.vault.formKey, FOLLOWUP_FORM, token, deps.now());
      if (!tokenCheck.ok) {
        return () => renderFollowup(req, reply, 403, { notice: 'token', message });
      }
      if (!form.ok) {
        const messageError = form.errors.message!;
        return () => renderFollowup(req, reply, 422, { token, notice: null, message, messageError });
      }
      const cleanMessage = form.data.message ?? '';
      const opened = await openFollowup(deps, field(body, 'receipt'));
      // Any wrong code: the same page, built from what was sent and nothing about the code.
      if (!opened)
        return () => renderFollowup(req, reply, 422, { token, notice: 'wrong_receipt', message });
      await endFollowupCookie(deps, req.cookies[FOLLOWUP_COOKIE]);
      // A message kept from an ended session is sent now, so nothing written is lost; the
      // form's token is spent with it, so a resend of this form does not send it twice.
      if (cleanMessage) await sendFollowupMessage(deps, opened.session, cleanMessage, { token, issuedAt: tokenCheck.issuedAt, form: FOLLOWUP_FORM });
      const ctx = intakeContext(req, assets.cssUrl, '/followup');
      const to = ctx.link(
        cleanMessage ? '/followup/conversation?sent=1' : '/followup/conversation',
      );
      return () => reply.setCookie(FOLLOWUP_COOKIE, opened.cookie, cookieOptions).redirect(to, 303);
    }),
  );

  app.get('/followup/conversation', async (req, reply) => {
    const cookie = req.cookies[FOLLOWUP_COOKIE];
    const session = await resumeFollowup(deps, cookie);
    const ctx = intakeContext(req, assets.cssUrl, '/followup/conversation');
    if (!session) {
      if (!cookie) return reply.redirect(ctx.link('/followup'), 303);
      reply.clearCookie(FOLLOWUP_COOKIE, cookieOptions);
      return reply.redirect(ctx.link('/followup?done=expired'), 303);
    }
    return renderConversation(req, reply, 200, session, {
      sent: (req.query as Record<string, unknown>).sent === '1',
    });
  });

  app.post('/followup/conversation', MESSAGE_ROUTE, async (req, reply) => {
    const body = req.body;
    const draft = field(body, 'body');
    const session = await resumeFollowup(deps, req.cookies[FOLLOWUP_COOKIE]);
    if (!session) {
      // The session ended while they wrote: keep the text; it is sent once the code is entered again.
      reply.clearCookie(FOLLOWUP_COOKIE, cookieOptions);
      return renderFollowup(req, reply, 403, { notice: 'expired', message: draft });
    }
    if (!safeEqual(field(body, '_csrf'), session.csrfToken)) {
      return renderConversation(req, reply, 403, session, { draft, csrfProblem: true });
    }
    const parsed = parseForm(messageSchema, body, { fields: ['body'] });
    if (!parsed.ok)
      return renderConversation(req, reply, 422, session, { draft, errors: parsed.errors });
    // A valid one-time token makes a resend of the same form harmless; a missing or stale one
    // (a page kept open past its life) still sends: losing a message is worse than a duplicate.
    const once = field(body, '_once');
    const onceCheck = checkFormToken(deps.vault.formKey, MESSAGE_FORM, once, deps.now());
    const files = await stageFiles(deps, req);
    if (!files.ok) return renderConversation(req, reply, refuseFiles(req, files), session, { draft });
    let sent: 'added' | 'already_added';
    try {
      sent = await sendFollowupMessage(
        deps,
        session,
        parsed.data.body,
        onceCheck.ok ? { token: once, issuedAt: onceCheck.issuedAt } : undefined,
        files.staged,
      );
    } catch (e) {
      await dropStaged(deps, files.staged);
      throw e;
    }
    if (sent === 'added') forgetStaged(files.staged);
    else await dropStaged(deps, files.staged);
    const ctx = intakeContext(req, assets.cssUrl, '/followup/conversation');
    return reply.redirect(ctx.link('/followup/conversation?sent=1'), 303);
  });

  // A file of the conversation (the person's own or the helpline's), for the session's case
  // only, as a download that is never shown inline (ADR 26); audited as a read of the case.
  // No HEAD twin: it would run the download, and audit it, to send no file.
  app.get('/followup/attachments/:attachmentId', { exposeHeadRoute: false }, async (req, reply) => {
    const session = await resumeFollowup(deps, req.cookies[FOLLOWUP_COOKIE]);
    const ctx = intakeContext(req, assets.cssUrl, '/followup');
    if (!session) return reply.redirect(ctx.link('/followup'), 303);
    const { attachmentId } = req.params as { attachmentId?: string };
    const file = await openAttachment(deps, { requester: true }, session.caseId, String(attachmentId ?? ''));
    if (!file) return reply.callNotFound();
    return sendAttachment(reply, file);
  });

  app.post('/followup/leave', async (req, reply) => {
    const body = req.body;
    const session = await resumeFollowup(deps, req.cookies[FOLLOWUP_COOKIE]);
    if (session) {
      if (!safeEqual(field(body, '_csrf'), session.csrfToken)) {
        return renderConversation(req, reply, 403, session, { csrfProblem: true });
      }
      await leaveFollowup(deps, session);
    }
    reply.clearCookie(FOLLOWUP_COOKIE, cookieOptions);
    const ctx = intakeContext(req, assets.cssUrl, '/followup');
    return reply.redirect(ctx.link('/followup?done=left'), 303);
  });
}
