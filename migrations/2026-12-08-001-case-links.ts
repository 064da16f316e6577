import { sql, type Kysely } from 'kysely';
import { millis } from './dialect.js';

// Linking and merging cases (ADR 38):
//
// - case_links(low_id, high_id, reason, created_by, created_at): two related cases, one row per
//   pair whatever the side it was made from (the smaller id first, a check says so), so a link is
//   symmetric by construction and made twice is one row (the primary key). The reason is a code
//   from a fixed list, never free text: a link holds nothing personal. case_links_high finds a
//   case's links from the other side. The rows go with either case.
// - cases.merged_into: the case a duplicate was merged into (its conversation and files moved
//   there; the duplicate stays, closed, for the audit trail, reports and retention); null else.
//   No foreign key: SQLite cannot drop a column that has one, and cases are never deleted.
// - cases.contact_hash: a keyed hash of the normalised contact handle (Vault.keyedHash, purpose
//   `contact`), so cases from the same handle are found without opening any; null without a
//   handle, after a purge, and for cases saved before this migration until they are next opened.
//   cases_contact_hash: (contact_hash, id) where contact_hash is not null.
// - messages.via_case_id: the case whose receipt a message belongs to when it is not the case's
//   own: a message moved by a merge keeps its receipt's case (a requester's message came through
//   it, a reply was written to it), and so does a message written through that receipt after the
//   merge, or a reply addressed to it. Null: the case's own receipt.
//
// Frozen: later changes come as new migrations.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('case_links')
    .addColumn('low_id', 'integer', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('high_id', 'integer', (c) => c.notNull().references('cases.id').onDelete('cascade'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', millis(db), (c) => c.notNull())
    .addPrimaryKeyConstraint('case_links_pk', ['low_id', 'high_id'])
    .addCheckConstraint('case_links_order', sql`low_id < high_id`)
    .execute();
  await db.schema.createIndex('case_links_high').on('case_links').columns(['high_id', 'low_id']).execute();
  await db.schema
    .alterTable('cases')
    .addColumn('merged_into', 'integer')
    .execute();
  await db.schema.alterTable('cases').addColumn('contact_hash', 'text').execute();
  await db.schema
    .createIndex('cases_contact_hash')
    .on('cases')
    .columns(['contact_hash', 'id'])
    .where(sql.ref('contact_hash'), 'is not', null)
    .execute();
  await db.schema.alterTable('messages').addColumn('via_case_id', 'integer').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('messages').dropColumn('via_case_id').execute();
  await db.schema.dropIndex('cases_contact_hash').execute();
  await db.schema.alterTable('cases').dropColumn('contact_hash').execute();
  await db.schema.alterTable('cases').dropColumn('merged_into').execute();
  await db.schema.dropIndex('case_links_high').execute();
  await db.schema.dropTable('case_links').execute();
}
