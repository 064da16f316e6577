import { CompiledQuery, sql, type Kysely } from 'kysely';
import type { Dialect } from '../storage/db.js';

/**
 * What a backup needs to know about the database, read from the engine's own catalogue
 * (sqlite_master / pragmas, or pg_catalog) rather than from a list in the code, so tables
 * that later migrations add are backed up without anyone remembering to. This file is the
 * one place where the two engines' catalogues differ.
 */

// The migrator's bookkeeping: restore migrates the target itself, so these are never copied.
export const BOOKKEEPING_TABLES = new Set(['haven_migrations', 'haven_migrations_lock']);
export const MIGRATION_TABLE = 'haven_migrations';

// Any Kysely works here: the catalogue is not part of Haven's typed schema.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- catalogue queries are untyped by nature
export type AnyDb = Kysely<any>;

export interface TableInfo {
  name: string;
  columns: string[];
  /** Primary-key columns in key order; empty when the table has none. */
  primaryKey: string[];
  /** Tables this one references (parents), self-references excluded. */
  parents: string[];
  /** The column filled by an identity/autoincrement counter, if any. */
  identity: string | undefined;
}

async function rows<T>(db: AnyDb, query: ReturnType<typeof sql>): Promise<T[]> {
  return (await query.execute(db)).rows as T[];
}

async function sqliteTables(db: AnyDb): Promise<TableInfo[]> {
  const tables = await rows<{ name: string; sql: string }>(
    db,
    sql`select name, sql from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`,
  );
  const out: TableInfo[] = [];
  for (const t of tables) {
    if (BOOKKEEPING_TABLES.has(t.name)) continue;
    const cols = await rows<{ name: string; pk: number }>(
      db,
      sql`select name, pk from pragma_table_info(${t.name}) order by cid`,
    );
    const fks = await rows<{ table: string }>(db, sql`select "table" from pragma_foreign_key_list(${t.name})`);
    const primaryKey = cols.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
    out.push({
      name: t.name,
      columns: cols.map((c) => c.name),
      primaryKey,
      parents: [...new Set(fks.map((f) => f.table))].filter((p) => p !== t.name),
      identity: /\bautoincrement\b/i.test(t.sql) && primaryKey.length === 1 ? primaryKey[0] : undefined,
    });
  }
  return out;
}

async function postgresTables(db: AnyDb): Promise<TableInfo[]> {
  const tables = await rows<{ name: string }>(
    db,
    sql`select c.relname as name from pg_class c
        where c.relnamespace = current_schema()::regnamespace and c.relkind in ('r', 'p')
        order by c.relname`,
  );
  const out: TableInfo[] = [];
  for (const { name } of tables) {
    if (BOOKKEEPING_TABLES.has(name)) continue;
    const cols = await rows<{ name: string; identity: boolean }>(
      db,
      sql`select column_name as name,
                 (is_identity = 'YES' or coalesce(column_default, '') like 'nextval(%') as identity
          from information_schema.columns
          where table_schema = current_schema() and table_name = ${name}
          order by ordinal_position`,
    );
    const pk = await rows<{ name: string }>(
      db,
      sql`select a.attname as name
          from pg_index i
          join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
          where i.indrelid = (quote_ident(current_schema()) || '.' || quote_ident(${name}))::regclass
            and i.indisprimary
          order by array_position(i.indkey::int2[], a.attnum)`,
    );
    const fks = await rows<{ parent: string }>(
      db,
      sql`select p.relname as parent
          from pg_constraint k
          join pg_class c on c.oid = k.conrelid
          join pg_class p on p.oid = k.confrelid
          where k.contype = 'f' and c.relname = ${name}
            and c.relnamespace = current_schema()::regnamespace`,
    );
    out.push({
      name,
      columns: cols.map((c) => c.name),
      primaryKey: pk.map((p) => p.name),
      parents: [...new Set(fks.map((f) => f.parent))].filter((p) => p !== name),
      identity: cols.find((c) => c.identity)?.name,
    });
  }
  return out;
}

/**
 * Every application table, parents before children (a topological order of the foreign
 * keys, ties broken by name so two backups of the same schema list tables identically).
 */
