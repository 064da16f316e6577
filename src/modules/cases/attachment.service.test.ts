import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { everyCrashPoint } from '../../../test/crash-points.js';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import type { Deps } from '../../deps.js';
import { createBackup, restoreBackup } from '../../platform/backup/backup.js';
import { backupKeysDir } from '../../platform/backup/keys.js';
import { deriveBackupKey, Vault } from '../../platform/crypto/vault.js';
import { issueFormToken } from '../../platform/http/form-token.js';
import { MESSAGE_FORM, openFollowup, REQUEST_FORM, sendFollowupMessage, submitOnce } from '../intake/intake.service.js';
import { plainRequest } from '../vault/vault.test-helpers.js';
import { reapplyShreds, submitRequest, submitRequests } from './index.js';
import {
  deleteExpiredAttachments,
  dropStaged,
  openAttachment,
  PENDING_MS,
  stageAttachment,
  type StagedAttachment,
} from './attachment.service.js';
import { attachmentCounts, pdfOf, sha256 } from './attachment.test-helpers.js';

// Attachments in the services on both engines (ADR 26): a crash at any statement of a request
// or a follow-up with files leaves the message with all its files or neither, and never a
// file that shows without its message; a 20 MiB file goes in and out with bounded memory;
// backups carry the files and a deletion list applied again deletes them.

const INPUT = plainRequest('Screenshots of the messages attached.');
const MB = 1024 * 1024;

/** Two small files, staged through `deps` (a database that may crash). */
async function stageTwo(deps: Pick<Deps, 'db' | 'now'>): Promise<StagedAttachment[]> {
  const staged: StagedAttachment[] = [];
  for (const [name, size] of [['one.pdf', 70_000], ['two.pdf', 3_000]] as const) {
    async function* bytes() {
      yield pdfOf(size, size);
    }
    staged.push(await stageAttachment(deps, { field: 'files', filename: name, type: 'application/pdf' }, bytes()));
  }
  return staged;
}

/** Each case created after `afterId`, with how many files are attached to it. */
async function filesPerCase(h: Harness, afterId: number): Promise<number[]> {
  const cases = await h.deps.db.selectFrom('cases').select('id').where('id', '>', afterId).orderBy('id').execute();
  const out: number[] = [];
  for (const c of cases) {
    const rows = await h.deps.db.selectFrom('attachments').select('message_id').where('case_id', '=', c.id).execute();
    // An attached file always names a message of its case.
    for (const r of rows) {
      const m = await h.deps.db.selectFrom('messages').select('case_id').where('id', '=', r.message_id!).executeTakeFirst();
      expect(m?.case_id).toBe(c.id);
    }
    out.push(rows.length);
  }
  return out;
}

const lastCaseId = async (h: Harness) =>
  (await h.deps.db.selectFrom('cases').select('id').orderBy('id', 'desc').executeTakeFirst())?.id ?? 0;

/**
 * Memory held while a 20 MiB file passed, sampled after a collection at every MiB: it does not
 * grow with the file (the median stays a few MiB), and even a moment's peak (a database
 * driver's buffers for one write) stays well below the file, which whole would be 20 MiB, its
 * ciphertext as much again.
 */
function expectBounded(samples: number[]): void {
  expect(samples.length).toBeGreaterThanOrEqual(20);
  const sorted = [...samples].sort((a, b) => a - b);
  expect(sorted[Math.floor(sorted.length / 2)]!).toBeLessThan(6 * MB);
  expect(sorted.at(-1)!).toBeLessThan(16 * MB);
}

/** Garbage collection on demand, so memory samples measure what is held, not what awaits collection. */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

