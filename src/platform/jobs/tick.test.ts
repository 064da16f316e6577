import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import type { Storage } from '../storage/db.js';
import { createDispatcher, recordEvent } from '../events/outbox.js';
import { createJobRunner } from './jobs.js';
import { createTaskRunner, enqueue } from './queue.js';

// One tick of the worker: the due jobs, then the due tasks, then the pending event deliveries;
// a failure in one part is reported and never stops the others.

for (const engine of engines) {
  describe.skipIf(!engine.available)(`a worker tick on ${engine.name}`, () => {
    let storage: Storage;
    let dispose: () => Promise<void>;
    beforeAll(async () => {
      const created = await engine.createMigrated();
      storage = created.storage;
      dispose = created.dispose;
    });
    afterAll(async () => dispose?.());

    it('runs due jobs, due tasks and pending deliveries, each part on its own', async () => {
      const now = () => Date.UTC(2026, 11, 2);
      const deps = { db: storage.db, dialect: storage.dialect, now };
      const done: string[] = [];
      const tasks = createTaskRunner(deps, [
        { name: 'test.task', parse: (p) => p, run: async () => void done.push('task') },
      ]);
      const events = createDispatcher(deps, [
        { name: 'test.sub', events: ['case.created'], handle: async () => void done.push('event') },
      ]);
      const broken = { name: 'broken', runDue: async () => Promise.reject(new Error('down')) };
      const errors: string[] = [];
      const runner = createJobRunner(
        deps,
        [{ name: 'test-job', intervalMs: 60_000, run: async () => void done.push('job') }],
        { alsoEachTick: [broken, tasks, events], onError: (name) => errors.push(name) },
      );
      await enqueue(storage.db, 'test.task', {}, { now: now() });
      await recordEvent(storage.db, { type: 'case.created', payload: { caseId: 1 } }, now());

      expect(await runner.tick()).toEqual([{ name: 'test-job', outcome: 'done' }]);
      expect(done).toEqual(['job', 'task', 'event']);
      expect(errors).toEqual(['broken']);
      // The jobs' own run does only the jobs.
      expect(await runner.runDue()).toEqual([{ name: 'test-job', outcome: 'not_due' }]);
    });

    it('calls tick from the timer', async () => {
      let ticks = 0;
      const runner = createJobRunner({ db: storage.db, now: Date.now }, [], {
        alsoEachTick: [{ name: 'count', runDue: async () => void ticks++ }],
      });
      runner.start(5);
      while (ticks === 0) await new Promise((r) => setTimeout(r, 5));
      await runner.stop();
      expect(ticks).toBeGreaterThan(0);
    });
  });
}
