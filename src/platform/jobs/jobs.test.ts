import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { TestClock } from '../../../test/harness.js';
import type { Storage } from '../storage/db.js';
import {
  claimJob,
  createJobRunner,
  ensureJob,
  listJobs,
  nextRunOf,
  scheduleOf,
  type JobDefinition,
} from './jobs.js';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const noop = async (): Promise<void> => undefined;

describe('job schedules', () => {
  it('computes a cron job\'s next run from its expression: the next occurrence strictly after', () => {
    const nightly = nextRunOf({ name: 'nightly', cron: '0 2 * * *', run: noop });
    // 2026-11-22 is a Sunday.
    expect(nightly(Date.UTC(2026, 10, 22, 9))).toBe(Date.UTC(2026, 10, 23, 2));
    expect(nightly(Date.UTC(2026, 10, 23, 1, 59, 59, 999))).toBe(Date.UTC(2026, 10, 23, 2));
    expect(nightly(Date.UTC(2026, 10, 23, 2))).toBe(Date.UTC(2026, 10, 24, 2));
    const mondays = nextRunOf({ name: 'mondays', cron: '0 6 * * 1', run: noop });
    expect(mondays(Date.UTC(2026, 10, 22, 9))).toBe(Date.UTC(2026, 10, 23, 6));
    expect(mondays(Date.UTC(2026, 10, 23, 6))).toBe(Date.UTC(2026, 10, 30, 6));
    // In a time zone: 06:00 in Bogotá (UTC−5) is 11:00 UTC; 02:00 in Madrid is 01:00 UTC in
    // winter and 00:00 UTC in summer.
    const bogota = nextRunOf({ name: 'b', cron: '0 6 * * 1', timeZone: 'America/Bogota', run: noop });
    expect(bogota(Date.UTC(2026, 10, 22, 9))).toBe(Date.UTC(2026, 10, 23, 11));
    const madrid = nextRunOf({ name: 'm', cron: '0 2 * * *', timeZone: 'Europe/Madrid', run: noop });
    expect(madrid(Date.UTC(2026, 10, 22, 9))).toBe(Date.UTC(2026, 10, 23, 1));
    expect(madrid(Date.UTC(2026, 6, 1, 9))).toBe(Date.UTC(2026, 6, 2, 0));
    // An interval job: the interval after the end of its last run, as before.
    expect(nextRunOf({ name: 'i', intervalMs: HOUR, run: noop })(1000)).toBe(1000 + HOUR);
    expect(scheduleOf({ name: 'i', intervalMs: HOUR, run: noop })).toEqual({ kind: 'interval', everyMs: HOUR });
    expect(scheduleOf({ name: 'n', cron: '0 2 * * *', run: noop })).toEqual({
      kind: 'cron',
      expression: '0 2 * * *',
      timeZone: 'UTC',
    });
  });

  it('refuses at construction, naming the job, a schedule that does not parse or never occurs', () => {
    const now = () => Date.UTC(2026, 10, 22);
    const db = undefined as unknown as Parameters<typeof createJobRunner>[0]['db'];
    const bad: JobDefinition[] = [
      { name: 'hour-25', cron: '0 25 * * *', run: noop },
      { name: 'four-fields', cron: '0 2 * *', run: noop },
      { name: 'with-seconds', cron: '0 0 2 * * *', run: noop },
      { name: 'nonsense', cron: 'every night', run: noop },
      { name: 'february-30', cron: '0 0 30 2 *', run: noop },
      { name: 'unknown-zone', cron: '0 2 * * *', timeZone: 'Mars/Olympus', run: noop },
      // Only JavaScript callers can get here: the type refuses both and neither.
      { name: 'both', cron: '0 2 * * *', intervalMs: HOUR, run: noop } as unknown as JobDefinition,
      { name: 'neither', run: noop } as unknown as JobDefinition,
    ];
    for (const job of bad) {
      const good = { name: 'fine', intervalMs: HOUR, run: noop };
      expect(() => createJobRunner({ db, now }, [good, job]), job.name).toThrow(`job "${job.name}"`);
    }
    expect(() => createJobRunner({ db, now }, [{ name: 'ok', cron: '5 * * * *', run: noop }])).not.toThrow();
  });

  it('lets TypeScript refuse a job with both an interval and a cron expression, or neither', () => {
    // @ts-expect-error both
    const both: JobDefinition = { name: 'x', intervalMs: HOUR, cron: '0 2 * * *', run: noop };
    // @ts-expect-error neither
    const neither: JobDefinition = { name: 'x', run: noop };
    // @ts-expect-error a time zone belongs to a cron expression
    const zoned: JobDefinition = { name: 'x', intervalMs: HOUR, timeZone: 'UTC', run: noop };
    expect([both, neither, zoned]).toHaveLength(3);
  });
});