for (const engine of engines) {
  describe.skipIf(!engine.available)(`attachments in the services on ${engine.name}`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await createHarness(engine, { INTAKE_MIN_FILL_SECONDS: '0', ATTACHMENT_MAX_FILE_MB: '25', ATTACHMENT_MAX_TOTAL_MB: '25' });
    });
    afterAll(async () => h?.close());

    it('saves a request with all its files or with none, at every crash point, and the form sent again comes out right', async () => {
      const start = await lastCaseId(h);
      let token = '';
      let issuedAt = 0;
      const tried = await everyCrashPoint(
        h.deps.db,
        async (db) => {
          issuedAt = h.clock.now();
          token = issueFormToken(h.deps.vault.formKey, REQUEST_FORM, issuedAt);
          const crashing = { ...h.deps, db };
          const staged = await stageTwo(crashing);
          return submitOnce(crashing, token, issuedAt, INPUT, '', staged);
        },
        async (k) => {
          const before = await filesPerCase(h, start);
          // Every case has both its files: none shows a file without its message, none misses one.
          expect(before.every((n) => n === 2), `crash at statement ${k}: ${before}`).toBe(true);
          // The person sends the same form again, choosing the files again.
          const staged = await stageTwo(h.deps);
          const again = await submitOnce(h.deps, token, issuedAt, INPUT, '', staged);
          if (!again.ok) await dropStaged(h.deps, staged);
          const after = await filesPerCase(h, start);
          expect(after.every((n) => n === 2), `after a resend at ${k}`).toBe(true);
        },
      );
      expect(tried).toBeGreaterThanOrEqual(10);
      const cases = await filesPerCase(h, start);
      // One case per form, each with both files: every crashed form (saved then, or on its
      // resend) and the last one, which ran to its end.
      expect(cases).toEqual(Array.from({ length: tried + 1 }, () => 2));
      // What crashed runs left pending is deleted once its time is out; no attached file is.
      const attached = (await attachmentCounts(h.deps)).attached;
      h.clock.advance(PENDING_MS);
      await deleteExpiredAttachments(h.deps);
      expect(await attachmentCounts(h.deps)).toMatchObject({ pending: 0, attached });
    });

    it('adds a follow-up with its file or neither, at every crash point', async () => {
      const { caseId, receipt } = await submitRequest(h.deps, INPUT);
      const opened = (await openFollowup(h.deps, receipt))!;
      const count = async () => {
        const messages = await h.deps.db.selectFrom('messages').select('id').where('case_id', '=', caseId).execute();
        const files = await h.deps.db.selectFrom('attachments').select('id').where('case_id', '=', caseId).execute();
        return { messages: messages.length, files: files.length };
      };
      let token = '';
      await everyCrashPoint(
        h.deps.db,
        async (db, k) => {
          token = issueFormToken(h.deps.vault.formKey, MESSAGE_FORM, h.clock.now());
          const crashing = { ...h.deps, db };
          const staged = await stageTwo(crashing);
          return sendFollowupMessage(crashing, opened.session, `crash ${k}`, { token, issuedAt: h.clock.now() }, staged.slice(0, 1));
        },
        async (k) => {
          const c = await count();
          // The first message has no file; each follow-up saved has exactly one.
          expect(c.files, `crash at statement ${k}`).toBe(c.messages - 1);
        },
      );
      const c = await count();
      expect(c.files).toBe(c.messages - 1);
    });

    it('streams a 20 MiB file in and out without holding it in memory', async () => {
      const gc = collector();
      const size = 20 * MB;
      const piece = 64 * 1024;
      const hashIn = createHash('sha256');
      gc();
      const base = process.memoryUsage();
      const held = () => {
        const m = process.memoryUsage();
        return m.heapUsed - base.heapUsed + (m.arrayBuffers - base.arrayBuffers);
      };
      const samples: number[] = [];
      async function* bytes() {
        for (let at = 0; at < size; at += piece) {
          const b = Buffer.alloc(piece, (at / piece) & 0xff);
          b.writeUInt32BE(at, 0);
          if (at === 0) Buffer.from('%PDF-1.7\n').copy(b);
          hashIn.update(b);
          if (at % MB === 0) {
            gc();
            samples.push(held());
          }
          yield b;
        }
      }
      const staged = await stageAttachment(h.deps, { field: 'files', filename: 'big.pdf', type: 'application/pdf' }, bytes());
      expect(staged.size).toBe(size);
      expect(staged.sha256).toBe(hashIn.digest('hex'));
      const [saved] = await submitRequests(h.deps, [{ input: INPUT, attachments: [staged] }]);
      const file = (await openAttachment(h.deps, { requester: true }, saved!.caseId, staged.id))!;
      expect(file.size).toBe(size);
      const hashOut = createHash('sha256');
      let out = 0;
      for await (const chunk of file.bytes) {
        hashOut.update(chunk);
        if (out % MB === 0) {
          gc();
          samples.push(held());
        }
        out += chunk.length;
      }
      expect(out).toBe(size);
      expect(hashOut.digest('hex')).toBe(staged.sha256);
      expectBounded(samples);
    });

    it('takes a 20 MiB file sent over a real connection without holding it in memory', async () => {
      const gc = collector();
      await h.app.listen({ host: '127.0.0.1', port: 0 });
      const address = h.app.server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const form = await h.app.inject({ url: '/request' });
      const token = /name="_csrf" value="([^"]*)"/.exec(form.body)![1]!;
      h.clock.advance(30_000);
      const boundary = '----haven-big-upload';
      const fields: Record<string, string> = {
        _csrf: token,
        description: 'A large file',
        urgency: 'reactive',
        language: 'en',
        contact_method: 'none',
        consent: 'yes',
      };
      let head = '';
      for (const [k, v] of Object.entries(fields)) head += `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`;
      head += `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="big.pdf"\r\nContent-Type: application/pdf\r\n\r\n`;
      const size = 20 * MB;
      const hash = createHash('sha256');
      const cases = await lastCaseId(h);
      gc();
      const base = process.memoryUsage();
      const samples: number[] = [];
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(
          { host: '127.0.0.1', port, method: 'POST', path: '/request', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('error', reject);
        void (async () => {
          req.write(head);
          for (let at = 0; at < size; at += 64 * 1024) {
            const b = Buffer.alloc(64 * 1024, (at >> 16) & 0xff);
            if (at === 0) Buffer.from('%PDF-1.7\n').copy(b);
            hash.update(b);
            if (!req.write(b)) await new Promise((r) => req.once('drain', r));
            if (at % MB === 0) {
              gc();
              const m = process.memoryUsage();
              samples.push(m.heapUsed - base.heapUsed + (m.arrayBuffers - base.arrayBuffers));
            }
          }
          req.end(`\r\n--${boundary}--\r\n`);
        })().catch(reject);
      });
      expect(status).toBe(201);
      const caseId = await lastCaseId(h);
      expect(caseId).toBe(cases + 1);
      const row = await h.deps.db.selectFrom('attachments').select(['id', 'size']).where('case_id', '=', caseId).executeTakeFirstOrThrow();
      expect(Number(row.size)).toBe(size);
      const file = (await openAttachment(h.deps, { requester: true }, caseId, row.id))!;
      expect(file.sha256).toBe(hash.digest('hex'));
      expectBounded(samples);
    });

    it('a backup carries the files; a deletion list applied again deletes them', async () => {
      const staged = await stageTwo(h.deps);
      const [saved] = await submitRequests(h.deps, [{ input: INPUT, attachments: staged }]);
      const dst = await createHarness(engine);
      const work = mkdtempSync(join(tmpdir(), 'haven-attachments-backup-'));
      try {
        const keys = { backupKey: deriveBackupKey(h.masterKey), keysDir: backupKeysDir(h.dataDir) };
        const out = join(work, 'b.havenbak');
        await createBackup(h.deps.storage, keys, out, { now: h.clock.now });
        await restoreBackup(dst.deps.storage, keys, out, { force: true, now: h.clock.now });
        // Opened on the restored database with the source's master key.
        const restored = { ...dst.deps, vault: new Vault(h.masterKey) };
        for (const s of staged) {
          const file = (await openAttachment(restored, { requester: true }, saved!.caseId, s.id))!;
          const chunks: Buffer[] = [];
          for await (const c of file.bytes) chunks.push(c);
          expect(sha256(Buffer.concat(chunks))).toBe(s.sha256);
          expect(file.name).toBe(s.name);
        }
        const row = await dst.deps.db.selectFrom('cases').select('created_at').where('id', '=', saved!.caseId).executeTakeFirstOrThrow();
        await reapplyShreds(dst.deps.db, [{ caseId: saved!.caseId, createdAt: row.created_at, at: h.clock.now(), rule: 'requester' }], h.clock.now());
        expect(await dst.deps.db.selectFrom('attachments').select('id').where('case_id', '=', saved!.caseId).execute()).toEqual([]);
        const ids = staged.map((s) => s.id);
        expect(await dst.deps.db.selectFrom('attachment_chunks').select('seq').where('attachment_id', 'in', ids).execute()).toEqual([]);
      } finally {
        await dst.close();
        rmSync(work, { recursive: true, force: true });
      }
    });
  });
}
