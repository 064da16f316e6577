import { sql, type KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { writeTogether, type Storage } from './db.js';

// Writes that do not read one another's results go to PostgreSQL as one statement (ADR 22):
// every write is made, in one round trip; on SQLite they run one after another.

type Tables = {
  wt_a: { id: number; note: string };
  wt_b: { id: number; note: string };
};

/** Counts the statements a Kysely instance sends (each result it gets back). */
function counting(): { plugin: KyselyPlugin; count: () => number } {
  let n = 0;
  return {
    plugin: {
      transformQuery: (args) => args.node,
      transformResult: async (args) => {
        n++;
        return args.result;
      },
    },
    count: () => n,
  };
}

for (const engine of engines) {
  describe.skipIf(!engine.available)(`writes together on ${engine.name}`, () => {
    let created: Awaited<ReturnType<(typeof engines)[number]['create']>>;
    let storage: Storage;
    beforeAll(async () => {
      created = await engine.create();
      storage = created.storage;
      await sql`CREATE TABLE wt_a (id INTEGER PRIMARY KEY, note VARCHAR(50) NOT NULL)`.execute(storage.db);
      await sql`CREATE TABLE wt_b (id INTEGER PRIMARY KEY, note VARCHAR(50) NOT NULL)`.execute(storage.db);
    });
    afterAll(async () => created?.dispose());
    beforeEach(async () => {
      await sql`DELETE FROM wt_a`.execute(storage.db);
      await sql`DELETE FROM wt_b`.execute(storage.db);
    });

    const db = () => storage.db.withTables<Tables>();

    it('makes every write, inserts and an update of a row an earlier statement wrote', async () => {
      const { plugin, count } = counting();
      await storage.db.transaction().execute(async (trx) => {
        const t = trx.withTables<Tables>();
        await t.insertInto('wt_a').values({ id: 1, note: 'first' }).execute();
        const c = t.withPlugin(plugin);
        await writeTogether(c as never, storage.dialect, [
          c.updateTable('wt_a').set({ note: 'changed' }).where('id', '=', 1),
          c.insertInto('wt_a').values({ id: 2, note: 'second' }),
          c.insertInto('wt_b').values([
            { id: 1, note: 'b1' },
            { id: 2, note: 'b2' },
          ]),
        ]);
      });
      expect(count()).toBe(storage.dialect === 'postgres' ? 1 : 3);
      const a = await db().selectFrom('wt_a').select(['id', 'note']).orderBy('id').execute();
      const b = await db().selectFrom('wt_b').select(['id', 'note']).orderBy('id').execute();
      expect(a).toEqual([
        { id: 1, note: 'changed' },
        { id: 2, note: 'second' },
      ]);
      expect(b).toEqual([
        { id: 1, note: 'b1' },
        { id: 2, note: 'b2' },
      ]);
    });

    it('fails as a whole in a transaction when one write fails: none of them is kept', async () => {
      await db().insertInto('wt_b').values({ id: 7, note: 'taken' }).execute();
      await expect(
        storage.db.transaction().execute(async (trx) => {
          const t = trx.withTables<Tables>();
          await writeTogether(t as never, storage.dialect, [
            t.insertInto('wt_a').values({ id: 3, note: 'would be saved' }),
            t.insertInto('wt_b').values({ id: 7, note: 'duplicate' }),
          ]);
        }),
      ).rejects.toThrow();
      expect(await db().selectFrom('wt_a').selectAll().execute()).toEqual([]);
      expect(await db().selectFrom('wt_b').select('note').execute()).toEqual([{ note: 'taken' }]);
    });

    it('sends a single write as it is', async () => {
      const { plugin, count } = counting();
      const c = db().withPlugin(plugin);
      await writeTogether(c as never, storage.dialect, [c.insertInto('wt_a').values({ id: 9, note: 'alone' })]);
      expect(count()).toBe(1);
      expect(await db().selectFrom('wt_a').select('note').execute()).toEqual([{ note: 'alone' }]);
    });
  });
}
