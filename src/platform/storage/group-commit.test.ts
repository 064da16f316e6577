import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import type { Storage } from './db.js';
import { CommitGroup } from './group-commit.js';

// Group commit (ADR 22): pieces of work that arrive together share one transaction, each in
// its own savepoint; one that fails is undone alone; nobody is answered before the commit.

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
    const insert = (trx: Parameters<ConstructorParameters<typeof CommitGroup>[1]['open']>[0], who: string) =>
      trx.withTables<Probe>().insertInto('probe').values({ id: nextId++, who }).execute();

    it('saves work that arrives together in one transaction, and answers each after the commit', async () => {
      const group = new CommitGroup(storage.db, { open: async () => null });
      const names = Array.from({ length: 20 }, (_, i) => `together-${i}`);
      const seenAtAnswer: boolean[] = [];
      await Promise.all(
        names.map((who) =>
          group
            .run(async (trx) => {
              await insert(trx, who);
              return who;
            })
            .then(async (answer) => {
              expect(answer).toBe(who);
              seenAtAnswer.push(await committedElsewhere(who));
            }),
        ),
      );
      // Every answer came when another connection could already read the row.
      expect(seenAtAnswer).toEqual(names.map(() => true));
      expect(group.stats.transactions).toBe(1);
      expect(group.stats.largest).toBe(20);
    });

    it('undoes a piece of work that fails, alone: the others in its transaction are saved', async () => {
      const group = new CommitGroup(storage.db, { open: async () => null });
      const results = await Promise.allSettled(
        ['a', 'b', 'c', 'd', 'e'].map((who) =>
          group.run(async (trx) => {
            await insert(trx, who);
            if (who === 'c') throw new Error('c cannot be saved');
            // A statement error inside the transaction too (a duplicate), which PostgreSQL
            // would otherwise count against the whole transaction.
            if (who === 'd') await insert(trx, 'a');
            return who;
          }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected', 'fulfilled']);
      expect((results[2] as PromiseRejectedResult).reason.message).toBe('c cannot be saved');
      const rows = await db().selectFrom('probe').select('who').orderBy('who').execute();
      expect(rows.map((r) => r.who)).toEqual(['a', 'b', 'e']);
      expect(group.stats).toMatchObject({ transactions: 1, fallbacks: 0 });
    });

    it('runs each piece again alone when the shared transaction fails, and saves each once', async () => {
      let closes = 0;
      const group = new CommitGroup(storage.db, {
        open: async () => ({ pieces: 0 }),
        close: async (_trx, batch) => {
          closes++;
          // The shared transaction fails at its end (as a commit that fails would).
          if (batch.pieces > 1) throw new Error('the shared transaction fails');
        },
      });
      const names = ['x', 'y', 'z'];
      const answers = await Promise.all(
        names.map((who) =>
          group.run(async (trx, batch) => {
            await insert(trx, who);
            batch.pieces++;
            return who;
          }),
        ),
      );
      expect(answers).toEqual(names);
      expect(closes).toBe(4);
      expect(group.stats.fallbacks).toBe(1);
      const rows = await db().selectFrom('probe').select('who').orderBy('who').execute();
      expect(rows.map((r) => r.who)).toEqual(names);
    });

    it('hands each transaction the state its opening step made, and runs the closing step before the commit', async () => {
      const group = new CommitGroup(storage.db, {
        open: async () => ({ names: [] as string[] }),
        close: async (trx, batch) => {
          await insert(trx, `closing:${batch.names.join('+')}`);
        },
      });
      await Promise.all(
        ['p', 'q'].map((who) =>
          group.run(async (trx, batch) => {
            await insert(trx, who);
            batch.names.push(who);
          }),
        ),
      );
      expect(await committedElsewhere('closing:p+q')).toBe(true);
    });

    it('starts a lone piece of work without waiting for others, and keeps at most maxBatch in one transaction', async () => {
      const group = new CommitGroup(storage.db, { open: async () => null, maxBatch: 4 });
      await group.run((trx) => insert(trx, 'alone'));
      expect(group.stats).toMatchObject({ transactions: 1, largest: 1 });
      await Promise.all(Array.from({ length: 10 }, (_, i) => group.run((trx) => insert(trx, `bounded-${i}`))));
      expect(group.stats.largest).toBe(4);
      expect(group.stats.transactions).toBe(4);
    });
  });
}

type Engine = (typeof engines)[number];
