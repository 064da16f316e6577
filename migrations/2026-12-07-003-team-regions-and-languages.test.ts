import { Migrator, sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { engines } from '../test/engines.js';
import { migrations } from './index.js';

// The team regions-and-languages migration on both engines: each team's single region becomes
// its first row in team_regions (a team without one has none); languages can be written, the
// same one twice is refused; a team's rows go with it; down removes both tables and up again
// fills team_regions from teams.region once more.

const TEAM_REGIONS = '2026-12-07-003-team-regions-and-languages';
const names = Object.keys(migrations);
const BEFORE = names[names.indexOf(TEAM_REGIONS) - 1]!;

for (const engine of engines) {
  describe.skipIf(!engine.available)(`the team regions-and-languages migration on ${engine.name}`, () => {
    it('moves teams.region into team_regions, holds languages, and goes down and up again', async () => {
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
        const now = Date.now();
        await sql`insert into teams (id, name, time_zone, region, created_at) values ('t1', 'Nairobi nights', 'Africa/Nairobi', 'africa', ${now}),
          ('t2', 'Anywhere', 'UTC', null, ${now})`.execute(db);

        expect((await migrator.migrateTo(TEAM_REGIONS)).error).toBeUndefined();
        const regions = async () =>
          (await sql<{ team_id: string; region: string }>`select team_id, region from team_regions order by team_id, region`.execute(db)).rows;
        expect(await regions()).toEqual([{ team_id: 't1', region: 'africa' }]);

        await sql`insert into team_regions (team_id, region) values ('t1', 'mena'), ('t2', 'americas')`.execute(db);
        await sql`insert into team_languages (team_id, language) values ('t1', 'sw'), ('t1', 'en'), ('t2', 'es')`.execute(db);
        await expect(sql`insert into team_languages (team_id, language) values ('t1', 'sw')`.execute(db)).rejects.toThrow();
        await expect(sql`insert into team_regions (team_id, region) values ('t1', 'africa')`.execute(db)).rejects.toThrow();

        // A team's regions and languages go with it.
        await sql`delete from teams where id = 't2'`.execute(db);
        expect((await regions()).map((r) => r.team_id)).toEqual(['t1', 't1']);
        const langs = await sql<{ team_id: string }>`select team_id from team_languages`.execute(db);
        expect(langs.rows.map((r) => r.team_id)).toEqual(['t1', 't1']);

        expect((await migrator.migrateTo(BEFORE)).error).toBeUndefined();
        await expect(sql`select 1 from team_regions`.execute(db)).rejects.toThrow();
        await expect(sql`select 1 from team_languages`.execute(db)).rejects.toThrow();
        await sql`update teams set region = 'mena' where id = 't1'`.execute(db);
        expect((await migrator.migrateTo(TEAM_REGIONS)).error).toBeUndefined();
        expect(await regions()).toEqual([{ team_id: 't1', region: 'mena' }]);
      } finally {
        await dispose();
      }
    });
  });
}
