import { sql, type Kysely, type Transaction } from 'kysely';
import type { Principal } from '../../platform/auth/roles.js';
import type { Database } from '../../platform/storage/schema.js';
import { visibleTo } from '../cases/index.js';

// The only file with SQL for the search tables (search_tokens, search_cases, search_walks).
// A token is a keyed hash (Vault.searchToken); no text of a case ever reaches these tables.

export type Db = Kysely<Database> | Transaction<Database>;

/** Rows one insert statement takes (two parameters each; SQLite's limit is far above). */
const INSERT_CHUNK = 500;

/**
 * Puts case `caseId`'s tokens in place of whatever it had, under content key `keyId`. The
 * case's search_cases row is written first: on PostgreSQL it holds two indexers of one case
 * one after the other, so the second deletes what the first inserted instead of colliding.
 */
export async function replaceCaseTokens(db: Db, caseId: number, keyId: number, tokens: readonly Buffer[], at: number): Promise<void> {
  await db
    .insertInto('search_cases')
    .values({ case_id: caseId, key_id: keyId, stale: 0, indexed_at: at, tokens: tokens.length })
    .onConflict((oc) => oc.column('case_id').doUpdateSet({ key_id: keyId, stale: 0, indexed_at: at, tokens: tokens.length }))
    .execute();
  await db.deleteFrom('search_tokens').where('case_id', '=', caseId).execute();
  for (let i = 0; i < tokens.length; i += INSERT_CHUNK) {
    await db
      .insertInto('search_tokens')
      .values(tokens.slice(i, i + INSERT_CHUNK).map((token) => ({ token, case_id: caseId })))
      .execute();
  }
}

/** Removes a case from the index (it is gone, or its personal data was deleted). */
export async function dropCase(db: Db, caseId: number): Promise<void> {
  await db.deleteFrom('search_tokens').where('case_id', '=', caseId).execute();
  await db.deleteFrom('search_cases').where('case_id', '=', caseId).execute();
}

/**
 * Marks case `caseId` as changed but not indexed (the instance was sealed): its old tokens stay
 * until the index job catches up. A case never indexed gets key id -1, which no key has.
 */
export async function markStale(db: Db, caseId: number, at: number): Promise<void> {
  await db
    .insertInto('search_cases')
    .values({ case_id: caseId, key_id: -1, stale: 1, indexed_at: at, tokens: 0 })
    .onConflict((oc) => oc.column('case_id').doUpdateSet({ stale: 1 }))
    .execute();
}

