import { sql } from 'kysely';
import type { Db } from './case.repo.js';
import { linkPair } from './link.js';

// The only SQL for case_links, for the cases' merge marker and contact hash, and for moving a
// duplicate's messages and files to the case it is merged into (ADR 38).

/** Links `a` and `b` (either order); false when they were linked already. */
export async function insertLink(
  db: Db,
  a: number,
  b: number,
  row: { reason: string; created_by: string; created_at: number },
): Promise<boolean> {
  const res = await db
    .insertInto('case_links')
    .values({ ...linkPair(a, b), ...row })
    .onConflict((oc) => oc.columns(['low_id', 'high_id']).doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0n) === 1;
}

/** Removes the link between `a` and `b`; false when there was none. */
export async function deleteLink(db: Db, a: number, b: number): Promise<boolean> {
  const p = linkPair(a, b);
  const res = await db.deleteFrom('case_links').where('low_id', '=', p.low_id).where('high_id', '=', p.high_id).executeTakeFirst();
  return Number(res.numDeletedRows) === 1;
}

/** The links of case `caseId`, from either side, each with the other case's number and status. */
export async function linksOf(db: Db, caseId: number) {
  const side = (mine: 'low_id' | 'high_id', other: 'low_id' | 'high_id') =>
    db
      .selectFrom('case_links')
      .innerJoin('cases', 'cases.id', `case_links.${other}`)
      .select([
        'cases.id as other_id',
        'cases.status',
        'cases.merged_into',
        'cases.restricted',
        'case_links.reason',
        'case_links.created_by',
        'case_links.created_at',
      ])
      .where(`case_links.${mine}`, '=', caseId);
  // Ordered here, oldest first: a case has a few links.
  const rows = await side('low_id', 'high_id').unionAll(side('high_id', 'low_id')).execute();
  return rows.sort((a, b) => Number(a.created_at) - Number(b.created_at) || a.other_id - b.other_id);
}

/** Sets a case's contact hash (filled when the case is next opened, for cases saved before it existed). */
export async function setContactHash(db: Db, caseId: number, hash: string): Promise<void> {
  await db.updateTable('cases').set({ contact_hash: hash }).where('id', '=', caseId).where('contact_hash', 'is', null).execute();
}

/**
 * Other cases from the same contact handle (by its keyed hash) in one of `statuses`, not merged,
 * newest first, at most `limit`: one range of cases_contact_hash.
 */
export async function casesWithContactHash(
  db: Db,
  hash: string,
  exceptId: number,
  statuses: readonly string[],
  limit: number,
) {
  return db
    .selectFrom('cases')
    .select(['cases.id', 'cases.status', 'cases.restricted', 'cases.created_at', 'cases.merged_into'])
    .where('cases.contact_hash', '=', hash)
    .where('cases.id', '!=', exceptId)
    .where('cases.merged_into', 'is', null)
    .where('cases.status', 'in', [...statuses])
    .orderBy('cases.id', 'desc')
    .limit(limit)
    .execute();
}

/**
 * Marks `dupId` as merged into `intoId` and closes it, only if it is at `version` and not merged
 * yet: of two merges at once, one finds it changed.
 */
export async function markMerged(db: Db, dupId: number, intoId: number, version: number, now: number): Promise<boolean> {
  const res = await db
    .updateTable('cases')
    .set((eb) => ({
      merged_into: intoId,
      status: 'closed',
      closed_at: now,
      awaiting_reply: 0,
      updated_at: now,
      version: eb('version', '+', 1),
    }))
    .where('id', '=', dupId)
    .where('version', '=', version)
    .where('merged_into', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Every message of a case (any kind, either key form), oldest first, for a merge to move. */
export async function messagesToMove(db: Db, caseId: number) {
  return db
    .selectFrom('messages')
    .select(['id', 'kind', 'body_enc', 'sealed_to_key', 'via_case_id'])
    .where('case_id', '=', caseId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** Moves one message to case `intoId`, its body sealed again under that case's key. */
export async function moveMessage(db: Db, id: string, intoId: number, body: Buffer, viaCaseId: number): Promise<void> {
  await db
    .updateTable('messages')
    .set({ case_id: intoId, body_enc: body, sealed_to_key: null, via_case_id: viaCaseId })
    .where('id', '=', id)
    .execute();
}

/** The attached files of a case's messages, with their wrapped keys, for a merge to move. */
export async function attachmentsToMove(db: Db, caseId: number) {
  return db
    .selectFrom('attachments')
    .select(['id', 'key_wrapped', 'sealed_to_key'])
    .where('case_id', '=', caseId)
    .orderBy('id')
    .execute();
}

/** Moves one file to case `intoId`, its file key wrapped again under that case's key. */
export async function moveAttachment(db: Db, id: string, intoId: number, keyWrapped: Buffer): Promise<void> {
  await db
    .updateTable('attachments')
    .set({ case_id: intoId, key_wrapped: keyWrapped, sealed_to_key: null })
    .where('id', '=', id)
    .execute();
}

/** The receipts a case's messages belong to other than its own (cases merged into it), oldest first. */
export async function mergedReceipts(db: Db, caseId: number): Promise<number[]> {
  const rows = await db
    .selectFrom('messages')
    .select('via_case_id')
    .distinct()
    .where('case_id', '=', caseId)
    .where('via_case_id', 'is not', null)
    .execute();
  return rows.map((r) => r.via_case_id!).sort((a, b) => a - b);
}

/** Cases merged into `caseId`, by number. */
export async function mergedIntoIt(db: Db, caseId: number): Promise<number[]> {
  const rows = await db.selectFrom('cases').select('id').where('merged_into', '=', caseId).orderBy('id').execute();
  return rows.map((r) => r.id);
}

/** Holds a case's row until the transaction ends (FOR UPDATE on PostgreSQL; SQLite has one writer). */
export async function lockCase(db: Db, caseId: number, postgres: boolean): Promise<void> {
  if (postgres) await sql`select id from cases where id = ${caseId} for update`.execute(db);
}
