import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorCode } from '../errors.js';

// Files in forms (multipart/form-data), for the routes that ask for them and no other. A route
// opts in with `config: { multipart: { maxFileBytes, maxFiles, types } }`; everywhere else a
// multipart body is refused (415) before a byte of it is read, as any other content type a
// surface does not parse. An opted-in route's body is read before its handler: the fields
// become `req.body` as a urlencoded form's would (so the CSRF check, the NUL guard and
// form.ts's readForm treat both alike), the files become `req.uploads`, held in memory as
// Buffers and never written to disk. A file too large, one too many, a type the route does
// not take or a body that cannot be read ends the request with an error page (413, 422, 400)
// before the route runs, so nothing is saved by half.

/** What a route accepts in files. */
export interface MultipartRule {
  /** The most bytes one file may have. */
  maxFileBytes: number;
  /** The most files one form may carry. */
  maxFiles: number;
  /** The media types accepted, e.g. `application/pdf`, `image/png`. */
  types: readonly string[];
}

/** A file sent with a form, held in memory. */
export interface UploadedFile {
  /** The form field it came in. */
  field: string;
  /** The name the sender's computer gave it (text to show isolated, never a path to use). */
  filename: string;
  /** Its media type, one the route accepts (and, for the types known below, matching its first bytes). */
  type: string;
  data: Buffer;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The files of a multipart form, on a route that takes them (multipart.ts). */
    uploads?: UploadedFile[];
  }
  interface FastifyContextConfig {
    /** The route takes multipart forms with these files (multipart.ts). */
    multipart?: MultipartRule;
  }
}

/** The most text fields a multipart form may have, and the longest name one may have. */
const MAX_FIELDS = 100;
const MAX_FIELD_NAME_BYTES = 100;

/**
 * The first bytes of the types whose content can be recognised: a file that claims one of
 * them must start with them, so a program renamed `photo.png` is refused. A type absent here
 * is taken on its declared type alone.
 */
