import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { engines } from '../../../test/engines.js';
import type { Storage } from '../storage/db.js';
import { backoffDelay, errorName, LEASE_EXPIRED } from './backoff.js';
import {
  createTaskRunner,
  DEFAULT_MAX_ATTEMPTS,
  enqueue,
  listDeadTasks,
  retryDeadTask,
  type TaskDefinition,
} from './queue.js';

const T0 = Date.UTC(2026, 11, 2, 9, 0, 0);
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** A clock that moves only when told. */
function clock(start = T0) {
  let ms = start;
  return { now: () => ms, advance: (d: number) => void (ms += d) };
}

const CasePayload = z.object({ caseId: z.number().int().positive() });

class Unreachable extends Error {
  override name = 'UnreachableError';
}

describe('backoff', () => {
  it('doubles from the base after each failure, up to the cap', () => {
    const b = { baseMs: 1000, maxMs: 10_000 };
    expect([1, 2, 3, 4, 5, 50].map((n) => backoffDelay(n, b))).toEqual([
      1000, 2000, 4000, 8000, 10_000, 10_000,
    ]);
  });
  it('stores an error by its name, never its message', () => {
    expect(errorName(new RangeError('amal@example.org'))).toBe('RangeError');
    expect(errorName('a thrown string')).toBe('Error');
  });
});

