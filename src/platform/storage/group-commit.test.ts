import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import type { Storage } from './db.js';
import { CommitGroup } from './group-commit.js';

// Group commit (ADR 22): items that arrive together are saved by one call of the work, in one
// transaction; when it fails, each item is saved again alone, so one that cannot be saved
// fails alone; nobody is answered before the commit.

type Probe = { probe: { id: number; who: string } };

for (const engine of engines) {
  describe.skipIf(!engine.available)(`group commit on ${engine.name}`, () => {
    let created: Awaited<ReturnType<Engine['create']>>;
    let storage: Storage;
    /** Whether a row is visible from another connection, i.e. committed. */
    let committedElsewhere: (who: string) => Promise<boolean>;
    let closeOther: () => Promise<void>;

    beforeAll(async () => {
      created = await engine.create();
      storage = created.storage;
      await sql`CREATE TABLE probe (id INTEGER PRIMARY KEY, who VARCHAR(100) NOT NULL UNIQUE)`.execute(storage.db);
      if (engine.name === 'sqlite') {
        const other = new SqliteDatabase(join(created.dataDir, 'haven.db'), { readonly: true });
        const stmt = other.prepare('SELECT 1 FROM probe WHERE who = ?');
        committedElsewhere = async (who) => stmt.get(who) !== undefined;
        closeOther = async () => {
          other.close();
        };
      } else {
        const other = new pg.Client({ connectionString: created.url });
        await other.connect();
        committedElsewhere = async (who) => (await other.query('SELECT 1 FROM probe WHERE who = $1', [who])).rowCount === 1;
        closeOther = () => other.end();
      }
    });
    afterAll(async () => {
      await closeOther?.();
      await created?.dispose();
    });
    beforeEach(async () => {
      await sql`DELETE FROM probe`.execute(storage.db);
    });

    const db = () => storage.db.withTables<Probe>();
    let nextId = 1;
    type Trx = Parameters<ConstructorParameters<typeof CommitGroup>[1]['open']>[0];
    /** The work of a batch: every item's row with one insert; answers each with its name. */
    const insertAll = async (trx: Trx, names: string[]) => {
      await trx
        .withTables<Probe>()
        .insertInto('probe')
        .values(names.map((who) => ({ id: nextId++, who })))
        .execute();
      return names;
    };

    it('saves items that arrive together with one call of the work, and answers each after the commit', async () => {
      let calls = 0;
      const group = new CommitGroup<null, string, string>(storage.db, {
        open: async () => null,
        work: (trx, _b, names) => {
          calls++;
          return insertAll(trx, names);
        },
      });
      const names = Array.from({ length: 20 }, (_, i) => `together-${i}`);
      const seenAtAnswer: boolean[] = [];
      await Promise.all(
        names.map((who) =>
          group.run(who).then(async (answer) => {
            expect(answer).toBe(who);
            seenAtAnswer.push(await committedElsewhere(who));
          }),
        ),
      );
      // Every answer came when another connection could already read the row.
      expect(seenAtAnswer).toEqual(names.map(() => true));
      expect(calls).toBe(1);
      expect(group.stats).toMatchObject({ transactions: 1, largest: 20, fallbacks: 0 });
    });

    it('saves each item again alone when the batch fails: only the one that cannot be saved fails', async () => {
      const group = new CommitGroup<null, string, string>(storage.db, {
        open: async () => null,
        work: async (trx, _b, names) => {
          if (names.includes('c')) throw new Error('c cannot be saved');
          return insertAll(trx, names);
        },
      });
      // 'a' twice: a statement error inside the transaction too (a duplicate), which on
      // PostgreSQL spoils the whole transaction.
      const results = await Promise.allSettled(['a', 'b', 'c', 'a', 'e'].map((who) => group.run(who)));
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected', 'fulfilled']);
      expect((results[2] as PromiseRejectedResult).reason.message).toBe('c cannot be saved');
      const rows = await db().selectFrom('probe').select('who').orderBy('who').execute();
      expect(rows.map((r) => r.who)).toEqual(['a', 'b', 'e']);
      expect(group.stats).toMatchObject({ transactions: 3, fallbacks: 1 });
    });

    it('runs each item again alone when the shared transaction fails at its end, and saves each once', async () => {
      let closes = 0;
      const group = new CommitGroup<{ items: number }, string, string>(storage.db, {
        open: async () => ({ items: 0 }),
        work: async (trx, batch, names) => {
          batch.items += names.length;
          return insertAll(trx, names);
        },
        close: async (_trx, batch) => {
          closes++;
          // The shared transaction fails at its end (as a commit that fails would).
          if (batch.items > 1) throw new Error('the shared transaction fails');
        },
      });
      const names = ['x', 'y', 'z'];
      expect(await Promise.all(names.map((who) => group.run(who)))).toEqual(names);
      expect(closes).toBe(4);
      expect(group.stats.fallbacks).toBe(1);
      const rows = await db().selectFrom('probe').select('who').orderBy('who').execute();
      expect(rows.map((r) => r.who)).toEqual(names);
    });

    it('settles each transaction with whether it committed', async () => {
      const settled: [number, boolean][] = [];
      const group = new CommitGroup<{ n: number }, string, string>(storage.db, {
        open: async () => ({ n: 0 }),
        work: async (trx, batch, names) => {
          batch.n = names.length;
          if (names.length > 1 && names.includes('bad')) throw new Error('no');
          if (names.length === 1 && names[0] === 'bad') throw new Error('still no');
          return insertAll(trx, names);
        },
        settle: (batch, committed) => settled.push([batch.n, committed]),
      });
      await Promise.allSettled(['ok1', 'bad', 'ok2'].map((who) => group.run(who)));
      expect(settled).toEqual([
        [3, false],
        [1, true],
        [1, false],
        [1, true],
      ]);
    });

    it('hands each transaction the state its opening step made, and runs the closing step before the commit', async () => {
      const group = new CommitGroup<{ names: string[] }, string, string>(storage.db, {
        open: async () => ({ names: [] }),
        work: async (trx, batch, names) => {
          batch.names.push(...names);
          return insertAll(trx, names);
        },
        close: async (trx, batch) => {
          await insertAll(trx, [`closing:${batch.names.join('+')}`]);
        },
      });
      await Promise.all(['p', 'q'].map((who) => group.run(who)));
      expect(await committedElsewhere('closing:p+q')).toBe(true);
    });

    it('refuses work that does not answer every item, saving nothing of it', async () => {
      const group = new CommitGroup<null, string, string>(storage.db, {
        open: async () => null,
        work: async (trx, _b, names) => (await insertAll(trx, names)).slice(1),
      });
      await expect(group.run('short')).rejects.toThrow(/every item/);
      expect(await committedElsewhere('short')).toBe(false);
    });

    it('starts a lone item without waiting for others, and keeps at most maxBatch in one transaction', async () => {
      const group = new CommitGroup<null, string, string>(storage.db, {
        open: async () => null,
        work: (trx, _b, names) => insertAll(trx, names),
        maxBatch: 4,
      });
      await group.run('alone');
      expect(group.stats).toMatchObject({ transactions: 1, largest: 1 });
      await Promise.all(Array.from({ length: 10 }, (_, i) => group.run(`bounded-${i}`)));
      expect(group.stats.largest).toBe(4);
      expect(group.stats.transactions).toBe(4);
    });
  });
}

type Engine = (typeof engines)[number];
