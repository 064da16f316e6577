import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { TestClock } from '../../../test/harness.js';
import { migrateToLatest } from '../storage/migrate.js';
import type { Storage } from '../storage/db.js';
import { claimJob, createJobRunner, ensureJob, listJobs } from './jobs.js';

const HOUR = 60 * 60 * 1000;

for (const engine of engines) {
  describe.skipIf(!engine.available)(`job runner on ${engine.name}`, () => {
    let storage: Storage;
    let dispose: () => Promise<void>;
    beforeAll(async () => {
      const created = await engine.create();
      storage = created.storage;
      dispose = created.dispose;
      await migrateToLatest(storage);
    });
    afterAll(async () => dispose?.());

    it('gives a job to exactly one of many workers claiming at the same moment', async () => {
      const now = Date.UTC(2026, 10, 22);
      await ensureJob(storage.db, 'race', now);
      const wins = await Promise.all(
        Array.from({ length: 8 }, (_, i) => claimJob(storage.db, 'race', `w${i}`, now, HOUR)),
      );
      expect(wins.filter(Boolean)).toHaveLength(1);
      // Held: nobody else gets it, even forced, until the lease runs out.
      expect(await claimJob(storage.db, 'race', 'late', now + HOUR - 1, HOUR, true)).toBe(false);
      expect(await claimJob(storage.db, 'race', 'late', now + HOUR + 1, HOUR, true)).toBe(true);
    });

    it('runs a job when due, once per interval, across two runners sharing the database', async () => {
      const clock = new TestClock();
      let runs = 0;
      const job = { name: 'count', intervalMs: HOUR, run: async () => void runs++ };
      const a = createJobRunner({ db: storage.db, now: clock.now }, [job], { worker: 'a' });
      const b = createJobRunner({ db: storage.db, now: clock.now }, [job], { worker: 'b' });
      const [ra, rb] = await Promise.all([a.runDue(), b.runDue()]);
      const outcomes = [ra[0]!.outcome, rb[0]!.outcome].sort();
      // The loser finds it held (still running) or already done (not due).
      expect(outcomes[0]).toBe('done');
      expect(['locked', 'not_due']).toContain(outcomes[1]);
      expect(runs).toBe(1);
      clock.advance(HOUR - 1);
      expect((await a.runDue())[0]!.outcome).toBe('not_due');
      clock.advance(1);
      expect((await b.runDue())[0]!.outcome).toBe('done');
      expect(runs).toBe(2);
      // Forced (the CLI's "run now") runs a job that is not due.
      expect((await a.runDue({ force: true }))[0]!.outcome).toBe('done');
      expect(runs).toBe(3);
    });

    it('records a failure by the error name only, releases the lock and schedules the next run', async () => {
      const clock = new TestClock();
      const job = {
        name: 'fails',
        intervalMs: HOUR,
        run: async () => {
          throw new TypeError('secret detail that must not be stored');
        },
      };
      const runner = createJobRunner({ db: storage.db, now: clock.now }, [job]);
      expect(await runner.runDue()).toEqual([{ name: 'fails', outcome: 'failed', error: 'TypeError' }]);
      const row = (await listJobs(storage.db)).find((j) => j.name === 'fails')!;
      expect(row.last_error).toBe('TypeError');
      expect(row.locked_until).toBe(0);
      expect(row.next_run_at).toBe(clock.now() + HOUR);
    });

    it('starts a timer that does not hold the process and stops cleanly', async () => {
      let runs = 0;
      // A tick reads the clock once per job (twice when it runs one): waiting for reads, rather
      // than for time, sees the first tick run the job and two more find it not due.
      let reads = 0;
      let readsDone = (): void => undefined;
      const now = (): number => {
        reads++;
        readsDone();
        return Date.now();
      };
      const threeTicks = new Promise<void>((resolve) => {
        readsDone = () => {
          if (reads >= 4) resolve();
        };
      });
      const runner = createJobRunner({ db: storage.db, now }, [
        { name: 'tick', intervalMs: HOUR, run: async () => void runs++ },
      ]);
      runner.start(5);
      await threeTicks;
      await runner.stop();
      expect(runs).toBe(1);
    });
  });
}
