import type { Kysely } from 'kysely';
import type { Database } from '../../platform/storage/schema.js';
import type { LogoType } from './logo.js';
import type { OrganisationIdentity, OrganisationLogo, OrganisationTexts } from './settings.js';

// The only SQL for organisation_settings (one row, id 1, written by its migration) and
// organisation_texts (one row per language).

type Db = Kysely<Database>;

/** The settings and every language's texts. */
export async function readIdentity(db: Db): Promise<OrganisationIdentity> {
  const [row, texts] = await Promise.all([
    db.selectFrom('organisation_settings').selectAll().where('id', '=', 1).executeTakeFirstOrThrow(),
    db.selectFrom('organisation_texts').select(['locale', 'description', 'landing', 'emergency']).execute(),
  ]);
  const logo: OrganisationLogo | null =
    row.logo && row.logo_type && row.logo_hash
      ? { data: Buffer.from(row.logo), type: row.logo_type as LogoType, hash: row.logo_hash }
      : null;
  return {
    name: row.name,
    defaultLocale: row.default_locale,
    pgpKey: row.pgp_key,
    onionAddress: row.onion_address,
    signalNumber: row.signal_number,
    logo,
    texts: Object.fromEntries(
      texts.map((t) => [t.locale, { description: t.description, landing: t.landing, emergency: t.emergency }]),
    ),
    revision: Number(row.revision),
    updatedAt: row.updated_at === null ? null : Number(row.updated_at),
  };
}

export interface SettingsRow {
  name: string | null;
  defaultLocale: string;
  pgpKey: string | null;
  onionAddress: string | null;
  signalNumber: string | null;
}

/**
 * Writes the settings if they are still at `revision`, counting it up; false when another save
 * came first (the row is then left as it is).
 */
export async function updateSettings(
  db: Db,
  values: SettingsRow,
  revision: number,
  at: number,
  by: string,
): Promise<boolean> {
  const result = await db
    .updateTable('organisation_settings')
    .set((eb) => ({
      name: values.name,
      default_locale: values.defaultLocale,
      pgp_key: values.pgpKey,
      onion_address: values.onionAddress,
      signal_number: values.signalNumber,
      revision: eb('revision', '+', 1),
      updated_at: at,
      updated_by: by,
    }))
    .where('id', '=', 1)
    .where('revision', '=', revision)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Writes every language's texts given, in one statement. */
export async function upsertTexts(db: Db, texts: Record<string, OrganisationTexts>, at: number): Promise<void> {
  const rows = Object.entries(texts).map(([locale, t]) => ({
    locale,
    description: t.description,
    landing: t.landing,
    emergency: t.emergency,
    updated_at: at,
  }));
  if (rows.length === 0) return;
  await db
    .insertInto('organisation_texts')
    .values(rows)
    .onConflict((oc) =>
      oc.column('locale').doUpdateSet((eb) => ({
        description: eb.ref('excluded.description'),
        landing: eb.ref('excluded.landing'),
        emergency: eb.ref('excluded.emergency'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
}

/** Sets the logo (or none); the previous one, if any, is returned. */
export async function replaceLogo(
  db: Db,
  logo: OrganisationLogo | null,
  at: number,
  by: string,
): Promise<{ hash: string } | null> {
  const before = await db
    .selectFrom('organisation_settings')
    .select('logo_hash')
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
  await db
    .updateTable('organisation_settings')
    .set({
      logo: logo?.data ?? null,
      logo_type: logo?.type ?? null,
      logo_hash: logo?.hash ?? null,
      updated_at: at,
      updated_by: by,
    })
    .where('id', '=', 1)
    .execute();
  return before.logo_hash ? { hash: before.logo_hash } : null;
}
