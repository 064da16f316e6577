import { Migrator, sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { engines } from '../test/engines.js';
import { AUDIT_FILTER_INDEXES } from './2026-12-07-002-audit-log-filters.js';
import { migrations } from './index.js';

// The audit log page's indexes on both engines: up adds one per filter, in the page's order,
// keeping the entries (the log is append-only, so nothing is rewritten); down removes them.

const AUDIT_FILTERS = '2026-12-07-002-audit-log-filters';
const names = Object.keys(migrations);
const BEFORE = names[names.indexOf(AUDIT_FILTERS) - 1]!;

async function auditIndexes(db: Kysely<unknown>, postgres: boolean): Promise<Map<string, string>> {
  const rows = postgres
    ? (await sql<{ name: string; def: string }>`select indexname as name, indexdef as def from pg_indexes where tablename = 'audit_log'`.execute(db)).rows
    : (await sql<{ name: string; def: string | null }>`select name, sql as def from sqlite_master where type = 'index' and tbl_name = 'audit_log'`.execute(db)).rows;
  return new Map(rows.map((r) => [r.name, (r.def ?? '').toLowerCase().replace(/"/g, '')]));
}

for (const engine of engines) {
  describe.skipIf(!engine.available)(`the audit log filters migration on ${engine.name}`, () => {
    it('adds an index per filter in the page order, keeps the entries, and goes down and up again', async () => {
      const { storage, dispose } = await engine.create();
      const migrator = new Migrator({
        db: storage.db,
        provider: { getMigrations: async () => migrations },
        migrationTableName: 'haven_migrations',
        migrationLockTableName: 'haven_migrations_lock',
      });
      const db = storage.db as unknown as Kysely<unknown>;
      const postgres = engine.name === 'postgres';
      try {
        expect(BEFORE).not.toBe(AUDIT_FILTERS);
        expect((await migrator.migrateTo(BEFORE)).error).toBeUndefined();
        await sql`insert into audit_log (at, actor_kind, actor_id, action, case_id, detail)
          values (1, 'staff', 'u1', 'case.viewed', 7, null), (2, 'system', null, 'retention.run', null, '{"purged":0}')`.execute(db);
        let indexes = await auditIndexes(db, postgres);
        for (const { index } of AUDIT_FILTER_INDEXES) expect(indexes.has(index), index).toBe(false);
        const before = indexes.size;

        expect((await migrator.migrateTo(AUDIT_FILTERS)).error).toBeUndefined();
        indexes = await auditIndexes(db, postgres);
        for (const { index, columns } of AUDIT_FILTER_INDEXES) {
          expect(indexes.get(index), index).toContain(`(${columns.join(', ')})`);
        }
        expect(indexes.size).toBe(before + AUDIT_FILTER_INDEXES.length);
        expect(indexes.has('audit_log_case')).toBe(true);
        const kept = await sql<{ action: string }>`select action from audit_log order by at`.execute(db);
        expect(kept.rows.map((r) => r.action)).toEqual(['case.viewed', 'retention.run']);

        expect((await migrator.migrateTo(BEFORE)).error).toBeUndefined();
        indexes = await auditIndexes(db, postgres);
        for (const { index } of AUDIT_FILTER_INDEXES) expect(indexes.has(index), index).toBe(false);
        expect(indexes.size).toBe(before);
        expect((await migrator.migrateTo(AUDIT_FILTERS)).error).toBeUndefined();
        expect((await auditIndexes(db, postgres)).size).toBe(before + AUDIT_FILTER_INDEXES.length);
      } finally {
        await dispose();
      }
    });
  });
}
