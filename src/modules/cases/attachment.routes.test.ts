import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { hiddenField, signInAs, type StaffSignIn } from '../../../test/staff-session.js';
import { purgeCasePersonalData } from './index.js';
import { deleteExpiredAttachments, PENDING_MS } from './attachment.service.js';
import {
  attachmentCounts,
  attachmentLinks,
  linkNamed,
  fieldParts,
  multipart,
  pdfOf,
  pngOf,
  sha256,
  type Part,
} from './attachment.test-helpers.js';
import { receiptIn, signInWithReceipt, validRequest } from '../intake/intake.test-helpers.js';

// Attachments over HTTP on both engines (ADR 26): a requester's files with the request and a
// follow-up, a handler's with a reply, downloads for staff and for the requester (bytes and
// SHA-256 as sent, headers that forbid showing them), every refusal (too many, too large, too
// large together, a type not taken, a field after a file, a bad token) with nothing saved and
// the text kept, roles and ids that answer 404 or 403, and deletion with the case.

const LIMITS = { ATTACHMENT_MAX_FILES: '3', ATTACHMENT_MAX_FILE_MB: '1', ATTACHMENT_MAX_TOTAL_MB: '2' };
const MB = 1024 * 1024;

for (const engine of engines) {
  describe.skipIf(!engine.available)(`attachments over HTTP on ${engine.name}`, () => {
    let h: Harness;
    let handler: StaffSignIn;
    beforeAll(async () => {
      h = await createHarness(engine, LIMITS);
      handler = await signInAs(h, 'handler');
    });
    afterAll(async () => h?.close());

    const post = (url: string, parts: Part[], headers: Record<string, string> = {}) => {
      const body = multipart(parts);
      return h.app.inject({ method: 'POST', url, payload: body.payload, headers: { ...body.headers, ...headers } });
    };
    const latestCase = async () =>
      (await h.deps.db.selectFrom('cases').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow()).id;
    const staffGet = (url: string, who: StaffSignIn = handler) => h.app.inject({ url, headers: { cookie: who.cookie } });

    /** A request with files, as the form sends it: its fields first, then the files. */
    async function requestWith(files: Part[], overrides: Record<string, string> = {}) {
      const fields = await validRequest(h, overrides);
      return post('/request', [...fieldParts(fields), ...files]);
    }

    it('keeps a request’s files encrypted, shows them to staff and sends them back byte for byte', async () => {
      const doc = pdfOf(200_000, 3);
      const shot = pngOf(5_000);
      const res = await requestWith([
        { name: 'files', filename: 'C:\\Users\\me\\evidence\u202Egpj.pdf', type: 'application/pdf', data: doc },
        { name: 'files', filename: 'صورة الشاشة.png', type: 'image/png', data: shot },
      ]);
      expect(res.statusCode).toBe(201);
      receiptIn(res.body);
      const caseId = await latestCase();
      expect(await attachmentCounts(h.deps)).toMatchObject({ pending: 0, attached: 2 });

      // Nothing readable at rest: not the name, not the bytes.
      const rows = await h.deps.db.selectFrom('attachments').selectAll().where('case_id', '=', caseId).execute();
      const chunks = await h.deps.db.selectFrom('attachment_chunks').select('data').execute();
      const atRest = Buffer.concat([...rows.flatMap((r) => [r.meta_enc!, r.key_wrapped!, r.header]), ...chunks.map((c) => c.data)]);
      expect(atRest.includes(Buffer.from('evidence'))).toBe(false);
      expect(atRest.includes(Buffer.from(sha256(doc)))).toBe(false);
      expect(atRest.includes(doc.subarray(5000, 5100))).toBe(false);

      const page = await staffGet(`/staff/cases/${caseId}`);
      expect(page.statusCode).toBe(200);
      // The path is dropped and the direction override removed; the name is shown isolated.
      expect(page.body).toContain('<bdi dir="auto">evidencegpj.pdf</bdi>');
      expect(page.body).toContain('<bdi dir="auto">صورة الشاشة.png</bdi>');
      expect(page.body.replace(/<wbr\s*\/?>/g, '')).toContain(sha256(doc));
      const first = linkNamed(page.body, 'evidencegpj.pdf');
      const second = linkNamed(page.body, 'صورة الشاشة.png');
      // Listed in the order they were sent.
      expect(attachmentLinks(page.body)).toEqual([first, second]);

      const got = await staffGet(`/staff/cases/${caseId}/attachments/${first}`);
      expect(got.statusCode).toBe(200);
      expect(got.rawPayload.equals(doc)).toBe(true);
      expect(sha256(got.rawPayload)).toBe(sha256(doc));
      expect(got.headers['content-type']).toBe('application/octet-stream');
      expect(got.headers['content-disposition']).toBe(`attachment; filename="evidencegpj.pdf"; filename*=UTF-8''evidencegpj.pdf`);
      expect(got.headers['x-content-type-options']).toBe('nosniff');
      expect(got.headers['content-security-policy']).toBe("default-src 'none'; sandbox");
      expect(got.headers['cache-control']).toBe('no-store');
      const arabic = await staffGet(`/staff/cases/${caseId}/attachments/${second}`);
      expect(arabic.rawPayload.equals(shot)).toBe(true);
      expect(arabic.headers['content-disposition']).toBe(
        `attachment; filename="____ ______.png"; filename*=UTF-8''${encodeURIComponent('صورة الشاشة.png')}`,
      );

      // Each download is audited as a read of the case, naming the file and nothing of it.
      const audit = await h.deps.db
        .selectFrom('audit_log')
        .select(['actor_id', 'detail'])
        .where('case_id', '=', caseId)
        .where('action', '=', 'case.attachment_downloaded')
        .execute();
      expect(audit).toHaveLength(2);
      expect(audit[0]!.actor_id).toBe(handler.userId);
      expect(String(audit[0]!.detail)).toContain(first!);

      // A HEAD request is no download: it is not answered, so nothing is read or audited as one.
      const head = await h.app.inject({ method: 'HEAD', url: `/staff/cases/${caseId}/attachments/${first}`, headers: { cookie: handler.cookie } });
      expect(head.statusCode).toBe(404);
      const after = await h.deps.db
        .selectFrom('audit_log')
        .select('id')
        .where('case_id', '=', caseId)
        .where('action', '=', 'case.attachment_downloaded')
        .execute();
      expect(after).toHaveLength(2);
    });

    it('the same form with files sent twice at once saves one case with its files, and keeps none of the copy’s', async () => {
      const fields = await validRequest(h);
      const cases = (await h.deps.db.selectFrom('cases').select('id').execute()).length;
      const before = await attachmentCounts(h.deps);
      const file: Part = { name: 'files', filename: 'twice.pdf', type: 'application/pdf', data: pdfOf(80_000, 5) };
      const [a, b] = await Promise.all([post('/request', [...fieldParts(fields), file]), post('/request', [...fieldParts(fields), file])]);
      expect([a.statusCode, b.statusCode].sort()).toEqual([201, 409]);
      expect((await h.deps.db.selectFrom('cases').select('id').execute()).length).toBe(cases + 1);
      expect(await attachmentCounts(h.deps)).toMatchObject({ pending: 0, attached: before.attached + 1 });
    });

    it('takes a request without files as before, urlencoded or multipart with an empty file input', async () => {
      const before = await attachmentCounts(h.deps);
      const empty = await requestWith([{ name: 'files', filename: '', type: 'application/octet-stream', data: Buffer.alloc(0) }]);
      expect(empty.statusCode).toBe(201);
      expect(await attachmentCounts(h.deps)).toEqual(before);
    });

    it('the handler replies with a file, the requester sees both sides’ names and downloads them', async () => {
      const res = await requestWith([{ name: 'files', filename: 'mine.txt', type: 'text/plain', data: Buffer.from('my own notes') }]);
      const receipt = receiptIn(res.body);
      const caseId = await latestCase();
      const page = await staffGet(`/staff/cases/${caseId}`);
      const advice = pdfOf(70_000, 9);
      const sent = await post(
        `/staff/cases/${caseId}/replies`,
        [
          { name: '_csrf', value: handler.csrf },
          { name: 'body', value: 'Here is our guide.' },
          { name: '_once', value: hiddenField(page.body, '_once') },
          { name: 'files', filename: 'guide.pdf', type: 'application/pdf', data: advice },
        ],
        { cookie: handler.cookie },
      );
      expect(sent.statusCode).toBe(303);

      const { cookie, html } = await signInWithReceipt(h, receipt);
      expect(html).toContain('<bdi dir="auto">mine.txt</bdi>');
      expect(html).toContain('<bdi dir="auto">guide.pdf</bdi>');
      const mine = linkNamed(html, 'mine.txt');
      const guide = linkNamed(html, 'guide.pdf');
      const dl = await h.app.inject({ url: `/followup/attachments/${guide}`, headers: { cookie } });
      expect(dl.statusCode).toBe(200);
      expect(dl.rawPayload.equals(advice)).toBe(true);
      expect(dl.headers['content-disposition']).toContain('attachment;');
      expect(dl.headers['x-content-type-options']).toBe('nosniff');
      expect(dl.headers['content-security-policy']).toBe("default-src 'none'; sandbox");
      const own = await h.app.inject({ url: `/followup/attachments/${mine}`, headers: { cookie } });
      expect(own.body).toBe('my own notes');
      // Without the session: to the follow-up page; another case's session: not found.
      const anon = await h.app.inject({ url: `/followup/attachments/${guide}` });
      expect(anon.statusCode).toBe(303);
      const other = await signInWithReceipt(h, receiptIn((await requestWith([])).body));
      const foreign = await h.app.inject({ url: `/followup/attachments/${guide}`, headers: { cookie: other.cookie } });
      expect(foreign.statusCode).toBe(404);
      expect(foreign.rawPayload.includes(advice.subarray(100, 200))).toBe(false);
    });

    it('a follow-up message carries files, attached in the message’s transaction', async () => {
      const res = await requestWith([]);
      const { cookie, csrf, html } = await signInWithReceipt(h, receiptIn(res.body));
      const once = hiddenField(html, '_once');
      const note = Buffer.from('From: someone@example.org\r\nSubject: verify your account\r\n\r\nclick');
      const sent = await post(
        '/followup/conversation',
        [
          { name: '_csrf', value: csrf },
          { name: '_once', value: once },
          { name: 'body', value: 'The mail I got.' },
          { name: 'files', filename: 'phish.eml', type: 'message/rfc822', data: note },
        ],
        { cookie },
      );
      expect(sent.statusCode).toBe(303);
      const caseId = await latestCase();
      const page = await staffGet(`/staff/cases/${caseId}`);
      const [id] = attachmentLinks(page.body);
      expect((await staffGet(`/staff/cases/${caseId}/attachments/${id}`)).rawPayload.equals(note)).toBe(true);
    });

    it('a follow-up sent after its conversation closed keeps the text and says its files must be attached again', async () => {
      const before = await attachmentCounts(h.deps);
      const sent = await post('/followup/conversation', [
        { name: '_csrf', value: 'gone' },
        { name: 'body', value: 'Here is the file they sent me.' },
        { name: 'files', filename: 'note.pdf', type: 'application/pdf', data: pdfOf(5_000, 7) },
      ]);
      expect(sent.statusCode).toBe(403);
      expect(sent.body).toContain('Here is the file they sent me.');
      expect(sent.body).toContain('attach them again');
      expect(await attachmentCounts(h.deps)).toEqual(before);
    });

    describe('refusals: nothing saved, the text kept, files to be chosen again', () => {
      const fiveKb = (n: number): Part => ({ name: 'files', filename: `f${n}.pdf`, type: 'application/pdf', data: pdfOf(5_000, n) });

      async function refused(files: Part[], status: number, says: string, lang = 'en') {
        const cases = await h.deps.db.selectFrom('cases').select('id').execute();
        const before = await attachmentCounts(h.deps);
        const fields = await validRequest(h, { description: 'Keep this text, please.' });
        const res = await post('/request', [...fieldParts(fields), ...files], { 'accept-language': lang });
        expect(res.statusCode).toBe(status);
        expect(res.body).toContain(says);
        expect(res.body).toContain('Keep this text, please.');
        expect(await h.deps.db.selectFrom('cases').select('id').execute()).toHaveLength(cases.length);
        expect(await attachmentCounts(h.deps)).toEqual(before);
        return res;
      }

      it('too many files (413)', async () => {
        await refused([1, 2, 3, 4].map(fiveKb), 413, 'You chose too many files: up to 3 files may be sent. Nothing was sent.');
      });

      it('a file too large (413), in the person’s language', async () => {
        const big: Part = { name: 'files', filename: 'big.pdf', type: 'application/pdf', data: pdfOf(MB + 1) };
        await refused([fiveKb(1), big], 413, 'A file is too large: each file may be up to 1 MB. Nothing was sent.');
        await refused([big], 413, 'Un archivo es demasiado grande: cada archivo puede tener hasta 1 MB. No se envió nada.', 'es');
        const ar = await refused([big], 413, 'أحد الملفات كبير جدًا', 'ar');
        expect(ar.body).toContain('dir="rtl"');
        // Exactly the limit is taken.
        expect((await requestWith([{ name: 'files', filename: 'edge.pdf', type: 'application/pdf', data: pdfOf(MB) }])).statusCode).toBe(201);
      });

      it('files too large together (413)', async () => {
        const near = (n: number): Part => ({ name: 'files', filename: `n${n}.pdf`, type: 'application/pdf', data: pdfOf(MB - 10, n) });
        await refused([near(1), near(2), near(3)], 413, 'The files are too large together: up to 2 MB may be sent at once.');
      });

      it('a type not taken, or a file that is not what it claims (422)', async () => {
        const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(100)]);
        for (const f of [
          { name: 'files', filename: 'tool.exe', type: 'application/x-msdownload', data: exe },
          { name: 'files', filename: 'photo.png', type: 'image/png', data: exe },
          { name: 'files', filename: 'page.html', type: 'text/html', data: Buffer.from('<script>alert(1)</script>') },
          { name: 'files', filename: 'tiny.pdf', type: 'application/pdf', data: Buffer.from('%PD') },
        ])
          await refused([fiveKb(1), f], 422, 'A file is of a type that is not accepted, or is not what its name says.');
      });

      it('a field after a file (400): the tokens must come first', async () => {
        const fields = await validRequest(h, { description: 'Keep this text, please.' });
        const cases = (await h.deps.db.selectFrom('cases').select('id').execute()).length;
        const res = await post('/request', [...fieldParts(fields), fiveKb(1), { name: 'late', value: 'after the file' }]);
        expect(res.statusCode).toBe(400);
        expect(res.body).toContain('Your files did not arrive whole');
        expect((await h.deps.db.selectFrom('cases').select('id').execute()).length).toBe(cases);
        expect((await attachmentCounts(h.deps)).pending).toBe(0);
      });

      it('a bad form token or a refused field: files unread, to be chosen again', async () => {
        const before = await attachmentCounts(h.deps);
        const fields = await validRequest(h);
        const bad = await post('/request', [...fieldParts({ ...fields, _csrf: 'forged' }), fiveKb(1)]);
        expect(bad.statusCode).toBe(403);
        expect(bad.body).toContain('if you had chosen files, choose them again');
        const invalid = await post('/request', [...fieldParts({ ...(await validRequest(h)), consent: '' }), fiveKb(2)]);
        expect(invalid.statusCode).toBe(422);
        expect(invalid.body).toContain('if you had chosen files, choose them again');
        expect(await attachmentCounts(h.deps)).toEqual(before);
      });

      it('on a follow-up and a reply too', async () => {
        const res = await requestWith([]);
        const caseId = await latestCase();
        const { cookie, csrf, html } = await signInWithReceipt(h, receiptIn(res.body));
        const before = await h.deps.db.selectFrom('messages').select('id').where('case_id', '=', caseId).execute();
        const counts = await attachmentCounts(h.deps);
        const follow = await post(
          '/followup/conversation',
          [
            { name: '_csrf', value: csrf },
            { name: '_once', value: hiddenField(html, '_once') },
            { name: 'body', value: 'My draft stays.' },
            ...[1, 2, 3, 4].map(fiveKb),
          ],
          { cookie },
        );
        expect(follow.statusCode).toBe(413);
        expect(follow.body).toContain('My draft stays.');
        expect(follow.body).toContain('You chose too many files');
        const page = await staffGet(`/staff/cases/${caseId}`);
        const reply = await post(
          `/staff/cases/${caseId}/replies`,
          [
            { name: '_csrf', value: handler.csrf },
            { name: 'body', value: 'A reply' },
            { name: '_once', value: hiddenField(page.body, '_once') },
            { name: 'files', filename: 'x.pdf', type: 'application/pdf', data: pdfOf(MB + 5) },
          ],
          { cookie: handler.cookie },
        );
        // The case page again, the reply kept, saying why, with the limits in the field's hint.
        expect(reply.statusCode).toBe(413);
        expect(reply.body).toContain('A file, or all of them together, is larger than allowed. Nothing was sent');
        expect(reply.body).toContain('>A reply</textarea>');
        expect(reply.body).toContain('href="#f-files"');
        expect(reply.body).toContain('each up to 1 MB');
        // The CSRF check runs on the fields before any file is read.
        const forged = await post(
          `/staff/cases/${caseId}/replies`,
          [{ name: '_csrf', value: 'forged' }, { name: 'body', value: 'A reply' }, fiveKb(1)],
          { cookie: handler.cookie },
        );
        expect(forged.statusCode).toBe(403);
        expect(await h.deps.db.selectFrom('messages').select('id').where('case_id', '=', caseId).execute()).toHaveLength(before.length);
        expect(await attachmentCounts(h.deps)).toEqual(counts);
      });
    });

    describe('who may download what', () => {
      let caseId: number;
      let id: string;
      beforeAll(async () => {
        await requestWith([{ name: 'files', filename: 'a.pdf', type: 'application/pdf', data: pdfOf(1000) }]);
        caseId = await latestCase();
        const row = await h.deps.db.selectFrom('attachments').select('id').where('case_id', '=', caseId).executeTakeFirstOrThrow();
        id = row.id;
      });

      it('refuses roles that may not view cases (403) and nobody signed in (to sign-in)', async () => {
        for (const role of ['auditor', 'researcher', 'fund_officer'] as const) {
          const who = await signInAs(h, role);
          expect((await staffGet(`/staff/cases/${caseId}/attachments/${id}`, who)).statusCode, role).toBe(403);
        }
        const anon = await h.app.inject({ url: `/staff/cases/${caseId}/attachments/${id}` });
        expect(anon.statusCode).toBe(303);
      });

      it('answers 404 for an unknown id, a malformed one, another case’s, a case that does not exist', async () => {
        const otherCase = caseId - 1;
        for (const url of [
          `/staff/cases/${caseId}/attachments/${'0'.repeat(32)}`,
          `/staff/cases/${caseId}/attachments/..%2F..%2Fetc`,
          `/staff/cases/${caseId}/attachments/${id.toUpperCase()}`,
          `/staff/cases/${otherCase}/attachments/${id}`,
          `/staff/cases/999999/attachments/${id}`,
          `/staff/cases/abc/attachments/${id}`,
        ]) {
          const res = await staffGet(url);
          expect(res.statusCode, url).toBe(404);
          expect(res.headers['content-type']).toMatch(/text\/html/);
        }
      });

      it('deletes a case’s files with its personal data, and then answers 404', async () => {
        expect(await purgeCasePersonalData(h.deps, caseId, { kind: 'requester' })).toBe('purged');
        const left = await h.deps.db.selectFrom('attachments').select('id').where('case_id', '=', caseId).execute();
        expect(left).toEqual([]);
        const chunks = await h.deps.db.selectFrom('attachment_chunks').select('seq').where('attachment_id', '=', id).execute();
        expect(chunks).toEqual([]);
        expect((await staffGet(`/staff/cases/${caseId}/attachments/${id}`)).statusCode).toBe(404);
      });
    });

    it('a requester’s own deletion removes the files with the case', async () => {
      const res = await requestWith([{ name: 'files', filename: 'd.pdf', type: 'application/pdf', data: pdfOf(3000) }]);
      const caseId = await latestCase();
      const { cookie, csrf } = await signInWithReceipt(h, receiptIn(res.body));
      const confirm = await h.app.inject({
        method: 'POST',
        url: '/followup/delete/confirm',
        payload: new URLSearchParams({ _csrf: csrf }).toString(),
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(confirm.statusCode).toBe(303);
      expect(await h.deps.db.selectFrom('attachments').select('id').where('case_id', '=', caseId).execute()).toEqual([]);
    });

    it('deletes pending files whose message never came, once their time is out', async () => {
      const { stageAttachment } = await import('./attachment.service.js');
      async function* bytes() {
        yield pdfOf(100_000);
      }
      const staged = await stageAttachment(h.deps, { field: 'files', filename: 'x.pdf', type: 'application/pdf' }, bytes());
      expect((await attachmentCounts(h.deps)).pending).toBe(1);
      expect(await deleteExpiredAttachments(h.deps)).toBe(0);
      h.clock.advance(PENDING_MS);
      expect(await deleteExpiredAttachments(h.deps)).toBe(1);
      const left = await h.deps.db.selectFrom('attachment_chunks').select('seq').where('attachment_id', '=', staged.id).execute();
      expect(left).toEqual([]);
      expect((await attachmentCounts(h.deps)).pending).toBe(0);
    });
  });
}