for (const engine of engines) {
  describe.skipIf(!engine.available)(`the task queue on ${engine.name}`, () => {
    let storage: Storage;
    let dispose: () => Promise<void>;
    const deps = (now: () => number) => ({ db: storage.db, dialect: storage.dialect, now });

    beforeAll(async () => {
      const created = await engine.createMigrated();
      storage = created.storage;
      dispose = created.dispose;
    });
    afterAll(async () => dispose?.());
    beforeEach(async () => {
      await storage.db.deleteFrom('tasks').execute();
    });

    it('enqueues in the caller’s transaction: a rolled-back one leaves no task', async () => {
      await expect(
        storage.db.transaction().execute(async (trx) => {
          await enqueue(trx, 'test.notify', { caseId: 1 }, { now: T0 });
          throw new Error('the change failed');
        }),
      ).rejects.toThrow('the change failed');
      expect(await storage.db.selectFrom('tasks').select('id').execute()).toEqual([]);
      await expect(enqueue(storage.db, 'Notify', {}, { now: T0 })).rejects.toThrow(/module/);
    });

    it('makes one task of two enqueues with the same key, in or out of a transaction', async () => {
      const first = await enqueue(
        storage.db,
        'test.notify',
        { caseId: 1 },
        { now: T0, key: 'case-1' },
      );
      const again = await storage.db
        .transaction()
        .execute((trx) =>
          enqueue(trx, 'test.notify', { caseId: 1 }, { now: T0 + 1, key: 'case-1' }),
        );
      expect(first.created).toBe(true);
      expect(again).toEqual({ id: first.id, created: false });
      // Another name, or no key, is another task.
      expect(
        (await enqueue(storage.db, 'test.other', { caseId: 1 }, { now: T0, key: 'case-1' }))
          .created,
      ).toBe(true);
      const a = await enqueue(storage.db, 'test.notify', { caseId: 1 }, { now: T0 });
      const b = await enqueue(storage.db, 'test.notify', { caseId: 1 }, { now: T0 });
      expect(a.id).not.toBe(b.id);
      expect(await storage.db.selectFrom('tasks').select('id').execute()).toHaveLength(4);
    });

    it('runs each task once with four runners racing, and only tasks it knows, when due', async () => {
      const c = clock();
      const runs = new Map<number, number>();
      const def: TaskDefinition<{ caseId: number }> = {
        name: 'test.count',
        parse: (p) => CasePayload.parse(p),
        run: async ({ caseId }) => {
          await new Promise((r) => setImmediate(r));
          runs.set(caseId, (runs.get(caseId) ?? 0) + 1);
        },
      };
      for (let i = 1; i <= 30; i++)
        await enqueue(storage.db, 'test.count', { caseId: i }, { now: T0 });
      await enqueue(storage.db, 'test.count', { caseId: 99 }, { now: T0, runAt: T0 + MINUTE });
      await enqueue(storage.db, 'test.unknown', { caseId: 1 }, { now: T0 });

      const runners = ['w1', 'w2', 'w3', 'w4'].map((worker) =>
        createTaskRunner(deps(c.now), [def], { worker, batchSize: 3 }),
      );
      const reports = await Promise.all(runners.map((r) => r.runDue()));
      expect(reports.reduce((n, r) => n + r.done, 0)).toBe(30);
      expect([...runs.keys()].sort((x, y) => x - y)).toEqual(
        Array.from({ length: 30 }, (_, i) => i + 1),
      );
      expect([...runs.values()].every((n) => n === 1)).toBe(true);

      // Not due yet, then due; a task nobody here knows is left for a process that does.
      c.advance(MINUTE - 1);
      expect((await runners[0]!.runDue()).done).toBe(0);
      c.advance(1);
      expect((await runners[1]!.runDue()).done).toBe(1);
      expect(runs.get(99)).toBe(1);
      const left = await storage.db
        .selectFrom('tasks')
        .select(['name', 'state', 'attempts'])
        .where('state', '!=', 'done')
        .execute();
      expect(left).toEqual([{ name: 'test.unknown', state: 'pending', attempts: 0 }]);
    });

    it('retries with exponential backoff up to a cap, then dead-letters after maxAttempts', async () => {
      const c = clock();
      let calls = 0;
      const def: TaskDefinition<{ caseId: number }> = {
        name: 'test.flaky',
        parse: (p) => CasePayload.parse(p),
        run: async () => {
          calls++;
          throw new Unreachable('could not reach +44 7700 900123');
        },
      };
      const runner = createTaskRunner(deps(c.now), [def], {
        backoff: { baseMs: MINUTE, maxMs: 4 * MINUTE },
      });
      const { id } = await enqueue(storage.db, 'test.flaky', { caseId: 5 }, { now: T0 });

      expect(await runner.runDue()).toEqual({ done: 0, failed: 1, dead: 0 });
      // Waits 1, 2, 4, then 4 minutes (the cap); the fifth failure (the default maximum) is dead.
      for (const [wait, expected] of [
        [MINUTE, { failed: 1, dead: 0 }],
        [2 * MINUTE, { failed: 1, dead: 0 }],
        [4 * MINUTE, { failed: 1, dead: 0 }],
        [4 * MINUTE, { failed: 0, dead: 1 }],
      ] as const) {
        c.advance(wait - 1);
        expect(await runner.runDue()).toEqual({ done: 0, failed: 0, dead: 0 });
        c.advance(1);
        expect(await runner.runDue()).toMatchObject(expected);
      }
      expect(calls).toBe(DEFAULT_MAX_ATTEMPTS);
      c.advance(DAY);
      await runner.runDue();
      expect(calls).toBe(DEFAULT_MAX_ATTEMPTS);

      expect(await listDeadTasks(storage.db)).toEqual([
        {
          id,
          name: 'test.flaky',
          attempts: 5,
          lastError: 'UnreachableError',
          createdAt: T0,
          deadAt: T0 + 11 * MINUTE,
        },
      ]);
      const stored = JSON.stringify(await storage.db.selectFrom('tasks').selectAll().execute());
      expect(stored).not.toContain('7700');
    });

    it('tries a dead task again from the start when an administrator asks, once', async () => {
      const c = clock();
      let failing = true;
      const def: TaskDefinition<{ caseId: number }> = {
        name: 'test.retry',
        maxAttempts: 2,
        parse: (p) => CasePayload.parse(p),
        run: async () => {
          if (failing) throw new Unreachable();
        },
      };
      const runner = createTaskRunner(deps(c.now), [def], {
        backoff: { baseMs: MINUTE, maxMs: MINUTE },
      });
      const { id } = await enqueue(storage.db, 'test.retry', { caseId: 6 }, { now: T0 });
      await runner.runDue();
      c.advance(MINUTE);
      expect((await runner.runDue()).dead).toBe(1);

      failing = false;
      expect(await retryDeadTask(storage.db, id, c.now())).toBe('test.retry');
      expect(await retryDeadTask(storage.db, id, c.now())).toBeNull();
      expect(await retryDeadTask(storage.db, 'no-such-task', c.now())).toBeNull();
      const row = await storage.db
        .selectFrom('tasks')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({ state: 'pending', attempts: 0, run_at: c.now() });
      expect(await runner.runDue()).toEqual({ done: 1, failed: 0, dead: 0 });
      expect(await listDeadTasks(storage.db)).toEqual([]);
    });

    it('dead-letters at once a payload that parse refuses, without running it', async () => {
      const c = clock();
      let calls = 0;
      const def: TaskDefinition<{ caseId: number }> = {
        name: 'test.strict',
        parse: (p) => CasePayload.parse(p),
        run: async () => void calls++,
      };
      await enqueue(storage.db, 'test.strict', { caseId: 'not a number' }, { now: T0 });
      expect(await createTaskRunner(deps(c.now), [def]).runDue()).toEqual({
        done: 0,
        failed: 0,
        dead: 1,
      });
      expect(calls).toBe(0);
      expect((await listDeadTasks(storage.db)).map((t) => [t.lastError, t.attempts])).toEqual([
        ['ZodError', 1],
      ]);
    });

    it('runs a task again when its runner dies mid-run and the lease runs out', async () => {
      const c = clock();
      let calls = 0;
      const hangsOnce: TaskDefinition<{ caseId: number }> = {
        name: 'test.lease',
        maxAttempts: 2,
        parse: (p) => CasePayload.parse(p),
        run: () => (++calls === 1 ? new Promise<void>(() => undefined) : Promise.resolve()),
      };
      const lease = 10 * MINUTE;
      await enqueue(storage.db, 'test.lease', { caseId: 8 }, { now: T0 });
      void createTaskRunner(deps(c.now), [hangsOnce], { worker: 'dies', leaseMs: lease }).runOnce();
      while (calls === 0) await new Promise((r) => setImmediate(r));
      const other = createTaskRunner(deps(c.now), [hangsOnce], { worker: 'lives', leaseMs: lease });
      c.advance(lease - 1);
      expect((await other.runDue()).done).toBe(0);
      c.advance(2);
      expect((await other.runDue()).done).toBe(1);
      expect(calls).toBe(2);
    });

    it('dead-letters a task whose last allowed attempt never ended', async () => {
      const c = clock();
      let calls = 0;
      const hangs: TaskDefinition<{ caseId: number }> = {
        name: 'test.poison',
        maxAttempts: 1,
        parse: (p) => CasePayload.parse(p),
        run: () => {
          calls++;
          return new Promise<void>(() => undefined);
        },
      };
      await enqueue(storage.db, 'test.poison', { caseId: 9 }, { now: T0 });
      void createTaskRunner(deps(c.now), [hangs], { leaseMs: MINUTE }).runOnce();
      while (calls === 0) await new Promise((r) => setImmediate(r));
      c.advance(MINUTE + 1);
      expect(await createTaskRunner(deps(c.now), [hangs], { leaseMs: MINUTE }).runDue()).toEqual({
        done: 0,
        failed: 0,
        dead: 1,
      });
      expect(calls).toBe(1);
      expect((await listDeadTasks(storage.db)).map((t) => t.lastError)).toEqual([LEASE_EXPIRED]);
    });

    it('purges finished tasks after a week and dead ones after their window; a key holds until then', async () => {
      const c = clock();
      const done: TaskDefinition = {
        name: 'test.done',
        parse: (p) => p,
        run: async () => undefined,
      };
      const dead: TaskDefinition = {
        name: 'test.dead',
        maxAttempts: 1,
        parse: (p) => p,
        run: async () => Promise.reject(new Unreachable()),
      };
      await enqueue(storage.db, 'test.done', {}, { now: T0, key: 'k' });
      await enqueue(storage.db, 'test.dead', {}, { now: T0 });
      const runner = createTaskRunner(deps(c.now), [done, dead], {
        keepDoneMs: DAY,
        keepDeadMs: 2 * DAY,
      });
      expect(await runner.runDue()).toEqual({ done: 1, failed: 0, dead: 1 });
      expect((await enqueue(storage.db, 'test.done', {}, { now: c.now(), key: 'k' })).created).toBe(
        false,
      );
      c.advance(DAY + 1);
      expect(await runner.purge()).toBe(1);
      expect((await enqueue(storage.db, 'test.done', {}, { now: c.now(), key: 'k' })).created).toBe(
        true,
      );
      c.advance(DAY);
      expect(await runner.purge()).toBe(1);
      expect(
        (await storage.db.selectFrom('tasks').select('name').execute()).map((t) => t.name),
      ).toEqual(['test.done']);
    });
  });
}
