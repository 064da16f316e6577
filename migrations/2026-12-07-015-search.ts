import { sql, type Kysely } from 'kysely';
import { bytes, isPostgres, millis } from './dialect.js';

// The search index (ADR 37), three tables:
//
// - search_tokens(token, case_id): one row per distinct token of a case, the token a keyed
//   hash (12 bytes) of a normalised word or indicator, never the word. The primary key
//   (token, case_id) is the lookup a search makes, read in case order; the second index
//   (case_id) finds a case's rows to replace or delete them. On SQLite the table is WITHOUT
//   ROWID, so the primary key is the table and a row costs its two columns once. No foreign
//   key: a purge deletes the rows itself in its transaction, and tens of millions of rows need
//   no check per insert.
// - search_cases(case_id, key_id, stale, indexed_at, tokens): which content key's search subkey
//   a case's rows are under (a rotation rebuilds under the new one), and `stale` when a change
//   could not be indexed at once (the instance was sealed); a partial index finds those.
// - search_walks(key_id, after_id, finished_at): how far the walk that indexes every case under
//   a key has come, so it resumes where it stopped, in any process.
//
// Frozen: later changes come as new migrations.

export async function up(db: Kysely<unknown>): Promise<void> {
  const pg = isPostgres(db);
  let tokens = db.schema
    .createTable('search_tokens')
    .addColumn('token', bytes(db), (c) => c.notNull())
    .addColumn('case_id', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('search_tokens_pk', ['token', 'case_id']);
  if (!pg) tokens = tokens.modifyEnd(sql`without rowid`);
  await tokens.execute();
  await db.schema.createIndex('search_tokens_case').on('search_tokens').columns(['case_id']).execute();

  await db.schema
    .createTable('search_cases')
    .addColumn('case_id', 'integer', (c) => c.primaryKey())
    .addColumn('key_id', 'integer', (c) => c.notNull())
    .addColumn('stale', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('indexed_at', millis(db), (c) => c.notNull())
    .addColumn('tokens', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('search_cases_key').on('search_cases').columns(['key_id']).execute();
  await db.schema
    .createIndex('search_cases_stale')
    .on('search_cases')
    .columns(['case_id'])
    .where(sql.ref('stale'), '=', 1)
    .execute();

  await db.schema
    .createTable('search_walks')
    .addColumn('key_id', 'integer', (c) => c.primaryKey())
    .addColumn('after_id', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('started_at', millis(db), (c) => c.notNull())
    .addColumn('finished_at', millis(db))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('search_walks').execute();
  await db.schema.dropTable('search_cases').execute();
  await db.schema.dropTable('search_tokens').execute();
}
