import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { capturing } from '../../../test/capture.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { newRequest, staffMember, type StaffFixture } from './case.fixtures.js';

/**
 * A case page reads the vocabularies from the process's kept copy (ADR 22), like the queue and
 * the public form: on PostgreSQL every table read is a round trip, and the triage form's
 * incident types used to be read from the tables on every view.
 */
for (const engine of engines) {
  describe.skipIf(!engine.available)(`the case page's reads on ${engine.name}`, () => {
    let h: Harness;
    let coordinator: StaffFixture;
    let caseId: number;
    beforeAll(async () => {
      h = await createHarness(engine);
      coordinator = await staffMember(h.deps, 'coordinator');
      caseId = (await newRequest(h.deps)).caseId;
    });
    afterAll(async () => {
      await h?.close();
    });

    it('reads no vocabulary table on a view while the kept copy is fresh', async () => {
      const view = () => h.app.inject({ method: 'GET', url: `/staff/cases/${caseId}`, headers: { cookie: coordinator.cookie } });
      expect((await view()).statusCode).toBe(200);
      const db = h.deps.db;
      const { statements, capture } = capturing(db);
      h.deps.db = db.withPlugin(capture);
      try {
        // Haven's clock stands still in the harness: the copy read by the first view is fresh.
        const res = await view();
        expect(res.statusCode).toBe(200);
        expect(res.body).toContain('name="incident_type"');
      } finally {
        h.deps.db = db;
      }
      expect(statements.length).toBeGreaterThan(5);
      const vocabularyReads = statements.map((s) => s.sql).filter((s) => /from "taxonomy_/.test(s));
      expect(vocabularyReads).toEqual([]);
    });
  });
}
