import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, type TestDatabase } from '../../../test/engines.js';
import { preparingStatements } from './db.js';

/**
 * The PostgreSQL pool's named prepared statements (ADR 40): a text run often enough is
 * named, its results are those of the unnamed statement, the names stay bounded, and what
 * a migration could change under a kept statement is never named.
 * Without PostgreSQL this skips with the reason printed by test/engines.ts.
 */
const postgres = engines.find((e) => e.name === 'postgres')!;

describe.skipIf(!postgres.available)('prepared statements on PostgreSQL', () => {
  let created: TestDatabase;
  let pool: pg.Pool;
  let preparing: ReturnType<typeof preparingStatements>;
  let db: Kysely<{ probe: { id: number; note: string } }>;

  beforeAll(async () => {
    created = await postgres.create();
    pool = new pg.Pool({ connectionString: created.url, max: 3 });
    preparing = preparingStatements(pool, 4, 3);
    db = new Kysely({ dialect: new PostgresDialect({ pool: preparing }) });
    await sql`CREATE TABLE probe (id INTEGER PRIMARY KEY, note TEXT NOT NULL)`.execute(db);
    await db.insertInto('probe').values([{ id: 1, note: 'one' }, { id: 2, note: 'two' }, { id: 3, note: 'three' }]).execute();
  });
  afterAll(async () => {
    await db.destroy();
    await created.dispose();
  });

  /** The names PostgreSQL holds for this pool's connections, read on one of them. */
  async function serverNames(): Promise<string[]> {
    const rows = await sql<{ name: string }>`select name from pg_prepared_statements`.execute(db);
    return rows.rows.map((r) => r.name);
  }

  it('names a text on its third run, and its answers stay those of the plain statement', async () => {
    const before = preparing.named;
    const read = (id: number) => db.selectFrom('probe').select(['id', 'note']).where('id', '=', id).executeTakeFirst();
    expect(await read(1)).toEqual({ id: 1, note: 'one' });
    expect(await read(2)).toEqual({ id: 2, note: 'two' });
    expect(preparing.named).toBe(before);
    // Several connections at once: each parses the named statement once for itself.
    const answers = await Promise.all([1, 2, 3, 1, 2, 3].map(read));
    expect(answers.map((a) => a?.note)).toEqual(['one', 'two', 'three', 'one', 'two', 'three']);
    expect(preparing.named).toBe(before + 1);
    expect(await read(4)).toBeUndefined();
  });

  it('runs a named write inside a transaction that rolls back, leaving nothing', async () => {
    const insert = (id: number) => db.insertInto('probe').values({ id, note: `n${id}` }).execute();
    for (const id of [10, 11, 12]) await insert(id);
    await expect(
      db.transaction().execute(async (tx) => {
        await tx.insertInto('probe').values({ id: 13, note: 'n13' }).execute();
        throw new Error('crash mid-write');
      }),
    ).rejects.toThrow('crash mid-write');
    const ids = await db.selectFrom('probe').select('id').where('id', '>=', 10).orderBy('id').execute();
    expect(ids.map((r) => r.id)).toEqual([10, 11, 12]);
  });

  it('never names a `*` read or DDL, and stops naming at its bound', async () => {
    const start = preparing.named;
    for (let i = 0; i < 4; i++) await db.selectFrom('probe').selectAll().execute();
    for (let i = 0; i < 4; i++) await sql`CREATE TABLE IF NOT EXISTS probe_${sql.raw(String(i % 2))} (id INTEGER)`.execute(db);
    expect(preparing.named).toBe(start);
    // Counting with count(*) is named like any other read.
    for (let i = 0; i < 3; i++) await db.selectFrom('probe').select((eb) => eb.fn.countAll().as('n')).execute();
    expect(preparing.named).toBe(start + 1);
    // Distinct texts (one more condition each), each run three times: named until the bound (4).
    const text = (k: number) => {
      let q = db.selectFrom('probe').select('id');
      for (let c = 0; c <= k; c++) q = q.where('id', '>', c);
      return q;
    };
    for (let k = 0; k < 6; k++) for (let i = 0; i < 3; i++) await text(k).execute();
    expect(preparing.named).toBe(4);
    for (let i = 0; i < 5; i++) expect((await text(5).execute()).map((r) => r.id)).toEqual([10, 11, 12]);
    expect(preparing.named).toBe(4);
    const names = await serverNames();
    expect(names.length).toBeGreaterThan(0);
    expect(names.every((n) => /^haven_[0-3]$/.test(n))).toBe(true);
  });
});
