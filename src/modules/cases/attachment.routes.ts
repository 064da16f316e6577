import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import type { Deps } from '../../deps.js';
import type { SurfaceAssets } from '../../contracts/module.js';
import type { ErrorCode } from '../../platform/errors.js';
import { UploadRefused, type MultipartRule } from '../../platform/http/multipart.js';
import { staffErrorPage } from '../../platform/views/staff-layout.js';
import { parseCaseId } from './case.js';
import { openAttachment, stageAttachment, dropStaged, type AttachmentDownload, type StagedAttachment } from './attachment.service.js';

// Files on the wire (ADR 26): the rule every form that takes attachments opts in with, the
// reading of a form's files into pending attachments, and the one way a file is sent back,
// to staff (here) and to the requester (intake's conversation), as a download only.

/**
 * The media types a message's files may have: documents, images and archives people send a
 * helpline (a suspicious mail saved as .eml, a screenshot, a PDF, a zipped folder). The types
 * platform/http/multipart.ts knows by their first bytes are checked against them.
 */
export const ATTACHMENT_TYPES = [
  'application/pdf',
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'text/plain',
  'message/rfc822',
  'application/zip',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.oasis.opendocument.text',
] as const;

/** The multipart rule of a form that takes attachments: streamed, never held whole (config.attachments). */
export function attachmentRule(deps: Pick<Deps, 'config'>): MultipartRule {
  const { maxFiles, maxFileBytes, maxTotalBytes } = deps.config.attachments;
  return { streamed: true, maxFiles, maxFileBytes, maxTotalBytes, types: ATTACHMENT_TYPES };
}

/** What reading a form's files gave: the files, pending until the action attaches them, or why none were kept. */
export type StagedFiles =
  | { ok: true; staged: StagedAttachment[] }
  | { ok: false; code: ErrorCode; reason?: 'total' | undefined };

/**
 * Reads the files of a streamed form (`req.incoming`) into pending attachments, one after the
 * other. Any refusal (too many, too large, a type not taken, a body cut short) deletes the ones
 * already read and says why: nothing of the form is kept. A form without files gives none.
 */
export async function stageFiles(deps: Deps, req: FastifyRequest): Promise<StagedFiles> {
  const staged: StagedAttachment[] = [];
  if (!req.incoming) return { ok: true, staged };
  try {
    await req.incoming.each(async (file, bytes) => {
      staged.push(await stageAttachment(deps, file, bytes, { after: staged.at(-1) }));
    });
    return { ok: true, staged };
  } catch (e) {
    await dropStaged(deps, staged);
    if (e instanceof UploadRefused) return { ok: false, code: e.code, reason: e.reason };
    throw e;
  }
}

/** A file name as an ASCII fallback for old clients: anything else becomes `_`. */
function asciiName(name: string): string {
  return name.replace(/[^\x20-\x7e]|["\\%;]/g, '_');
}

/**
 * Sends a file as a download, never to be shown by the browser: a generic type, attachment
 * disposition with the name encoded (RFC 6266 / 5987), nosniff, and a CSP that allows nothing
 * and sandboxes it in case it is opened anyway. Not cached anywhere.
 */
export function sendAttachment(reply: FastifyReply, file: AttachmentDownload): FastifyReply {
  return reply
    .code(200)
    .header('content-type', 'application/octet-stream')
    .header('content-length', String(file.size))
    .header(
      'content-disposition',
      `attachment; filename="${asciiName(file.name)}"; filename*=UTF-8''${encodeURIComponent(file.name)}`,
    )
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('cache-control', 'no-store')
    .header('cross-origin-resource-policy', 'same-origin')
    .send(Readable.from(file.bytes));
}

/** `GET /staff/cases/:id/attachments/:attachmentId`: a file of the case, for those who may view it. */
export function registerAttachmentRoutes(app: FastifyInstance, deps: Deps, assets: SurfaceAssets): void {
  const errorPage = staffErrorPage(assets.cssUrl);
  // No HEAD twin: it would run the download, and audit it, to send no file.
  app.get('/cases/:id/attachments/:attachmentId', { exposeHeadRoute: false, config: { action: 'case.view' } }, async (req, reply) => {
    const params = req.params as { id?: string; attachmentId?: string };
    const caseId = parseCaseId(params.id);
    if (caseId === null) return errorPage(req, reply, 'NOT_FOUND');
    // An unknown id, another case's file and a case one may not see are the same 404.
    const file = await openAttachment(deps, { staff: req.principal! }, caseId, String(params.attachmentId ?? ''));
    if (!file) return errorPage(req, reply, 'NOT_FOUND');
    return sendAttachment(reply, file);
  });
}

/** The reply form's message for files refused, by the refusal's code (the limits are in the field's hint). */
export function filesRefusedKey(code: ErrorCode): string {
  if (code === 'TOO_MANY_FILES') return 'cases.attachments.error_too_many';
  if (code === 'FILE_TOO_LARGE') return 'cases.attachments.error_too_large';
  if (code === 'FILE_TYPE') return 'cases.attachments.error_type';
  return 'cases.attachments.error_unreadable';
}