const SIGNATURES: Record<string, readonly (readonly number[])[]> = {
  'application/pdf': [[0x25, 0x50, 0x44, 0x46, 0x2d]],
  'image/png': [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  'image/jpeg': [[0xff, 0xd8, 0xff]],
  'image/gif': [
    [0x47, 0x49, 0x46, 0x38, 0x37, 0x61],
    [0x47, 0x49, 0x46, 0x38, 0x39, 0x61],
  ],
  'application/zip': [[0x50, 0x4b, 0x03, 0x04]],
};

/** Whether `data`, declared as `type`, is of a type `rule` accepts. */
export function acceptsType(rule: MultipartRule, type: string, data: Buffer): boolean {
  const declared = type.split(';')[0]!.trim().toLowerCase();
  if (!rule.types.some((t) => t.toLowerCase() === declared)) return false;
  if (declared === 'image/webp') {
    return data.subarray(0, 4).toString('latin1') === 'RIFF' && data.subarray(8, 12).toString('latin1') === 'WEBP';
  }
  const signatures = SIGNATURES[declared];
  return !signatures || signatures.some((sig) => sig.every((b, i) => data[i] === b));
}

/** An expected refusal while reading a multipart body, named by its catalogue code. */
export class UploadRefused extends Error {
  constructor(readonly code: ErrorCode) {
    super(code);
  }
}

/** What @fastify/multipart (and busboy under it) throws, in the catalogue's terms. */
function codeOf(err: unknown): ErrorCode {
  if (err instanceof UploadRefused) return err.code;
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') return 'FILE_TOO_LARGE';
  if (code === 'FST_FILES_LIMIT') return 'TOO_MANY_FILES';
  if (code === 'FST_FIELDS_LIMIT' || code === 'FST_PARTS_LIMIT') return 'BODY_TOO_LARGE';
  // Anything else (a broken boundary, a part cut short, a field named like a prototype
  // property, JSON that does not parse) is a body that cannot be read.
  return 'MALFORMED_BODY';
}

/**
 * Reads an opted-in route's multipart body: text fields into a form body, files into memory.
 * Limits are checked as the bytes arrive: reading stops at the first file too large, the
 * first file too many, or a text field longer than the route's body limit.
 */
async function readMultipart(
  req: FastifyRequest,
  rule: MultipartRule,
): Promise<{ fields: Record<string, string | string[]>; files: UploadedFile[] }> {
  // The text fields together fit the route's body limit, as they would in a urlencoded form.
  const fieldSize = req.routeOptions.bodyLimit ?? 1024 * 1024;
  let textBytes = 0;
  const fields: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  const files: UploadedFile[] = [];
  const parts = req.parts({
    limits: {
      fileSize: rule.maxFileBytes,
      // The file after the last one allowed ends the reading with TOO_MANY_FILES.
      files: rule.maxFiles,
      fields: MAX_FIELDS,
      fieldSize,
      fieldNameSize: MAX_FIELD_NAME_BYTES,
      parts: MAX_FIELDS + rule.maxFiles + 1,
      headerPairs: 20,
    },
  });
  for await (const part of parts) {
    if (part.type === 'file') {
      const data = await part.toBuffer();
      // A file input left empty arrives as a part with no name and no bytes: nothing was sent.
      if (data.length === 0 && part.filename === '') continue;
      if (!acceptsType(rule, part.mimetype, data)) throw new UploadRefused('FILE_TYPE');
      files.push({ field: part.fieldname, filename: part.filename, type: part.mimetype.split(';')[0]!.trim().toLowerCase(), data });
    } else {
      if (part.valueTruncated || part.fieldnameTruncated) throw new UploadRefused('BODY_TOO_LARGE');
      if (typeof part.value !== 'string') throw new UploadRefused('MALFORMED_BODY');
      textBytes += Buffer.byteLength(part.fieldname) + Buffer.byteLength(part.value);
      if (textBytes > fieldSize) throw new UploadRefused('BODY_TOO_LARGE');
      const had = fields[part.fieldname];
      fields[part.fieldname] = had === undefined ? part.value : Array.isArray(had) ? [...had, part.value] : [had, part.value];
    }
  }
  return { fields: { ...fields }, files };
}

export interface MultipartOptions {
  /** The surface's answer to a refused body (its error page, or the API's error). */
  refuse: (req: FastifyRequest, reply: FastifyReply, code: ErrorCode) => FastifyReply;
  /**
   * Whether this request's body may be read at all: on the staff surface, only for someone
   * the route's own checks will let through, so nobody without a session makes Haven hold
   * files in memory. When false the body is left unread and the surface's checks answer.
   */
  mayRead?: (req: FastifyRequest) => boolean;
}

/**
 * On the staff surface, a body is read only for a session the route's `auth` lets through (the
 * surface's own check then answers anyone else with its redirect, the body unread).
 */
export function sessionMayRead(req: FastifyRequest): boolean {
  const need = req.routeOptions.config?.auth ?? 'full';
  if (need === 'public') return true;
  const stage = req.staff?.stage;
  return stage !== undefined && stage === need;
}

/**
 * Gives a surface multipart forms, on the routes that opt in (`config.multipart`) only. Call it
 * inside the surface's plugin, before its routes.
 */
export async function acceptMultipart(app: FastifyInstance, options: MultipartOptions): Promise<void> {
  // Only its parser and `req.parts()` are used: no temporary files, no fields attached by it.
  await app.register(fastifyMultipart);
  app.addHook('preValidation', async (req, reply) => {
    if (!req.isMultipart()) return;
    const rule = req.routeOptions.config?.multipart;
    if (!rule) return options.refuse(req, reply, 'UNSUPPORTED_MEDIA_TYPE');
    if (options.mayRead && !options.mayRead(req)) return;
    try {
      const { fields, files } = await readMultipart(req, rule);
      req.body = fields;
      req.uploads = files;
    } catch (err) {
      return options.refuse(req, reply, codeOf(err));
    }
  });
}
