import type { Kysely } from 'kysely';
import { bytes, millis } from './dialect.js';

// Referrals to partner organisations (the referrals module, ADR 36). Frozen: later changes
// come as new migrations. Nothing is seeded: example partners belong to `haven demo` only.
//
// - partners: the directory. name, description (plain text), contact_kind (email, signal,
//   web_form, other) and contact_address (how to reach them safely), pgp_key (an armoured
//   public key, or null) and its pgp_fingerprint, active (0: retired, offered on no case, kept
//   for the referrals that name it), created_at, updated_at, updated_by.
// - partner_services, partner_regions, partner_languages: what a partner does (fixed service
//   codes) and where and in which languages (codes of the region and language vocabularies);
//   they go with their partner.
// - referrals: a case referred to a partner. items (the shared items' codes, comma-separated,
//   in the module's order), summary_enc (the staff summary sealed under the case key, or null:
//   shredded with the case), letter_language, follow_up_at (when the referring person is
//   reminded), reminded_at (when that was done), outcome with outcome_at and outcome_by (what
//   came of it: recording one closes the follow-up), created_by, created_at.
// - referral_consents: the requester's consent for the identifying items of one referral: how
//   it was given (conversation, phone, other), given_at (the day), recorded_by, recorded_at,
//   and which items it covers (comma-separated). Its id is what the audit entry refers to.

export async function up(db: Kysely<unknown>): Promise<void> {
  const ms = millis(db);
  await db.schema
    .createTable('partners')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('contact_kind', 'text', (c) => c.notNull())
    .addColumn('contact_address', 'text', (c) => c.notNull())
    .addColumn('pgp_key', 'text')
    .addColumn('pgp_fingerprint', 'text')
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .execute();
  for (const [table, column] of [
    ['partner_services', 'service'],
    ['partner_regions', 'region'],
    ['partner_languages', 'language'],
  ] as const) {
    await db.schema
      .createTable(table)
      .addColumn('partner_id', 'text', (c) => c.notNull().references('partners.id').onDelete('cascade'))
      .addColumn(column, 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint(`${table}_pk`, ['partner_id', column])
      .execute();
    // The directory's filters look partners up by what they offer.
    await db.schema.createIndex(`${table}_by_${column}`).on(table).columns([column, 'partner_id']).execute();
  }
  await db.schema
    .createTable('referrals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'integer', (c) => c.notNull())
    .addColumn('partner_id', 'text', (c) => c.notNull().references('partners.id'))
    .addColumn('items', 'text', (c) => c.notNull())
    .addColumn('summary_enc', bytes(db))
    .addColumn('letter_language', 'text', (c) => c.notNull())
    .addColumn('follow_up_at', ms, (c) => c.notNull())
    .addColumn('reminded_at', ms)
    .addColumn('outcome', 'text')
    .addColumn('outcome_at', ms)
    .addColumn('outcome_by', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('referrals_case').on('referrals').columns(['case_id', 'created_at']).execute();
  // The follow-up job reads the open referrals whose date has come, in date order.
  await db.schema.createIndex('referrals_follow_up').on('referrals').columns(['outcome', 'reminded_at', 'follow_up_at']).execute();
  await db.schema
    .createTable('referral_consents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('referral_id', 'text', (c) => c.notNull().references('referrals.id').onDelete('cascade'))
    .addColumn('items', 'text', (c) => c.notNull())
    .addColumn('how', 'text', (c) => c.notNull())
    .addColumn('given_at', ms, (c) => c.notNull())
    .addColumn('recorded_by', 'text', (c) => c.notNull())
    .addColumn('recorded_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('referral_consents_referral').on('referral_consents').column('referral_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('referral_consents').execute();
  await db.schema.dropTable('referrals').execute();
  await db.schema.dropTable('partner_languages').execute();
  await db.schema.dropTable('partner_regions').execute();
  await db.schema.dropTable('partner_services').execute();
  await db.schema.dropTable('partners').execute();
}
