import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../src/modules/demo/index.js';
import { RETENTION_JOB } from '../src/modules/retention/index.js';
import { startHaven, type HavenProcess } from './crash/haven-process.js';
import { engines } from './engines.js';
import { createHarness, type Harness } from './harness.js';
import { insertStaffRow } from './staff-row.js';

// A real `haven serve` asked to stop (SIGTERM) while its worker runs the retention job over
// thousands of due cases: the run must end at a case boundary and the process leave cleanly
// (exit 0), long before the run could have finished, instead of holding the stop for the whole
// run (ADR 23). The stop deadline's forced exit is 1, so a clean 0 shows the stop was honoured.

const REQUESTS = 3000;

for (const engine of engines) {
  describe.skipIf(!engine.available)(`haven serve stopped during a retention run on ${engine.name}`, () => {
    let h: Harness | undefined;
    let proc: HavenProcess | undefined;
    afterAll(async () => {
      await proc?.kill();
      await h?.close();
    });

    const count = async (purged: boolean) =>
      Number(
        (
          await h!.deps.db
            .selectFrom('cases')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('purged_at', purged ? 'is not' : 'is', null)
            .executeTakeFirstOrThrow()
        ).n,
      );

    it('ends the run at a case boundary and exits cleanly', async () => {
      h = await createHarness(engine);
      // The process runs on the real clock.
      h.clock.ms = Date.now();
      await insertStaffRow(h.deps.db, { id: 'demo-handler', email: 'demo@handler.invalid', displayName: 'Demo', role: 'handler', at: h.clock.ms });
      // A year long past: nearly every case is closed and due under the default rules.
      const demo = await generateDemo(h.deps, { requests: REQUESTS, seed: 'stop', year: 2023, handlerId: 'demo-handler' });
      expect(demo.ok).toBe(true);

      proc = await startHaven({
        ...(h.databaseUrl ? { DATABASE_URL: h.databaseUrl } : {}),
        DATA_DIR: h.dataDir,
        HAVEN_MASTER_KEY: h.masterKey.toString('hex'),
        WORKER_TICK_SECONDS: '1',
        LOG_LEVEL: 'warn',
      });
      // Wait for the worker to be part way through the run.
      const job = () => h!.deps.db.selectFrom('jobs').selectAll().where('name', '=', RETENTION_JOB).executeTakeFirst();
      for (;;) {
        const row = await job();
        if (row?.locked_by && (await count(true)) > 0) break;
        if (row && !row.locked_by && row.last_run_at !== null) throw new Error('the run ended before the stop could be sent');
        await new Promise((r) => setTimeout(r, 20));
      }

      expect(await proc.stop(), proc.tail()).toBe('exit 0');
      const purged = await count(true);
      expect(purged).toBeGreaterThan(0);
      expect(await count(false)).toBeGreaterThan(0);
      // Released and due again at once, with no error: the next start goes on.
      const row = await job();
      expect(row).toMatchObject({ locked_by: null, last_error: null });
      expect(row!.next_run_at).toBe(row!.last_run_at);
      // Each purged case whole: none keeps a message, each audited once.
      const leftover = await h.deps.db
        .selectFrom('messages')
        .innerJoin('cases', 'cases.id', 'messages.case_id')
        .select('cases.id')
        .where('cases.purged_at', 'is not', null)
        .limit(1)
        .execute();
      expect(leftover).toEqual([]);
      const audited = await h.deps.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('action', '=', 'case.purged')
        .executeTakeFirstOrThrow();
      expect(Number(audited.n)).toBe(purged);
      rmSync(h.dataDir, { recursive: true, force: true });
    }, 180_000);
  });
}
