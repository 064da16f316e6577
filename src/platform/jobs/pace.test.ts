import { describe, expect, it } from 'vitest';
import { createPace, JobStopped } from './pace.js';

/** Whether a callback queued with setImmediate ran while `p` was awaited. */
async function yieldedDuring(p: () => Promise<void>): Promise<boolean> {
  let ran = false;
  setImmediate(() => {
    ran = true;
  });
  await p();
  return ran;
}

describe('pace', () => {
  it('yields a turn of the event loop only once its slice has run out', async () => {
    let t = 0;
    const pace = createPace({ sliceMs: 10, clock: () => t });
    t = 9;
    expect(await yieldedDuring(() => pace.breathe())).toBe(false);
    t = 10;
    expect(await yieldedDuring(() => pace.breathe())).toBe(true);
    // A new slice starts after the yield.
    t = 15;
    expect(await yieldedDuring(() => pace.breathe())).toBe(false);
    t = 20;
    expect(await yieldedDuring(() => pace.breathe())).toBe(true);
  });

  it('with a slice of 0 yields at every breath', async () => {
    const pace = createPace({ sliceMs: 0 });
    for (let i = 0; i < 3; i++) expect(await yieldedDuring(() => pace.breathe())).toBe(true);
  });

  it('throws JobStopped once stopping, before or right after a yield', async () => {
    const stop = new AbortController();
    const pace = createPace({ signal: stop.signal, sliceMs: 0 });
    await pace.breathe();
    stop.abort();
    await expect(pace.breathe()).rejects.toBeInstanceOf(JobStopped);

    // Aborted while the work was yielding: the breath that yielded reports it.
    const later = new AbortController();
    const paced = createPace({ signal: later.signal, sliceMs: 0 });
    setImmediate(() => later.abort());
    await expect(paced.breathe()).rejects.toBeInstanceOf(JobStopped);
  });
});