for (const engine of engines) {
  describe.skipIf(!engine.available)(`job runner on ${engine.name}`, () => {
    let storage: Storage;
    let dispose: () => Promise<void>;
    beforeAll(async () => {
      const created = await engine.createMigrated();
      storage = created.storage;
      dispose = created.dispose;
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

    it('schedules a new cron job at its next occurrence, runs it then, and once more the next night', async () => {
      const clock = new TestClock(); // Sunday 2026-11-22, 09:00 UTC
      let runs = 0;
      const job = { name: 'nightly', cron: '0 2 * * *', run: async () => void runs++ };
      const runner = createJobRunner({ db: storage.db, now: clock.now }, [job]);
      expect(await runner.runDue()).toEqual([{ name: 'nightly', outcome: 'not_due' }]);
      const row = async () => (await listJobs(storage.db)).find((j) => j.name === 'nightly')!;
      expect((await row()).next_run_at).toBe(Date.UTC(2026, 10, 23, 2));
      clock.ms = Date.UTC(2026, 10, 23, 1, 59, 59, 999);
      expect((await runner.runDue())[0]!.outcome).toBe('not_due');
      clock.ms = Date.UTC(2026, 10, 23, 2);
      expect((await runner.runDue())[0]!.outcome).toBe('done');
      expect(runs).toBe(1);
      expect((await row()).next_run_at).toBe(Date.UTC(2026, 10, 24, 2));
      // A run that ends later (a slow run, a late tick) still aims at the next occurrence.
      clock.ms = Date.UTC(2026, 10, 24, 2, 0, 30);
      expect((await runner.runDue())[0]!.outcome).toBe('done');
      expect((await row()).next_run_at).toBe(Date.UTC(2026, 10, 25, 2));
      // Forced ("run now"), then the schedule resumes at the next occurrence after it.
      clock.ms = Date.UTC(2026, 10, 24, 15);
      expect((await runner.runDue({ force: true }))[0]!.outcome).toBe('done');
      expect((await row()).next_run_at).toBe(Date.UTC(2026, 10, 25, 2));
      expect(runs).toBe(3);
    });

    it('runs a cron job once at its occurrence when several runners race for it', async () => {
      const clock = new TestClock();
      let runs = 0;
      const job = {
        name: 'mondays',
        cron: '0 6 * * 1',
        run: async () => {
          runs++;
          // The run takes a moment of the clock, as a real one would.
          clock.advance(1000);
        },
      };
      const runners = ['a', 'b', 'c', 'd', 'e'].map((worker) =>
        createJobRunner({ db: storage.db, now: clock.now }, [job], { worker }),
      );
      await runners[0]!.runDue();
      clock.ms = Date.UTC(2026, 10, 23, 6); // Monday 06:00 UTC
      const results = await Promise.all(runners.map((r) => r.runDue()));
      const outcomes = results.map((r) => r[0]!.outcome).sort();
      expect(outcomes.filter((o) => o === 'done')).toHaveLength(1);
      expect(outcomes.filter((o) => o !== 'done').every((o) => o === 'locked' || o === 'not_due')).toBe(true);
      expect(runs).toBe(1);
      // Everyone ticks again within the week: nobody runs it until next Monday.
      clock.advance(DAY);
      expect((await Promise.all(runners.map((r) => r.runDue()))).map((r) => r[0]!.outcome)).toEqual(
        Array(5).fill('not_due'),
      );
      clock.ms = Date.UTC(2026, 10, 30, 6);
      await Promise.all(runners.map((r) => r.runDue()));
      expect(runs).toBe(2);
    });

    it('runs a cron job once after the process was down past several occurrences', async () => {
      const clock = new TestClock();
      let runs = 0;
      const job = { name: 'hourly-at-5', cron: '5 * * * *', run: async () => void runs++ };
      const runner = createJobRunner({ db: storage.db, now: clock.now }, [job]);
      await runner.runDue();
      clock.ms = Date.UTC(2026, 10, 22, 9, 5);
      expect((await runner.runDue())[0]!.outcome).toBe('done');
      // Down for three days and a bit: about 72 occurrences missed.
      clock.ms = Date.UTC(2026, 10, 25, 10, 40);
      expect((await runner.runDue())[0]!.outcome).toBe('done');
      expect((await runner.runDue())[0]!.outcome).toBe('not_due');
      expect(runs).toBe(2);
      const row = (await listJobs(storage.db)).find((j) => j.name === 'hourly-at-5')!;
      expect(row.next_run_at).toBe(Date.UTC(2026, 10, 25, 11, 5));
    });

    it('ticks once at the start, not only a whole interval later', async () => {
      let ran = (): void => undefined;
      const firstRun = new Promise<void>((resolve) => {
        ran = resolve;
      });
      const runner = createJobRunner({ db: storage.db, now: () => Date.now() }, [
        { name: 'at-start', intervalMs: HOUR, run: async () => ran() },
      ]);
      // An hour between ticks: only the first tick can run the job within the test's time.
      runner.start(HOUR);
      await firstRun;
      await runner.stop();
      const row = (await listJobs(storage.db)).find((j) => j.name === 'at-start')!;
      expect(row.last_run_at).not.toBeNull();
      expect(row.last_error).toBeNull();
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