/** Up to `limit` cases marked stale, lowest id first (the partial index search_cases_stale). */
export async function staleCases(db: Db, limit: number): Promise<number[]> {
  const rows = await db
    .selectFrom('search_cases')
    .select('case_id')
    .where('stale', '=', sql.lit(1))
    .orderBy('case_id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.case_id);
}

/** The lowest and highest key id the index's cases are under (null when nothing is indexed). */
export async function keyRange(db: Db): Promise<{ min: number; max: number } | null> {
  const r = await db
    .selectFrom('search_cases')
    .select((eb) => [eb.fn.min('key_id').as('min'), eb.fn.max('key_id').as('max')])
    .where('key_id', '>=', 0)
    .executeTakeFirst();
  return r && r.min !== null && r.max !== null ? { min: Number(r.min), max: Number(r.max) } : null;
}

/** How far the walk under `keyId` has come; undefined before it started. */
export async function walkOf(db: Db, keyId: number) {
  return db.selectFrom('search_walks').selectAll().where('key_id', '=', keyId).executeTakeFirst();
}

/** Starts the walk under `keyId` (nothing when another process started it first). */
export async function startWalk(db: Db, keyId: number, at: number): Promise<void> {
  await db
    .insertInto('search_walks')
    .values({ key_id: keyId, after_id: 0, started_at: at, finished_at: null })
    .onConflict((oc) => oc.column('key_id').doNothing())
    .execute();
}

/** Moves the walk under `keyId` past case `afterId` (never backwards); with `finishedAt`, marks its first end. */
export async function advanceWalk(db: Db, keyId: number, afterId: number, finishedAt: number | null): Promise<void> {
  await db
    .updateTable('search_walks')
    .set((eb) => ({
      after_id: sql<number>`case when ${eb.ref('after_id')} > ${afterId} then ${eb.ref('after_id')} else ${afterId} end`,
      ...(finishedAt !== null ? { finished_at: finishedAt } : {}),
    }))
    .where('key_id', '=', keyId)
    .execute();
}

/**
 * The next `limit` cases after `afterId` that the walk under `keyId` must index: not purged, and
 * not already indexed under `keyId` (the events indexed them meanwhile). Reads cases by their
 * primary key, joined to search_cases by its own: one range of each.
 */
export async function casesToWalk(
  db: Db,
  keyId: number,
  afterId: number,
  limit: number,
): Promise<{ ids: number[]; lastSeen: number | null; full: boolean }> {
  const rows = await db
    .selectFrom('cases')
    .leftJoin('search_cases', 'search_cases.case_id', 'cases.id')
    .select(['cases.id', 'cases.purged_at', 'search_cases.key_id', 'search_cases.stale'])
    .where('cases.id', '>', afterId)
    .orderBy('cases.id')
    .limit(limit)
    .execute();
  return {
    ids: rows.filter((r) => r.purged_at === null && (r.key_id !== keyId || r.stale === 1)).map((r) => r.id),
    lastSeen: rows.length > 0 ? rows[rows.length - 1]!.id : null,
    full: rows.length === limit,
  };
}

/** Index rows left under keys other than `keyId` (a finished walk's leftovers: cases gone meanwhile). */
export async function dropOtherKeys(db: Db, keyId: number): Promise<number> {
  const gone = db.selectFrom('search_cases').select('case_id').where('key_id', '<>', keyId).where('stale', '=', sql.lit(0));
  const r = await db.deleteFrom('search_tokens').where('case_id', 'in', gone).executeTakeFirst();
  await db.deleteFrom('search_cases').where('key_id', '<>', keyId).where('stale', '=', sql.lit(0)).execute();
  return Number(r.numDeletedRows);
}

/**
 * How many cases have one of `hashes` (one token under each key in use), counting no further
 * than `cap`: a bounded look to find a query's rarest token, which then drives the search.
 */
export async function countUpTo(db: Db, hashes: readonly Buffer[], cap: number): Promise<number> {
  const r = await db
    .selectFrom((eb) =>
      eb.selectFrom('search_tokens').select('case_id').where('token', 'in', [...hashes]).limit(cap).as('t'),
    )
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

/**
 * Ids of the cases that have every token of `terms` (each term: its hashes, one per key in use)
 * and that `actor` may know (need-to-know, cases/access.ts), newest first, below `before`, at
 * most `limit`. `driver` (the rarest term's index) is read in case order; each other term is one
 * probe of the primary key per case.
 */
export async function matchingCases(
  db: Db,
  actor: Principal,
  terms: readonly (readonly Buffer[])[],
  driver: number,
  before: number | null,
  limit: number,
): Promise<number[]> {
  let q = db
    .selectFrom('search_tokens as d')
    .innerJoin('cases', 'cases.id', 'd.case_id')
    .select('d.case_id')
    .where('d.token', 'in', [...terms[driver]!]);
  if (before !== null) q = q.where('d.case_id', '<', before);
  for (const [i, hashes] of terms.entries()) {
    if (i === driver) continue;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('search_tokens as o')
          .select('o.case_id')
          .whereRef('o.case_id', '=', 'd.case_id')
          .where('o.token', 'in', [...hashes]),
      ),
    );
  }
  const rows = await q.where(visibleTo(actor)).orderBy('d.case_id', 'desc').limit(limit).execute();
  return rows.map((r) => r.case_id);
}

/** The index's size: rows, and bytes of its token table and indexes where the engine says (bench). */
export async function indexSize(db: Db, postgres: boolean): Promise<{ rows: number; cases: number; bytes: number | null }> {
  const rows = Number((await db.selectFrom('search_tokens').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0);
  const cases = Number((await db.selectFrom('search_cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0);
  let bytes: number | null = null;
  try {
    if (postgres) {
      const r = await sql<{ n: string }>`select pg_total_relation_size('search_tokens') + pg_total_relation_size('search_cases') as n`.execute(db);
      bytes = Number(r.rows[0]?.n ?? 0);
    } else {
      const r = await sql<{ n: number }>`select sum(pgsize) as n from dbstat where name in ('search_tokens', 'search_tokens_case', 'search_cases', 'search_cases_key', 'search_cases_stale')`.execute(db);
      bytes = Number(r.rows[0]?.n ?? 0);
    }
  } catch {
    // SQLite built without dbstat: rows are still counted.
    bytes = null;
  }
  return { rows, cases, bytes };
}