export async function listTables(db: AnyDb, dialect: Dialect): Promise<TableInfo[]> {
  const all = dialect === 'postgres' ? await postgresTables(db) : await sqliteTables(db);
  const byName = new Map(all.map((t) => [t.name, t]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const ordered: TableInfo[] = [];
  const visit = (t: TableInfo): void => {
    if (done.has(t.name)) return;
    if (visiting.has(t.name)) throw new Error(`foreign keys form a cycle through ${t.name}`);
    visiting.add(t.name);
    for (const p of [...t.parents].sort()) {
      const parent = byName.get(p);
      if (parent) visit(parent);
    }
    visiting.delete(t.name);
    done.add(t.name);
    ordered.push(t);
  };
  for (const t of all) visit(t);
  return ordered;
}

/** The names of the applied migrations, in order: the schema version a backup records. */
export async function appliedMigrations(db: AnyDb): Promise<string[]> {
  const r = await rows<{ name: string }>(db, sql`select name from ${sql.table(MIGRATION_TABLE)} order by name`);
  return r.map((m) => m.name);
}

/**
 * The identity counters' current values by table, so a restore hands out the same next id
 * as the original would (SQLite's sqlite_sequence; PostgreSQL's identity sequences).
 */
export async function readCounters(db: AnyDb, dialect: Dialect, tables: TableInfo[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  if (dialect === 'sqlite') {
    if (!tables.some((t) => t.identity)) return out;
    const seq = await rows<{ name: string; seq: number }>(db, sql`select name, seq from sqlite_sequence`);
    for (const s of seq) if (tables.some((t) => t.name === s.name)) out[s.name] = Number(s.seq);
    return out;
  }
  for (const t of tables) {
    if (!t.identity) continue;
    const [s] = await rows<{ seq: string | null }>(db, sql`select pg_get_serial_sequence(${t.name}, ${t.identity}) as seq`);
    if (!s?.seq) continue;
    const [v] = await rows<{ last_value: number; is_called: boolean }>(
      db,
      sql`select last_value, is_called from ${sql.raw(s.seq)}`,
    );
    out[t.name] = v?.is_called ? Number(v.last_value) : 0;
  }
  return out;
}

/**
 * Sets each identity counter to the larger of the backup's value and the highest id now in
 * the table, so explicit ids inserted by a restore never collide with the next new row.
 */
export async function writeCounters(
  db: AnyDb,
  dialect: Dialect,
  tables: TableInfo[],
  counters: Record<string, number>,
): Promise<void> {
  for (const t of tables) {
    if (!t.identity) continue;
    const [m] = await rows<{ m: number | null }>(
      db,
      sql`select max(${sql.ref(t.identity)}) as m from ${sql.table(t.name)}`,
    );
    const value = Math.max(Number(m?.m ?? 0), counters[t.name] ?? 0);
    if (dialect === 'sqlite') {
      await sql`delete from sqlite_sequence where name = ${t.name}`.execute(db);
      if (value > 0) await sql`insert into sqlite_sequence (name, seq) values (${t.name}, ${value})`.execute(db);
    } else {
      await sql`select setval(pg_get_serial_sequence(${t.name}, ${t.identity}), ${Math.max(value, 1)}, ${value > 0})`.execute(db);
    }
  }
}

/**
 * Empties `tables` (children first) inside the caller's transaction. Triggers that would
 * refuse the delete — the audit log's append-only guard — are set aside for these deletes
 * only and are back, unchanged, before the transaction can commit: on SQLite they are
 * dropped and re-created from their stored SQL; on PostgreSQL they are disabled and
 * re-enabled (both are transactional DDL, so a failure restores them too).
 */
export async function emptyTables(db: AnyDb, dialect: Dialect, tables: TableInfo[]): Promise<void> {
  const children = [...tables].reverse();
  if (dialect === 'sqlite') {
    const triggers: { name: string; sql: string }[] = [];
    for (const t of children) {
      triggers.push(
        ...(await rows<{ name: string; sql: string }>(
          db,
          sql`select name, sql from sqlite_master where type = 'trigger' and tbl_name = ${t.name} order by name`,
        )),
      );
    }
    for (const tr of triggers) await sql`drop trigger ${sql.id(tr.name)}`.execute(db);
    for (const t of children) await sql`delete from ${sql.table(t.name)}`.execute(db);
    for (const tr of triggers) await sql.raw(tr.sql).execute(db);
    return;
  }
  const guarded = new Set(
    (
      await rows<{ name: string }>(
        db,
        sql`select distinct c.relname as name from pg_trigger g join pg_class c on c.oid = g.tgrelid
            where not g.tgisinternal and c.relnamespace = current_schema()::regnamespace`,
      )
    ).map((r) => r.name),
  );
  for (const t of children) {
    if (guarded.has(t.name)) await sql`alter table ${sql.table(t.name)} disable trigger user`.execute(db);
    await sql`delete from ${sql.table(t.name)}`.execute(db);
    if (guarded.has(t.name)) await sql`alter table ${sql.table(t.name)} enable trigger user`.execute(db);
  }
}

/**
 * Inserts rows with one multi-row statement. The text is built directly (identifiers quoted,
 * values bound as parameters) rather than through Kysely's node tree, which for thousands of
 * values per statement cost more than the insert itself.
 */
export async function insertRows(db: AnyDb, dialect: Dialect, table: string, columns: string[], values: unknown[][]): Promise<void> {
  const q = (id: string): string => `"${id.replace(/"/g, '""')}"`;
  let n = 0;
  const params: unknown[] = [];
  const tuples = values.map((row) => {
    const marks = row.map((v) => {
      params.push(v);
      return dialect === 'postgres' ? `$${++n}` : '?';
    });
    return `(${marks.join(', ')})`;
  });
  const text = `insert into ${q(table)} (${columns.map(q).join(', ')}) values ${tuples.join(', ')}`;
  await db.executeQuery(CompiledQuery.raw(text, params));
}
