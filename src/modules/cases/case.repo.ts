import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../platform/storage/schema.js';

// The only file with SQL for the cases and messages tables.

export type Db = Kysely<Database> | Transaction<Database>;


export interface NewCaseRow {
  receipt_hash: string;
  key_wrapped: Buffer;
  status: string;
  urgency: string;
  country: string | null;
  region: string | null;
  language: string;
  beneficiary: string | null;
  contact_method: string;
  created_at: number;
  first_response_due_at: number;
}

export async function insertCase(db: Db, row: NewCaseRow): Promise<number> {
  const res = await db
    .insertInto('cases')
    .values({
      ...row,
      incident_type: null,
      severity: null,
      mandate: 'pending',
      contact_enc: null,
      assignee_id: null,
      awaiting_reply: 1,
      updated_at: row.created_at,
      first_response_at: null,
      last_activity_at: row.created_at,
      closed_at: null,
      version: 1,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return res.id;
}

export async function setContact(db: Db, caseId: number, contactEnc: Buffer | null): Promise<void> {
  await db.updateTable('cases').set({ contact_enc: contactEnc }).where('id', '=', caseId).execute();
}

export async function findCaseIdByReceiptHash(db: Db, receiptHash: string): Promise<number | null> {
  const row = await db.selectFrom('cases').select('id').where('receipt_hash', '=', receiptHash).executeTakeFirst();
  return row?.id ?? null;
}

export async function getCaseRow(db: Db, caseId: number) {
  return db.selectFrom('cases').selectAll().where('id', '=', caseId).executeTakeFirst();
}

export async function insertMessage(
  db: Db,
  row: { id: string; case_id: number; kind: string; author_id: string | null; body_enc: Buffer; created_at: number },
): Promise<void> {
  await db.insertInto('messages').values(row).execute();
}

export async function listMessageRows(db: Db, caseId: number, kinds: readonly string[]) {
  return db
    .selectFrom('messages')
    .leftJoin('users', 'users.id', 'messages.author_id')
    .select(['messages.id', 'messages.kind', 'messages.author_id', 'messages.body_enc', 'messages.created_at', 'users.display_name as author_name'])
    .where('messages.case_id', '=', caseId)
    .where('messages.kind', 'in', [...kinds])
    .orderBy('messages.created_at')
    .orderBy('messages.id')
    .execute();
}

/** Records a requester's new message on the case: it needs an answer again, and a finished case reopens. */
export async function markRequesterActivity(db: Db, caseId: number, at: number, reopen: boolean): Promise<void> {
  await db
    .updateTable('cases')
    .set((eb) => ({
      awaiting_reply: 1,
      last_activity_at: at,
      updated_at: at,
      version: eb('version', '+', 1),
      ...(reopen ? { status: 'open', closed_at: null } : {}),
    }))
    .where('id', '=', caseId)
    .execute();
}
