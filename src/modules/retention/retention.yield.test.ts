import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import { createJobRunner } from '../../platform/jobs/jobs.js';
import { newRequest } from '../cases/case.fixtures.js';
import { jobs, RETENTION_JOB } from './index.js';

// The retention run on a large database must not freeze the server (on SQLite every query is
// synchronous, so a run that never yields answers no request until it ends) and must end at a
// case boundary when the process stops. These tests check the order of events, not timings:
// with a slice of 0 ms the run yields between every two cases.

const DAY = 24 * 60 * 60 * 1000;
const CASES = 120;

for (const engine of engines) {
  describe.skipIf(!engine.available)(`the retention run shares the event loop on ${engine.name}`, () => {
    let h: Harness;
    let base: string;
    beforeAll(async () => {
      h = await createHarness(engine);
      await h.app.listen({ host: '127.0.0.1', port: 0 });
      base = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
    });
    afterAll(async () => h?.close());

    /** `n` closed cases well past the 90-day rule. */
    async function dueCases(n: number): Promise<number[]> {
      const ids: number[] = [];
      for (let i = 0; i < n; i++) ids.push((await newRequest(h.deps)).caseId);
      await h.deps.db
        .updateTable('cases')
        .set({ status: 'closed', closed_at: h.clock.now() - 400 * DAY })
        .where('id', 'in', ids)
        .execute();
      return ids;
    }
    const purgedAmong = async (ids: number[]) =>
      Number(
        (
          await h.deps.db
            .selectFrom('cases')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('id', 'in', ids)
            .where('purged_at', 'is not', null)
            .executeTakeFirstOrThrow()
        ).n,
      );

    it('answers a request over HTTP while the run is still purging', async () => {
      const ids = await dueCases(CASES);
      const runner = createJobRunner(h.deps, jobs(h.deps), { sliceMs: 0 });
      let ended = false;
      const run = runner.runDue({ force: true, only: RETENTION_JOB }).finally(() => {
        ended = true;
      });
      const res = await fetch(`${base}/request`);
      const endedWhenAnswered = ended;
      const purgedWhenAnswered = await purgedAmong(ids);
      expect(res.status).toBe(200);
      await res.arrayBuffer();
      // Before ADR 23 the answer waited for the whole run on SQLite.
      expect(endedWhenAnswered).toBe(false);
      expect(purgedWhenAnswered).toBeLessThan(CASES);
      expect(await run).toEqual([{ name: RETENTION_JOB, outcome: 'done' }]);
      expect(await purgedAmong(ids)).toBe(CASES);
    });

    it('stops at a case boundary when the worker stops, and the next run finishes the rest', async () => {
      const ids = await dueCases(CASES);
      const runner = createJobRunner(h.deps, jobs(h.deps), { sliceMs: 0 });
      let settled = false;
      const run = runner.runDue({ force: true, only: RETENTION_JOB }).finally(() => {
        settled = true;
      });
      while ((await purgedAmong(ids)) === 0) await new Promise((r) => setImmediate(r));
      await runner.stop();
      // stop() waits for a run called directly too, so nothing closes the database under it.
      expect(settled).toBe(true);
      expect(await run).toEqual([{ name: RETENTION_JOB, outcome: 'stopped' }]);
      const purgedBeforeStop = await purgedAmong(ids);
      expect(purgedBeforeStop).toBeGreaterThan(0);
      expect(purgedBeforeStop).toBeLessThan(CASES);
      // Every case is whole: purged (messages gone) or untouched (its first message kept).
      const withMessages = await h.deps.db
        .selectFrom('messages')
        .select('case_id')
        .distinct()
        .where('case_id', 'in', ids)
        .execute();
      expect(withMessages.length).toBe(CASES - purgedBeforeStop);
      // Due again at once, so the next start goes on where this run stopped.
      const row = await h.deps.db.selectFrom('jobs').selectAll().where('name', '=', RETENTION_JOB).executeTakeFirstOrThrow();
      expect(row.next_run_at).toBe(h.clock.now());
      expect(row.locked_by).toBeNull();
      expect(row.last_error).toBeNull();

      const next = createJobRunner(h.deps, jobs(h.deps));
      expect(await next.runDue()).toEqual([{ name: RETENTION_JOB, outcome: 'done' }]);
      expect(await purgedAmong(ids)).toBe(CASES);
      // Each case purged (and audited) exactly once across the two runs.
      const audited = await h.deps.db
        .selectFrom('audit_log')
        .select('case_id')
        .where('action', '=', 'case.purged')
        .where('case_id', 'in', ids)
        .execute();
      expect(audited.length).toBe(CASES);
    });
  });
}
