import type { FastifyReply, FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { HavenModule } from '../src/contracts/module.js';
import { MODULES } from '../src/modules.js';
import { definePolicy } from '../src/platform/auth/policy.js';
import { readForm } from '../src/platform/http/form.js';
import { UploadRefused, type MultipartRule } from '../src/platform/http/multipart.js';
import { safeString } from '../src/platform/http/validation.js';
import { engines } from './engines.js';
import { createHarness, type Harness } from './harness.js';
import { signInAs, type StaffSignIn } from './staff-session.js';

// Files in forms, apart from any route that uses them: a module only this test registers adds
// one on the public surface and one on the staff surface, each opting in with config.multipart,
// and the body goes through the one form path (form.ts readForm); and a streamed one, whose
// handler reads the files itself (attachments, ADR 26). Everything else refuses multipart as it
// refuses any content type it does not read.

const RULE: MultipartRule = { maxFileBytes: 64 * 1024, maxFiles: 2, types: ['application/pdf', 'image/png', 'text/plain'] };
const Fields = z.object({ title: safeString().trim().min(1, 'common.form.invalid').max(100, 'common.form.invalid') });

/** What the test route was handed, to prove that a refused body reaches no handler. */
const handled: { title: string; files: number }[] = [];

async function uploadRoute(req: FastifyRequest, reply: FastifyReply) {
  const form = readForm(req, Fields, { fields: ['title'] });
  if (!form.ok) return reply.code(422).send({ errors: form.errors, values: form.values });
  handled.push({ title: form.data.title, files: form.files.length });
  return reply.send({
    title: form.data.title,
    files: form.files.map((f) => ({ field: f.field, filename: f.filename, type: f.type, size: f.data.length, buffer: Buffer.isBuffer(f.data) })),
  });
}

/** The streamed rule: files read by the route itself, never held whole (attachments, ADR 26). */
const STREAMED: MultipartRule = { ...RULE, streamed: true, maxTotalBytes: 100 * 1024 };

/** What the streamed route saw: its fields, then each file's name, size and first bytes. */
async function streamedRoute(req: FastifyRequest, reply: FastifyReply) {
  const fields = { ...(req.body as Record<string, unknown>) };
  // `?ignore=1`: answer without reading the files; they are dropped before the answer goes out.
  if ((req.query as Record<string, string>).ignore === '1') return reply.send({ fields, ignored: true, chosen: req.incoming?.chosen ?? false });
  try {
    const files = (await req.incoming?.each(async (file, bytes) => {
      let size = 0;
      let largest = 0;
      for await (const chunk of bytes) {
        size += chunk.length;
        largest = Math.max(largest, chunk.length);
      }
      return { ...file, size, largest };
    })) ?? [];
    return reply.send({ fields, files });
  } catch (e) {
    if (e instanceof UploadRefused) return reply.code(499).send({ fields, refused: e.code, reason: e.reason ?? null });
    throw e;
  }
}

const uploadTestModule: HavenModule = {
  name: 'uploadtest',
  policy: definePolicy({ 'uploadtest.send': ['admin'] }),
  registerPublic(app) {
    app.post('/upload-test', { bodyLimit: 8192, config: { multipart: RULE } }, uploadRoute);
    app.post('/stream-test', { bodyLimit: 8192, config: { multipart: STREAMED } }, streamedRoute);
  },
  registerStaff(app) {
    app.post('/upload-test', { config: { action: 'uploadtest.send', multipart: RULE } }, uploadRoute);
  },
};

type Part = { name: string; value: string } | { name: string; filename: string; type: string; data: Buffer };

const BOUNDARY = '----haven-test-boundary';

/** A multipart/form-data body as a browser sends it. */
function multipart(parts: Part[]): { payload: Buffer; headers: Record<string, string> } {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    chunks.push(Buffer.from(`--${BOUNDARY}\r\n`));
    if ('value' in p) {
      chunks.push(Buffer.from(`Content-Disposition: form-data; name="${p.name}"\r\n\r\n`), Buffer.from(p.value), Buffer.from('\r\n'));
    } else {
      chunks.push(
        Buffer.from(`Content-Disposition: form-data; name="${p.name}"; filename="${p.filename}"\r\nContent-Type: ${p.type}\r\n\r\n`),
        p.data,
        Buffer.from('\r\n'),
      );
    }
  }
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` } };
}

const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(1000, 0x20)]);
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 1)]);
const pdf = (name = 'evidence.pdf', data = PDF): Part => ({ name: 'attachment', filename: name, type: 'application/pdf', data });

for (const engine of engines.slice(0, 1)) {
  describe.skipIf(!engine.available)(`multipart forms on ${engine.name}`, () => {
    let h: Harness;
    let admin: StaffSignIn;
    beforeAll(async () => {
      h = await createHarness(engine, {}, { modules: [...MODULES, uploadTestModule] });
      admin = await signInAs(h, 'admin');
    });
    afterAll(async () => h?.close());

    const post = (url: string, body: { payload: Buffer | string; headers: Record<string, string> }, headers: Record<string, string> = {}) =>
      h.app.inject({ method: 'POST', url, payload: body.payload, headers: { ...body.headers, ...headers } });

    it('reads the fields through the schema and holds the files in memory', async () => {
      const before = handled.length;
      const res = await post(
        '/upload-test',
        multipart([{ name: 'title', value: '  Phishing mail  ' }, pdf(), { name: 'attachment', filename: 'shot.png', type: 'image/png', data: PNG }]),
      );
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        title: 'Phishing mail',
        files: [
          { field: 'attachment', filename: 'evidence.pdf', type: 'application/pdf', size: PDF.length, buffer: true },
          { field: 'attachment', filename: 'shot.png', type: 'image/png', size: PNG.length, buffer: true },
        ],
      });
      expect(handled.length).toBe(before + 1);
    });

    it('takes the same form urlencoded, and a file input left empty as no file', async () => {
      const plain = await post('/upload-test', { payload: 'title=Hello', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(plain.json()).toEqual({ title: 'Hello', files: [] });
      const empty = await post('/upload-test', multipart([{ name: 'title', value: 'Hi' }, { name: 'attachment', filename: '', type: 'application/octet-stream', data: Buffer.alloc(0) }]));
      expect(empty.json()).toEqual({ title: 'Hi', files: [] });
    });

    it('gives a field message for a field the schema refuses, and keeps what was typed', async () => {
      const res = await post('/upload-test', multipart([{ name: 'title', value: '   ' }, pdf()]));
      expect(res.statusCode).toBe(422);
      expect(res.json()).toEqual({ errors: { title: 'common.form.invalid' }, values: { title: '   ' } });
      const control = await post('/upload-test', multipart([{ name: 'title', value: 'a\u0007b' }]));
      expect(control.json().errors).toEqual({ title: 'common.form.control_chars' });
    });

    it('refuses a file too large (413), saying how large a file may be, in the reader’s language', async () => {
      const before = handled.length;
      const big = pdf('big.pdf', Buffer.concat([PDF, Buffer.alloc(RULE.maxFileBytes, 0x20)]));
      const res = await post('/upload-test', multipart([{ name: 'title', value: 'x' }, big]));
      expect(res.statusCode).toBe(413);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.body).toContain('each file may be up to 0.06 MB');
      expect(res.body).toContain('Nothing was saved');
      const es = await post('/upload-test', multipart([{ name: 'title', value: 'x' }, big]), { 'accept-language': 'es' });
      expect(es.body).toContain('cada archivo puede tener hasta 0,06 MB');
      const ar = await post('/upload-test', multipart([{ name: 'title', value: 'x' }, big]), { 'accept-language': 'ar' });
      expect(ar.body).toContain('أحد الملفات المرفقة كبير جدًا');
      expect(handled.length).toBe(before);
    });

    it('refuses one file too many (413), saying how many may be sent', async () => {
      const before = handled.length;
      const res = await post('/upload-test', multipart([{ name: 'title', value: 'x' }, pdf('1.pdf'), pdf('2.pdf'), pdf('3.pdf')]));
      expect(res.statusCode).toBe(413);
      expect(res.body).toContain('up to 2 files may be sent here');
      expect(handled.length).toBe(before);
    });

    it('refuses a type the route does not take, and a file that is not what it claims (422)', async () => {
      const before = handled.length;
      const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(100)]);
      for (const file of [
        { name: 'attachment', filename: 'tool.exe', type: 'application/x-msdownload', data: exe },
        { name: 'attachment', filename: 'photo.png', type: 'image/png', data: exe },
        { name: 'attachment', filename: 'doc.pdf', type: 'application/pdf', data: Buffer.from('not a pdf') },
        { name: 'attachment', filename: 'page.html', type: 'text/html', data: Buffer.from('<script>') },
      ]) {
        const res = await post('/upload-test', multipart([{ name: 'title', value: 'x' }, pdf(), file]));
        expect(res.statusCode, file.filename).toBe(422);
        expect(res.body).toContain('is of a type that is not accepted here');
      }
      expect(handled.length).toBe(before);
    });

    it('refuses a text field longer than the route’s body limit (413)', async () => {
      const res = await post('/upload-test', multipart([{ name: 'title', value: 'x'.repeat(10_000) }]));
      expect(res.statusCode).toBe(413);
      // Nor many fields that together pass it.
      const many = Array.from({ length: 20 }, (_, i) => ({ name: `f${i}`, value: 'x'.repeat(1000) }));
      expect((await post('/upload-test', multipart([{ name: 'title', value: 'x' }, ...many]))).statusCode).toBe(413);
    });

    it('answers a multipart body it cannot read with a 400 page, nothing handled', async () => {
      const before = handled.length;
      const good = multipart([{ name: 'title', value: 'x' }, pdf()]).payload;
      const bodies: { payload: Buffer | string; type: string }[] = [
        // Cut short in the middle of a file.
        { payload: good.subarray(0, good.length - 300), type: `multipart/form-data; boundary=${BOUNDARY}` },
        // No boundary in the content type.
        { payload: good, type: 'multipart/form-data' },
        // A boundary that never appears.
        { payload: 'just some text', type: 'multipart/form-data; boundary=nothere' },
        // A field named like a prototype property.
        { payload: multipart([{ name: '__proto__', value: 'x' }]).payload, type: `multipart/form-data; boundary=${BOUNDARY}` },
      ];
      for (const b of bodies) {
        const res = await post('/upload-test', { payload: b.payload, headers: { 'content-type': b.type } });
        expect(res.statusCode, b.type).toBe(400);
        expect(res.body).toContain('What was sent could not be read');
      }
      expect(handled.length).toBe(before);
    });

    it('refuses multipart on every route that does not opt in (415), public, staff and API', async () => {
      const body = multipart([{ name: 'title', value: 'x' }, pdf()]);
      const followup = await post('/followup', body);
      expect(followup.statusCode).toBe(415);
      expect(followup.body).toContain('is in a format that is not accepted here');
      const retention = await post('/staff/retention', multipart([{ name: '_csrf', value: admin.csrf }, { name: 'status', value: 'closed' }]), { cookie: admin.cookie });
      expect(retention.statusCode).toBe(415);
      const api = await post('/api/v1/cases/1/messages', body);
      expect([401, 415]).toContain(api.statusCode);
    });

    it('on the staff surface: read only for a signed-in person, behind the CSRF check', async () => {
      const before = handled.length;
      const anonymous = await post('/staff/upload-test', multipart([{ name: 'title', value: 'x' }, pdf()]));
      expect(anonymous.statusCode).toBe(303);
      expect(anonymous.headers.location).toBe('/staff/sign-in');
      const noCsrf = await post('/staff/upload-test', multipart([{ name: 'title', value: 'x' }, pdf()]), { cookie: admin.cookie });
      expect(noCsrf.statusCode).toBe(403);
      expect(handled.length).toBe(before);
      const ok = await post('/staff/upload-test', multipart([{ name: '_csrf', value: admin.csrf }, { name: 'title', value: 'Staff' }, pdf()]), {
        cookie: admin.cookie,
      });
      expect(ok.statusCode).toBe(200);
      expect(ok.json().files).toHaveLength(1);
      expect(handled.length).toBe(before + 1);
    });
    describe('streamed (the route reads the files itself)', () => {
      it('gives the route its fields first, then each file’s bytes as they arrive, never whole', async () => {
        const big = pdf('big.pdf', Buffer.concat([PDF, Buffer.alloc(60 * 1024, 0x41)]));
        const res = await post('/stream-test', multipart([{ name: 'title', value: 'Hi' }, big, { name: 'attachment', filename: 'shot.png', type: 'image/png', data: PNG }]));
        expect(res.statusCode).toBe(200);
        const body = res.json();
        expect(body.fields).toEqual({ title: 'Hi' });
        expect(body.files.map((f: { filename: string; size: number; type: string }) => [f.filename, f.size, f.type])).toEqual([
          ['big.pdf', PDF.length + 60 * 1024, 'application/pdf'],
          ['shot.png', PNG.length, 'image/png'],
        ]);
      });

      it('refuses a text field after a file: the checks that need it ran before the files', async () => {
        const res = await post('/stream-test', multipart([{ name: 'title', value: 'Hi' }, pdf(), { name: '_csrf', value: 'late' }]));
        expect(res.statusCode).toBe(499);
        expect(res.json()).toMatchObject({ refused: 'MALFORMED_BODY', fields: { title: 'Hi' } });
      });

      it('counts as the bytes come: one too many, one byte too large, too large together, a type not taken', async () => {
        const refusal = async (parts: Parameters<typeof multipart>[0]) => (await post('/stream-test', multipart(parts))).json();
        expect(await refusal([pdf('1.pdf'), pdf('2.pdf'), pdf('3.pdf')])).toMatchObject({ refused: 'TOO_MANY_FILES' });
        const over = pdf('over.pdf', Buffer.concat([PDF, Buffer.alloc(RULE.maxFileBytes - PDF.length + 1)]));
        expect(await refusal([over])).toMatchObject({ refused: 'FILE_TOO_LARGE', reason: null });
        const exact = pdf('exact.pdf', Buffer.concat([PDF, Buffer.alloc(RULE.maxFileBytes - PDF.length)]));
        expect((await refusal([exact])).files).toHaveLength(1);
        const near = (n: string) => pdf(n, Buffer.concat([PDF, Buffer.alloc(60 * 1024)]));
        expect(await refusal([near('a.pdf'), near('b.pdf')])).toMatchObject({ refused: 'FILE_TOO_LARGE', reason: 'total' });
        expect(await refusal([{ name: 'attachment', filename: 'x.png', type: 'image/png', data: Buffer.from('MZ not a png') }])).toMatchObject({ refused: 'FILE_TYPE' });
        expect(await refusal([{ name: 'attachment', filename: 'x.exe', type: 'application/x-msdownload', data: PDF }])).toMatchObject({ refused: 'FILE_TYPE' });
        // Shorter than a signature, and not what it claims.
        expect(await refusal([{ name: 'attachment', filename: 'x.pdf', type: 'application/pdf', data: Buffer.from('%P') }])).toMatchObject({ refused: 'FILE_TYPE' });
        // An empty file input is no file.
        expect((await refusal([{ name: 'attachment', filename: '', type: 'application/octet-stream', data: Buffer.alloc(0) }])).files).toEqual([]);
      });

      it('drops the files a route did not read, and answers', async () => {
        const res = await post('/stream-test?ignore=1', multipart([{ name: 'title', value: 'x' }, pdf(), pdf('2.pdf')]));
        expect(res.statusCode).toBe(200);
        expect(res.json()).toEqual({ fields: { title: 'x' }, ignored: true, chosen: true });
        const none = await post('/stream-test?ignore=1', multipart([{ name: 'title', value: 'x' }]));
        expect(none.json().chosen).toBe(false);
      });

      it('refuses text fields beyond the route’s body limit before any file (413)', async () => {
        const res = await post('/stream-test', multipart([{ name: 'title', value: 'x'.repeat(10_000) }, pdf()]));
        expect(res.statusCode).toBe(413);
      });
    });
  });
}
