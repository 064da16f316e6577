import fastifyMultipart, { type Multipart, type MultipartFile, type MultipartValue } from '@fastify/multipart';
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
//
// Two ways to take files. Small files (an organisation's logo) are read whole into memory
// before the route runs, as above: `config: { multipart: { maxFileBytes, maxFiles, types } }`,
// then `req.uploads` (or form.ts readForm's `files`). Large files (attachments, ADR 26) are
// never held whole: with `streamed: true` in the rule, only the text fields are read before
// the route runs (into `req.body`, so the surface's CSRF and NUL checks see them), and the
// route reads the files itself, one after the other, from `req.incoming.each(...)`, which
// hands it each file's bytes as they arrive, already counted against the limits and with
// their first bytes checked against their type. Browsers send fields in document order, so a
// form's hidden tokens must come before its file input: a field after a file is refused
// (400), since the checks that need it have already run. Files a route leaves unread (it
// refused the form first) are read to their end and dropped before the answer is sent.

/** What a route accepts in files. */
export interface MultipartRule {
  /** The most bytes one file may have. */
  maxFileBytes: number;
  /** The most files one form may carry. */
  maxFiles: number;
  /** The media types accepted, e.g. `application/pdf`, `image/png`. */
  types: readonly string[];
  /** The route reads the files itself, streamed (`req.incoming`); nothing is held in memory. */
  streamed?: boolean;
  /** With `streamed`: the most bytes all the files together may have. */
  maxTotalBytes?: number;
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
    /** The files still to read, on a route that takes them streamed (multipart.ts). */
    incoming?: IncomingFiles;
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
  constructor(
    readonly code: ErrorCode,
    /** For FILE_TOO_LARGE: 'total' when the files together, not one of them, were too large. */
    readonly reason?: 'total',
  ) {
    super(code);
  }
}

/** What @fastify/multipart (and busboy under it) throws, in the catalogue's terms. */
export function codeOf(err: unknown): ErrorCode {
  if (err instanceof UploadRefused) return err.code;
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'FST_REQ_FILE_TOO_LARGE') return 'FILE_TOO_LARGE';
  if (code === 'FST_FILES_LIMIT') return 'TOO_MANY_FILES';
  if (code === 'FST_FIELDS_LIMIT' || code === 'FST_PARTS_LIMIT') return 'BODY_TOO_LARGE';
  // Anything else (a broken boundary, a part cut short, a field named like a prototype
  // property, JSON that does not parse) is a body that cannot be read.
  return 'MALFORMED_BODY';
}

/** The text fields of a form, bounded as a urlencoded form's would be by the route's body limit. */
class TextFields {
  readonly values: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  private bytes = 0;
  constructor(private readonly limit: number) {}
  add(part: MultipartValue): void {
    if (part.valueTruncated || part.fieldnameTruncated) throw new UploadRefused('BODY_TOO_LARGE');
    if (typeof part.value !== 'string') throw new UploadRefused('MALFORMED_BODY');
    this.bytes += Buffer.byteLength(part.fieldname) + Buffer.byteLength(part.value);
    if (this.bytes > this.limit) throw new UploadRefused('BODY_TOO_LARGE');
    const had = this.values[part.fieldname];
    this.values[part.fieldname] = had === undefined ? part.value : Array.isArray(had) ? [...had, part.value] : [had, part.value];
  }
}

