import { Migrator, sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { engines } from '../test/engines.js';
import { migrations } from './index.js';

// The organisation-settings migration on both engines: it writes the one settings row with
// nothing set; a second row, or a logo without its type and hash, is refused; a logo's bytes
// come back as written; texts are one row per language; down removes both tables and up again
// writes the empty row once more.

const ORGANISATION = '2026-12-07-008-organisation-settings';
const names = Object.keys(migrations);
const BEFORE = names[names.indexOf(ORGANISATION) - 1]!;

for (const engine of engines) {
  describe.skipIf(!engine.available)(`the organisation-settings migration on ${engine.name}`, () => {
    it('writes the empty settings row, keeps it the only one, holds texts, and goes down and up again', async () => {
      const { storage, dispose } = await engine.create();
      const migrator = new Migrator({
        db: storage.db,
        provider: { getMigrations: async () => migrations },
        migrationTableName: 'haven_migrations',
        migrationLockTableName: 'haven_migrations_lock',
      });
      const db = storage.db as unknown as Kysely<unknown>;
      try {
        expect((await migrator.migrateTo(BEFORE)).error).toBeUndefined();
        expect((await migrator.migrateTo(ORGANISATION)).error).toBeUndefined();
        const settings = async () =>
          (
            await sql<{ id: number; name: string | null; default_locale: string; revision: number; logo: Buffer | null }>`
              select id, name, default_locale, revision, logo from organisation_settings`.execute(db)
          ).rows;
        expect(await settings()).toEqual([{ id: 1, name: null, default_locale: 'en', revision: 0, logo: null }]);

        // One row only, and a logo is its bytes, type and hash together.
        await expect(
          sql`insert into organisation_settings (id, name, default_locale, pgp_key, onion_address, signal_number, logo, logo_type, logo_hash, revision, updated_at, updated_by)
            values (2, 'Other', 'en', null, null, null, null, null, null, 0, null, null)`.execute(db),
        ).rejects.toThrow();
        const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff]);
        await expect(sql`update organisation_settings set logo = ${png} where id = 1`.execute(db)).rejects.toThrow();
        await sql`update organisation_settings set logo = ${png}, logo_type = 'image/png', logo_hash = 'abc', name = 'Línea de ayuda', updated_at = ${Date.now()} where id = 1`.execute(db);
        const [row] = await settings();
        expect(Buffer.from(row!.logo!)).toEqual(png);
        expect(row!.name).toBe('Línea de ayuda');

        const now = Date.now();
        await sql`insert into organisation_texts (locale, description, landing, emergency, updated_at) values ('en', 'Help', 'We help.', null, ${now}),
          ('ar', 'مساعدة', 'نحن نساعد.', 'اتصل بنا', ${now})`.execute(db);
        await expect(
          sql`insert into organisation_texts (locale, description, landing, emergency, updated_at) values ('en', null, null, null, ${now})`.execute(db),
        ).rejects.toThrow();
        const texts = await sql<{ locale: string; landing: string }>`select locale, landing from organisation_texts order by locale`.execute(db);
        expect(texts.rows).toEqual([
          { locale: 'ar', landing: 'نحن نساعد.' },
          { locale: 'en', landing: 'We help.' },
        ]);

        expect((await migrator.migrateTo(BEFORE)).error).toBeUndefined();
        await expect(sql`select 1 from organisation_settings`.execute(db)).rejects.toThrow();
        await expect(sql`select 1 from organisation_texts`.execute(db)).rejects.toThrow();
        expect((await migrator.migrateTo(ORGANISATION)).error).toBeUndefined();
        expect(await settings()).toEqual([{ id: 1, name: null, default_locale: 'en', revision: 0, logo: null }]);
      } finally {
        await dispose();
      }
    });
  });
}
