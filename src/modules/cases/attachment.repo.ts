import type { Insertable } from 'kysely';
import type { AttachmentChunksTable, AttachmentsTable } from '../../platform/storage/schema.js';
import type { Db } from './case.repo.js';

// The only SQL for attachments and attachment_chunks (ADR 26), except purge.repo.ts, which
// deletes a purged case's files with the rest of its personal data.

/** A pending attachment as first written, before its bytes. */
export type NewPendingRow = Pick<Insertable<AttachmentsTable>, 'id' | 'header' | 'type' | 'created_at' | 'expires_at'>;

/** Starts a pending attachment: no case, no message, no wrapped key yet. */
export async function insertPending(db: Db, row: NewPendingRow): Promise<void> {
  await db
    .insertInto('attachments')
    .values({
      id: row.id,
      case_id: null,
      message_id: null,
      key_wrapped: null,
      sealed_to_key: null,
      header: row.header,
      meta_enc: null,
      type: row.type,
      size: 0,
      chunk_count: 0,
      created_at: row.created_at,
      expires_at: row.expires_at,
    })
    .execute();
}

/** Appends encrypted chunks of a pending attachment, with one statement. */
export async function insertChunks(db: Db, rows: readonly Insertable<AttachmentChunksTable>[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('attachment_chunks')
    .values(rows.map((r) => ({ attachment_id: r.attachment_id, seq: r.seq, data: r.data })))
    .execute();
}

/** Marks a pending attachment's bytes complete: its size, chunk count and sealed metadata. */
export async function finishPending(
  db: Db,
  id: string,
  p: { size: number; chunkCount: number; metaEnc: Buffer },
): Promise<void> {
  await db
    .updateTable('attachments')
    .set({ size: p.size, chunk_count: p.chunkCount, meta_enc: p.metaEnc })
    .where('id', '=', id)
    .where('case_id', 'is', null)
    .execute();
}

/** Deletes pending attachments (and their chunks): a refused form's files, or expired ones. */
export async function deletePending(db: Db, ids: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0;
  await db.deleteFrom('attachment_chunks').where('attachment_id', 'in', [...ids]).execute();
  const res = await db
    .deleteFrom('attachments')
    .where('id', 'in', [...ids])
    .where('case_id', 'is', null)
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}

/** Pending attachments whose time ran out at `now`, at most `limit`. */
export async function expiredPendingIds(db: Db, now: number, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('attachments')
    .select('id')
    .where('expires_at', 'is not', null)
    .where('expires_at', '<=', now)
    .orderBy('expires_at')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Attaches a complete pending attachment to its case and message, with its file key wrapped.
 * False when it is no longer pending and complete (expired and deleted, or attached already).
 */
export async function attach(
  db: Db,
  p: { id: string; caseId: number; messageId: string; keyWrapped: Buffer; sealedToKey: number | null },
): Promise<boolean> {
  const res = await db
    .updateTable('attachments')
    .set({
      case_id: p.caseId,
      message_id: p.messageId,
      key_wrapped: p.keyWrapped,
      sealed_to_key: p.sealedToKey,
      expires_at: null,
    })
    .where('id', '=', p.id)
    .where('case_id', 'is', null)
    .where('expires_at', 'is not', null)
    .where('meta_enc', 'is not', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** The attachments of a case's messages of `kinds`, in the order they were sent. */
export async function listForCase(db: Db, caseId: number, kinds: readonly string[]) {
  return db
    .selectFrom('attachments')
    .innerJoin('messages', 'messages.id', 'attachments.message_id')
    .select([
      'attachments.id',
      'attachments.message_id',
      'attachments.key_wrapped',
      'attachments.sealed_to_key',
      'attachments.meta_enc',
      'attachments.type',
      'attachments.size',
      'messages.kind',
    ])
    .where('attachments.case_id', '=', caseId)
    .where('messages.kind', 'in', [...kinds])
    .orderBy('attachments.created_at')
    .orderBy('attachments.id')
    .execute();
}

/** One attachment of a case's message of `kinds`, with the case's wrapped key; undefined if none. */
export async function findOnCase(db: Db, caseId: number, id: string, kinds: readonly string[]) {
  return db
    .selectFrom('attachments')
    .innerJoin('messages', 'messages.id', 'attachments.message_id')
    .innerJoin('cases', 'cases.id', 'attachments.case_id')
    .select([
      'attachments.id',
      'attachments.key_wrapped',
      'attachments.sealed_to_key',
      'attachments.header',
      'attachments.meta_enc',
      'attachments.type',
      'attachments.size',
      'attachments.chunk_count',
      'messages.via_case_id',
      'cases.key_wrapped as case_key_wrapped',
      'cases.purged_at',
    ])
    .where('attachments.id', '=', id)
    .where('attachments.case_id', '=', caseId)
    .where('messages.kind', 'in', [...kinds])
    .executeTakeFirst();
}

/** Chunks `from` … `from + limit - 1` of an attachment, in order. */
export async function chunkPage(db: Db, id: string, from: number, limit: number) {
  return db
    .selectFrom('attachment_chunks')
    .select(['seq', 'data'])
    .where('attachment_id', '=', id)
    .where('seq', '>=', from)
    .where('seq', '<', from + limit)
    .orderBy('seq')
    .execute();
}

/** Attachments still wrapped to a content key (written while sealed), after `afterId`. */
export async function sealedToKeyPage(db: Db, afterId: string, limit: number) {
  return db
    .selectFrom('attachments')
    .innerJoin('cases', 'cases.id', 'attachments.case_id')
    .select([
      'attachments.id',
      'attachments.case_id',
      'attachments.key_wrapped',
      'attachments.sealed_to_key',
      'cases.key_wrapped as case_key_wrapped',
      'cases.purged_at',
    ])
    .where('attachments.sealed_to_key', 'is not', null)
    .where('attachments.id', '>', afterId)
    .orderBy('attachments.id')
    .limit(limit)
    .execute();
}

/** Replaces a file key wrapped to a content key by one under the case key, unless it changed meanwhile. */
export async function moveKeyUnderCaseKey(db: Db, id: string, keyId: number, keyWrapped: Buffer): Promise<boolean> {
  const res = await db
    .updateTable('attachments')
    .set({ key_wrapped: keyWrapped, sealed_to_key: null })
    .where('id', '=', id)
    .where('sealed_to_key', '=', keyId)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}
