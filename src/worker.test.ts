import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../test/engines.js';
import { createHarness, type Harness } from '../test/harness.js';
import { createWorker } from './worker.js';

describe('the background worker', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(engines[0]!);
  });
  afterAll(async () => h?.close());

  it('runs every job once when due, then waits for the next interval', async () => {
    const worker = createWorker(h.deps);
    // Jobs on an interval run at once; one at a time of day waits for it (03:30 UTC).
    expect(await worker.runDue()).toEqual([
      { name: 'backup-keys', outcome: 'done' },
      { name: 'attachments-expiry', outcome: 'done' },
      { name: 'retention', outcome: 'done' },
      { name: 'notifications.clock', outcome: 'done' },
      { name: 'notifications.purge', outcome: 'not_due' },
      { name: 'escalation.clock', outcome: 'done' },
      { name: 'search.index', outcome: 'done' },
      { name: 'shifts.handovers', outcome: 'done' },
      { name: 'shifts.notes_purge', outcome: 'not_due' },
      { name: 'referrals.follow_up', outcome: 'done' },
    ]);
    // Nothing is due again at once, whatever the number of jobs.
    expect(new Set((await worker.runDue()).map((r) => r.outcome))).toEqual(new Set(['not_due']));
  });
});
