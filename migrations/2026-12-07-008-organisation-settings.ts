import { sql, type Kysely } from 'kysely';
import { bytes, millis } from './dialect.js';

// The organisation's identity (ADR 27), all of it public once set:
//
// - organisation_settings: one row (id 1, which a check keeps the only one): the name, the
//   language its texts fall back to, the other ways to reach it (PGP public key, onion
//   address, Signal number), the logo (sanitised bytes, their media type and content hash) and
//   a revision counted up by every save, so a form saved over a newer one is refused.
// - organisation_texts: per language, the short description, the public landing text and the
//   advice for someone in physical danger.
//
// The row is written here with nothing set, so a save is always an update. Frozen: later
// changes come as new migrations.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('organisation_settings')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('name', 'text')
    .addColumn('default_locale', 'text', (c) => c.notNull())
    .addColumn('pgp_key', 'text')
    .addColumn('onion_address', 'text')
    .addColumn('signal_number', 'text')
    .addColumn('logo', bytes(db))
    .addColumn('logo_type', 'text')
    .addColumn('logo_hash', 'text')
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('updated_at', millis(db))
    .addColumn('updated_by', 'text')
    .addCheckConstraint('organisation_settings_one_row', sql`id = 1`)
    .addCheckConstraint(
      'organisation_settings_logo_whole',
      sql`(logo is null and logo_type is null and logo_hash is null) or (logo is not null and logo_type is not null and logo_hash is not null)`,
    )
    .execute();
  await sql`insert into organisation_settings (id, name, default_locale, pgp_key, onion_address, signal_number, logo, logo_type, logo_hash, revision, updated_at, updated_by)
    values (1, null, 'en', null, null, null, null, null, null, 0, null, null)`.execute(db);
  await db.schema
    .createTable('organisation_texts')
    .addColumn('locale', 'text', (c) => c.primaryKey())
    .addColumn('description', 'text')
    .addColumn('landing', 'text')
    .addColumn('emergency', 'text')
    .addColumn('updated_at', millis(db), (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('organisation_texts').execute();
  await db.schema.dropTable('organisation_settings').execute();
}
