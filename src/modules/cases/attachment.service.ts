import { createHash } from 'node:crypto';
import type { Deps } from '../../deps.js';
import { actorOf, recordAudit } from '../../platform/audit/audit.js';
import type { Principal } from '../../platform/auth/roles.js';
import { newStreamKey, STREAM_CHUNK, StreamOpener, StreamSealer, wipeKey } from '../../platform/crypto/stream.js';
import { openWith, randomBytes, sealWith, type CaseKey, type Vault } from '../../platform/crypto/vault.js';
import type { IncomingFile } from '../../platform/http/multipart.js';
import { inTransaction } from '../../platform/storage/db.js';
import { hasForbiddenChars, withoutForbiddenChars, withoutHiddenHandleChars } from '../../platform/text.js';
import * as repo from './attachment.repo.js';
import type { Db } from './case.repo.js';
import * as caseRepo from './case.repo.js';
import { can } from './case.policy.js';
import { mayKnow } from './access.js';
import { receiptCase } from './link.service.js';

// Files attached to a request, a follow-up message or a reply (ADR 26). A file is streamed in
// before its message exists: its bytes are sealed in chunks under a file key of its own and
// written as they arrive, in short transactions of their own, to a *pending* attachment that
// expires. The action's own transaction (the request, the message, the reply) then attaches
// it: the file key, held in memory meanwhile, is wrapped under the case key, and the row gets
// its case and message. A refused form or a crash leaves only pending rows, whose key was
// never written anywhere, and the expiry job deletes them.

/** How long a pending attachment waits for its message before the job deletes it. */
export const PENDING_MS = 6 * 60 * 60 * 1000;
/** Sealed chunks written per statement while a file streams in (1 MiB of plaintext). */
const CHUNKS_PER_WRITE = 16;
/** Sealed chunks read per statement while a file streams out. */
const CHUNKS_PER_READ = 16;
/** The longest file name kept, in characters. */
const NAME_MAX = 200;

/** A file streamed in, waiting for the transaction that attaches it. Its key exists only here. */
export interface StagedAttachment {
  id: string;
  /** The file key, raw: wiped once attached (or dropped). */
  key: Buffer;
  name: string;
  type: string;
  size: number;
  sha256: string;
  /** When it began to arrive; a form's files follow each other in the order they were sent. */
  createdAt: number;
}

/** What a reader is shown of an attachment (its name opened, its bytes not). */
export interface AttachmentSummary {
  id: string;
  messageId: string;
  name: string;
  type: string;
  size: number;
  sha256: string;
}

/** The context every chunk of attachment `id` is bound to. */
const chunkContext = (id: string) => `attachment:${id}`;
/** The context of its sealed name and hash, under the file key. */
const metaContext = (id: string) => `attachment:${id}:meta`;
/** The field its file key is sealed under, under the case key (`case:<id>:attachment:<id>:key`). */
const keyField = (id: string) => `attachment:${id}:key`;

/** A random attachment id: 32 hex digits, nothing about the case or the order of arrival. */
export function newAttachmentId(): string {
  return randomBytes(16).toString('hex');
}

/** True for the form an attachment id has (routes refuse anything else as unknown). */
export function isAttachmentId(s: unknown): s is string {
  return typeof s === 'string' && /^[0-9a-f]{32}$/.test(s);
}

/**
 * A file name fit to keep and show: the last part of a path some browsers send whole, without
 * control or invisible format characters (direction overrides), trimmed, at most NAME_MAX
 * characters; "file" when nothing is left. It is only ever shown isolated, never used as a path.
 */
export function cleanFileName(raw: string): string {
  const last = raw.split(/[\\/]/).pop() ?? '';
  let name = withoutHiddenHandleChars(withoutForbiddenChars(last.normalize('NFC'))).replace(/[\p{Zl}\p{Zp}\r\n\t]/gu, ' ').trim();
  if (hasForbiddenChars(name)) name = '';
  name = [...name].slice(0, NAME_MAX).join('');
  return name === '' || name === '.' || name === '..' ? 'file' : name;
}

