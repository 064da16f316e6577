import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { engines } from '../test/engines.js';
import { createHarness, type Harness } from '../test/harness.js';
import type { HavenModule } from './contracts/module.js';
import { recordEvent } from './platform/events/outbox.js';
import { enqueue } from './platform/jobs/queue.js';
import { createWorker } from './worker.js';

// The worker collects every module's jobs, tasks and event subscribers; one tick runs the due
// jobs, the due tasks and the pending event deliveries.

for (const engine of engines) {
  describe.skipIf(!engine.available)(`the worker's tick on ${engine.name}`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await createHarness(engine);
    });
    afterAll(async () => h?.close());

    it('runs the modules’ due jobs, due tasks and event deliveries', async () => {
      const ran: string[] = [];
      const mod: HavenModule = {
        name: 'sample',
        jobs: () => [{ name: 'sample-job', intervalMs: 60_000, run: async () => void ran.push('job') }],
        tasks: () => [
          {
            name: 'sample.task',
            parse: (p) => z.object({ caseId: z.number() }).parse(p),
            run: async ({ caseId }) => void ran.push(`task ${caseId}`),
          },
        ],
        subscribers: () => [
          {
            name: 'sample.on_created',
            events: ['case.created'],
            handle: async (e) => void ran.push(`event ${String(e.payload.caseId)}`),
          },
        ],
      };
      await enqueue(h.deps.db, 'sample.task', { caseId: 1 }, { now: h.clock.now() });
      await recordEvent(h.deps.db, { type: 'case.created', payload: { caseId: 2 } }, h.clock.now());
      const worker = createWorker(h.deps, { modules: [mod] });
      expect(await worker.tick()).toEqual([{ name: 'sample-job', outcome: 'done' }]);
      expect(ran).toEqual(['job', 'task 1', 'event 2']);
      await worker.tick();
      expect(ran).toHaveLength(3);
    });
  });
}