/** The parser's limits for a route: the text fields within its body limit, the files within its rule. */
function partsOf(req: FastifyRequest, rule: MultipartRule) {
  // The text fields together fit the route's body limit, as they would in a urlencoded form.
  const fieldSize = req.routeOptions.bodyLimit ?? 1024 * 1024;
  const parts = req.parts({
    limits: {
      // One byte more than allowed, so that a file too large is seen as such, not cut short.
      fileSize: rule.streamed ? rule.maxFileBytes + 1 : rule.maxFileBytes,
      // The file after the last one allowed ends the reading with TOO_MANY_FILES. Streamed, a
      // file input left empty is a part too, so one more is let through and counted here.
      files: rule.streamed ? rule.maxFiles + 1 : rule.maxFiles,
      fields: MAX_FIELDS,
      fieldSize,
      fieldNameSize: MAX_FIELD_NAME_BYTES,
      parts: MAX_FIELDS + rule.maxFiles + 2,
      headerPairs: 20,
    },
  });
  return { parts, fields: new TextFields(fieldSize) };
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
  const { parts, fields } = partsOf(req, rule);
  const files: UploadedFile[] = [];
  for await (const part of parts) {
    if (part.type === 'file') {
      const data = await part.toBuffer();
      // A file input left empty arrives as a part with no name and no bytes: nothing was sent.
      if (data.length === 0 && part.filename === '') continue;
      if (!acceptsType(rule, part.mimetype, data)) throw new UploadRefused('FILE_TYPE');
      files.push({ field: part.fieldname, filename: part.filename, type: part.mimetype.split(';')[0]!.trim().toLowerCase(), data });
    } else {
      fields.add(part);
    }
  }
  return { fields: { ...fields.values }, files };
}

/** A file arriving in a streamed form, before its bytes are read. */
export interface IncomingFile {
  /** The form field it came in. */
  field: string;
  /** The name the sender's computer gave it (text to show isolated, never a path to use). */
  filename: string;
  /** Its media type, one the route accepts (its first bytes are checked as they are read). */
  type: string;
}

/** The longest signature in SIGNATURES (and WebP's 12 bytes): what must be seen before the check. */
const SIGNATURE_BYTES = 12;

/**
 * The files of a streamed form, read by the route one after the other (see the top of this
 * file). Reading them is the route's, once; whatever it leaves unread is dropped by `discard`,
 * which the surface calls before any answer goes out.
 */
export class IncomingFiles {
  private finished = false;
  private files = 0;
  private total = 0;

  constructor(
    private readonly parts: AsyncIterator<Multipart>,
    private next: MultipartFile | null,
    readonly rule: MultipartRule,
  ) {}

  /** Whether every part of the body has been read (or dropped). */
  get done(): boolean {
    return this.finished;
  }

  /**
   * Whether the form came with a file chosen, as far as can be told before reading it: its
   * first file part has a name (an empty file input sends a part without one). A form
   * refused before its files are read says so, for the person to choose them again.
   */
  get chosen(): boolean {
    return this.next !== null && this.next.filename !== '';
  }

  /**
   * Hands each file to `take` with its bytes as they arrive, in order; returns what `take`
   * returned for each. The bytes are counted as they come: one byte past the rule's limit on
   * a file, or on all of them together, throws UploadRefused('FILE_TOO_LARGE'); a file after
   * the last allowed, TOO_MANY_FILES; a type the rule does not take, or first bytes that
   * contradict it, FILE_TYPE; a text field after a file, or a body that cannot be read,
   * MALFORMED_BODY. On any error the rest of the body is dropped before it is thrown, and
   * `take` has seen an error thrown from its bytes' iterator, so it can undo what it did.
   */
  async each<T>(take: (file: IncomingFile, bytes: AsyncIterable<Buffer>) => Promise<T>): Promise<T[]> {
    if (this.finished) throw new Error('the files of this form have been read already');
    const out: T[] = [];
    try {
      for (let part = this.next; part; part = await this.advance()) {
        const type = part.mimetype.split(';')[0]!.trim().toLowerCase();
        // A file input left empty arrives as a part with no name and no bytes: nothing was sent.
        if (part.filename === '') {
          for await (const chunk of part.file) if ((chunk as Buffer).length > 0) throw new UploadRefused('MALFORMED_BODY');
          continue;
        }
        if (++this.files > this.rule.maxFiles) throw new UploadRefused('TOO_MANY_FILES');
        if (!this.rule.types.some((t) => t.toLowerCase() === type)) throw new UploadRefused('FILE_TYPE');
        out.push(await take({ field: part.fieldname, filename: part.filename, type }, this.bytesOf(part, type)));
      }
      this.finished = true;
      return out;
    } catch (err) {
      await this.discard();
      throw err instanceof UploadRefused ? err : new UploadRefused(codeOf(err));
    }
  }