/**
 * Streams one file into a pending attachment: its bytes sealed in chunks as they arrive,
 * written a few chunks per statement (never the whole file in memory), its SHA-256 counted on
 * the way. Any failure (a limit crossed, a body cut short) deletes what was written and is
 * thrown again; a crash leaves a pending row the expiry job deletes.
 */
export async function stageAttachment(
  deps: Pick<Deps, 'db' | 'now'>,
  file: IncomingFile,
  bytes: AsyncIterable<Buffer>,
  opts: { after?: StagedAttachment } = {},
): Promise<StagedAttachment> {
  const id = newAttachmentId();
  const key = newStreamKey();
  const sealer = new StreamSealer(key, chunkContext(id));
  // After the form's previous file, if only by a millisecond: files are listed in the order sent.
  const now = Math.max(deps.now(), (opts.after?.createdAt ?? 0) + 1);
  const hash = createHash('sha256');
  let size = 0;
  let seq = 0;
  let batch: { attachment_id: string; seq: number; data: Buffer }[] = [];
  const flush = async () => {
    await repo.insertChunks(deps.db, batch);
    batch = [];
  };
  let started = false;
  try {
    await repo.insertPending(deps.db, { id, header: sealer.header, type: file.type, created_at: now, expires_at: now + PENDING_MS });
    started = true;
    for await (const chunk of bytes) {
      size += chunk.length;
      hash.update(chunk);
      for (const data of sealer.push(chunk)) batch.push({ attachment_id: id, seq: seq++, data });
      if (batch.length >= CHUNKS_PER_WRITE) await flush();
    }
    batch.push({ attachment_id: id, seq: seq++, data: sealer.end() });
    await flush();
    const sha256 = hash.digest('hex');
    const name = cleanFileName(file.filename);
    const metaEnc = sealWith(key, Buffer.from(JSON.stringify({ name, sha256 }), 'utf8'), metaContext(id));
    await repo.finishPending(deps.db, id, { size, chunkCount: seq, metaEnc });
    return { id, key, name, type: file.type, size, sha256, createdAt: now };
  } catch (e) {
    wipeKey(key);
    if (started) await repo.deletePending(deps.db, [id]).catch(() => undefined);
    throw e;
  }
}

/** Deletes the pending attachments of a form that was refused or not saved (best effort: the job deletes what is left). */
export async function dropStaged(deps: Pick<Deps, 'db'>, staged: readonly StagedAttachment[]): Promise<void> {
  for (const s of staged) wipeKey(s.key);
  if (staged.length === 0) return;
  await repo.deletePending(deps.db, staged.map((s) => s.id)).catch(() => undefined);
}

/**
 * Inside the action's transaction: attaches staged files to message `messageId` of case
 * `caseId`, each file key wrapped under the case key, or, with `key` null (a follow-up
 * written while sealed, ADR 10), to the active content key, to move under the case key after
 * the next unseal. Throws if one is no longer pending (it expired and was deleted): the
 * transaction rolls back and the person is asked to send the form again.
 */
export async function attachStaged(
  db: Db,
  vault: Vault,
  target: { caseId: number; messageId: string; key: CaseKey | null },
  staged: readonly StagedAttachment[],
): Promise<void> {
  for (const s of staged) {
    const raw = s.key.toString('base64');
    let keyWrapped: Buffer;
    let sealedToKey: number | null = null;
    if (target.key) keyWrapped = target.key.seal(keyField(s.id), raw);
    else {
      const boxed = vault.sealToKey(`case:${target.caseId}:${keyField(s.id)}`, raw);
      keyWrapped = boxed.sealed;
      sealedToKey = boxed.keyId;
    }
    const done = await repo.attach(db, { id: s.id, caseId: target.caseId, messageId: target.messageId, keyWrapped, sealedToKey });
    if (!done) throw new Error('an attachment was no longer waiting for its message');
  }
}

