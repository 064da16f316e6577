import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, type TestDatabase } from '../../../test/engines.js';
import { mergedIntoIt } from './link.repo.js';
import { capturing } from '../../../test/capture.js';

/**
 * Every case page asks which cases were merged into it (ADR 38): that must be one probe of an
 * index, never a read of every case (a full scan cost 23 ms a view at 100,000 cases).
 */
for (const engine of engines) {
  describe.skipIf(!engine.available)(`cases merged into a case, on ${engine.name}`, () => {
    let created: TestDatabase;
    beforeAll(async () => {
      created = await engine.createMigrated();
    });
    afterAll(async () => {
      await created?.dispose();
    });

    it('are read through an index on merged_into, not a scan of cases', async () => {
      const db = created.storage.db;
      const { statements, capture } = capturing(db);
      expect(await mergedIntoIt(db.withPlugin(capture), 42)).toEqual([]);
      const run = statements[0]!;
      let plan: string;
      if (engine.name === 'sqlite') {
        const res = await db.executeQuery<{ detail: string }>({ ...run, sql: `explain query plan ${run.sql}` });
        plan = res.rows.map((r) => r.detail).join(' | ');
        expect(plan).toMatch(/SEARCH cases USING (COVERING )?INDEX \w+ \(merged_into=\?\)/);
      } else {
        plan = await db.transaction().execute(async (trx) => {
          // An empty table is read whole whatever its indexes: asked not to, PostgreSQL shows
          // whether an index could serve the statement at all.
          await sql`set local enable_seqscan = off`.execute(trx);
          const res = await trx.executeQuery<{ 'QUERY PLAN': string }>({ ...run, sql: `explain ${run.sql}` });
          return res.rows.map((r) => r['QUERY PLAN']).join(' | ');
        });
        expect(plan).toMatch(/Index Cond: \(merged_into = /);
      }
      expect(plan).not.toMatch(/SCAN cases(?! USING)|Seq Scan on cases/);
    });
  });
}