  /** The next part, which must be a file (fields come before files), or null at the end. */
  private async advance(): Promise<MultipartFile | null> {
    const r = await this.parts.next();
    if (r.done) return (this.next = null);
    if (r.value.type !== 'file') throw new UploadRefused('MALFORMED_BODY');
    return (this.next = r.value);
  }

  private async *bytesOf(part: MultipartFile, type: string): AsyncGenerator<Buffer> {
    let size = 0;
    let head: Buffer | null = Buffer.alloc(0);
    for await (const raw of part.file) {
      const chunk = raw as Buffer;
      size += chunk.length;
      this.total += chunk.length;
      if (size > this.rule.maxFileBytes) throw new UploadRefused('FILE_TOO_LARGE');
      if (this.rule.maxTotalBytes !== undefined && this.total > this.rule.maxTotalBytes)
        throw new UploadRefused('FILE_TOO_LARGE', 'total');
      if (head) {
        // The first bytes are held until there are enough to check the type against.
        head = Buffer.concat([head, chunk]);
        if (head.length < SIGNATURE_BYTES) continue;
        if (!acceptsType(this.rule, type, head)) throw new UploadRefused('FILE_TYPE');
        const first = head;
        head = null;
        yield first;
        continue;
      }
      yield chunk;
    }
    if (part.file.truncated) throw new UploadRefused('FILE_TOO_LARGE');
    if (head) {
      if (!acceptsType(this.rule, type, head)) throw new UploadRefused('FILE_TYPE');
      if (head.length > 0) yield head;
    }
  }

  /** Reads the rest of the body and drops it (a refused form, or files the route did not read). */
  async discard(): Promise<void> {
    this.finished = true;
    try {
      if (this.next && !this.next.file.readableEnded) this.next.file.resume();
      for (;;) {
        const r = await this.parts.next();
        if (r.done) return;
        if (r.value.type === 'file') r.value.file.resume();
      }
    } catch {
      // A body that breaks while it is being dropped has nothing left to drop.
    }
  }
}

/**
 * A streamed route's text fields, read up to the first file; the files are left for the route
 * (`IncomingFiles`).
 */
async function readFieldsBeforeFiles(
  req: FastifyRequest,
  rule: MultipartRule,
): Promise<{ fields: Record<string, string | string[]>; incoming: IncomingFiles }> {
  const { parts, fields } = partsOf(req, rule);
  const iterator = parts[Symbol.asyncIterator]();
  for (;;) {
    const r = await iterator.next();
    if (r.done) return { fields: { ...fields.values }, incoming: new IncomingFiles(iterator, null, rule) };
    if (r.value.type === 'file') return { fields: { ...fields.values }, incoming: new IncomingFiles(iterator, r.value, rule) };
    fields.add(r.value);
  }
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
      if (rule.streamed) {
        const { fields, incoming } = await readFieldsBeforeFiles(req, rule);
        req.body = fields;
        req.incoming = incoming;
        return;
      }
      const { fields, files } = await readMultipart(req, rule);
      req.body = fields;
      req.uploads = files;
    } catch (err) {
      return options.refuse(req, reply, codeOf(err));
    }
  });
  // Files a streamed route left unread (it refused the form, or a check before it did) are
  // read and dropped before the answer goes out, so the sender's upload ends normally and
  // the connection can carry the answer.
  app.addHook('onSend', async (req) => {
    if (req.incoming && !req.incoming.done) await req.incoming.discard();
  });
}