/** Wipes the file keys of staged attachments once their transaction is over. */
export function forgetStaged(staged: readonly StagedAttachment[]): void {
  for (const s of staged) wipeKey(s.key);
}

/** A file key, opened from its wrap under the case key or to a content key. */
function fileKey(vault: Vault, key: CaseKey, row: { id: string; key_wrapped: Buffer | null; sealed_to_key: number | null }): Buffer {
  if (!row.key_wrapped) throw new Error('an attached file has no key');
  const raw =
    row.sealed_to_key !== null
      ? vault.openToKey(`case:${key.caseId}:${keyField(row.id)}`, row.key_wrapped)
      : key.open(keyField(row.id), row.key_wrapped);
  return Buffer.from(raw, 'base64');
}

function openMeta(id: string, fk: Buffer, metaEnc: Buffer | null): { name: string; sha256: string } {
  if (!metaEnc) throw new Error('an attached file has no name');
  return JSON.parse(openWith(fk, metaEnc, metaContext(id)).toString('utf8')) as { name: string; sha256: string };
}

/**
 * A file key wrapped again under another case's key (a merge, ADR 38): opened from its wrap
 * under case `from` (or to a content key), wrapped under `to`. The file's chunks and name stay
 * as they are, under the file key.
 */
export function rewrapFileKey(
  vault: Vault,
  from: CaseKey,
  to: CaseKey,
  row: { id: string; key_wrapped: Buffer | null; sealed_to_key: number | null },
): Buffer {
  const fk = fileKey(vault, from, row);
  try {
    return to.seal(keyField(row.id), fk.toString('base64'));
  } finally {
    wipeKey(fk);
  }
}

/** The attachments of a case's messages of `kinds`, names opened, by message id. */
export async function attachmentsByMessage(
  deps: Pick<Deps, 'db' | 'vault'>,
  key: CaseKey,
  kinds: readonly string[],
): Promise<Map<string, AttachmentSummary[]>> {
  const rows = await repo.listForCase(deps.db, key.caseId, kinds);
  const out = new Map<string, AttachmentSummary[]>();
  for (const r of rows) {
    const fk = fileKey(deps.vault, key, r);
    const meta = openMeta(r.id, fk, r.meta_enc);
    wipeKey(fk);
    const list = out.get(r.message_id!) ?? [];
    list.push({ id: r.id, messageId: r.message_id!, name: meta.name, type: r.type, size: Number(r.size), sha256: meta.sha256 });
    out.set(r.message_id!, list);
  }
  return out;
}

/** A file to send: what it is, and its bytes, decrypted as they are read. */
export interface AttachmentDownload {
  name: string;
  type: string;
  size: number;
  sha256: string;
  bytes: AsyncIterable<Buffer>;
}

async function* decrypted(db: Db, row: { id: string; header: Buffer; chunk_count: number }, fk: Buffer): AsyncGenerator<Buffer> {
  const opener = new StreamOpener(fk, row.header, chunkContext(row.id));
  try {
    for (let from = 0; from < row.chunk_count; from += CHUNKS_PER_READ) {
      const page = await repo.chunkPage(db, row.id, from, CHUNKS_PER_READ);
      for (const [i, c] of page.entries()) {
        // A chunk missing from the middle is a damaged file, not a shorter one.
        if (c.seq !== from + i) throw new Error('an attachment is missing a chunk');
        yield opener.pull(c.data);
      }
      if (page.length < Math.min(CHUNKS_PER_READ, row.chunk_count - from)) throw new Error('an attachment is missing a chunk');
    }
    opener.finish();
  } finally {
    wipeKey(fk);
  }
}

/**
 * Opens an attachment of `caseId` for download, audited as a read of the case
 * (`case.attachment_downloaded`) before a byte is sent. Null when there is none to this reader:
 * an unknown id, one of another case, a purged case, a note's (never), or, for a requester,
 * anything but their messages' and the replies'. Staff must be allowed to view the case.
 */
export async function openAttachment(
  deps: Deps,
  reader: { staff: Principal } | { requester: true },
  caseId: number,
  id: string,
): Promise<AttachmentDownload | null> {
  if (!isAttachmentId(id)) return null;
  // A requester's receipt whose case was merged reads its own messages' files on the case merged
  // into, and no other's (ADR 38).
  const receipt = 'staff' in reader ? { caseId, via: null } : await receiptCase(deps.db, caseId);
  if (!receipt) return null;
  caseId = receipt.caseId;
  const row = await repo.findOnCase(deps.db, caseId, id, ['requester', 'reply']);
  if (!row || row.purged_at !== null) return null;
  if (!('staff' in reader) && row.via_case_id !== receipt.via) return null;
  if ('staff' in reader) {
    const c = await caseRepo.getCaseRow(deps.db, caseId);
    if (!c || !can(reader.staff, 'case.view', c) || !(await mayKnow(deps.db, reader.staff, c))) return null;
  }
  await deps.vault.refresh(deps.db);
  const key = deps.vault.caseKey(caseId, row.case_key_wrapped);
  const fk = fileKey(deps.vault, key, row);
  const meta = openMeta(row.id, fk, row.meta_enc);
  await recordAudit(deps.db, deps.now(), {
    ...('staff' in reader
      ? actorOf(reader.staff)
      : { actorKind: 'requester' as const, actorId: null }),
    action: 'case.attachment_downloaded',
    caseId,
    detail: { attachment: id },
  });
  return { name: meta.name, type: row.type, size: Number(row.size), sha256: meta.sha256, bytes: decrypted(deps.db, row, fk) };
}

/** Deletes pending attachments whose time ran out, a batch at a time; returns how many. */
export async function deleteExpiredAttachments(deps: Pick<Deps, 'db' | 'now'>, batch = 100): Promise<number> {
  let deleted = 0;
  for (;;) {
    const ids = await repo.expiredPendingIds(deps.db, deps.now(), batch);
    if (ids.length === 0) return deleted;
    deleted += await inTransaction(deps.db, (trx) => repo.deletePending(trx, ids));
    if (ids.length < batch) return deleted;
  }
}

/**
 * Moves every file key still wrapped to a content key under its case key (after an unseal,
 * before a rotation retires the key), as moveSealedMessages does for message bodies.
 */
export async function moveSealedAttachmentKeys(deps: Pick<Deps, 'db' | 'vault'>, batchSize = 200): Promise<number> {
  let after = '';
  let moved = 0;
  for (;;) {
    const page = await repo.sealedToKeyPage(deps.db, after, batchSize);
    if (page.length === 0) return moved;
    after = page.at(-1)!.id;
    const changes: { id: string; keyId: number; wrapped: Buffer }[] = [];
    for (const a of page) {
      if (a.purged_at !== null || a.sealed_to_key === null || a.case_id === null || !a.key_wrapped) continue;
      const key = deps.vault.caseKey(a.case_id, a.case_key_wrapped);
      const raw = deps.vault.openToKey(`case:${a.case_id}:${keyField(a.id)}`, a.key_wrapped);
      changes.push({ id: a.id, keyId: a.sealed_to_key, wrapped: key.seal(keyField(a.id), raw) });
    }
    if (changes.length === 0) continue;
    await inTransaction(deps.db, async (trx) => {
      for (const c of changes) if (await repo.moveKeyUnderCaseKey(trx, c.id, c.keyId, c.wrapped)) moved += 1;
    });
  }
}

/** The plaintext bytes per chunk, for tests that count chunks. */
export const ATTACHMENT_CHUNK_BYTES = STREAM_CHUNK;

/** The files of a case's requester messages and replies, by message (none for a purged case). */
export async function attachmentsOfCase(deps: Pick<Deps, 'db' | 'vault'>, caseId: number): Promise<Map<string, AttachmentSummary[]>> {
  const row = await caseRepo.getCaseRow(deps.db, caseId);
  if (!row || row.purged_at !== null) return new Map();
  return attachmentsByMessage(deps, deps.vault.caseKey(caseId, row.key_wrapped), ['requester', 'reply']);
}
