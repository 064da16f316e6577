import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertProperty } from './checks.js';

// A property stopped at its time limit must not leave a run going: the next property, in the
// same file and on the same database, would take that run's writes for its own.

describe('assertProperty', () => {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  // The first run passes at once; the second outlasts the time limit and is cut off.
  const settings = { numRuns: 5, interruptAfterTimeLimit: 100, markInterruptAsFailure: false };

  function counter() {
    const c = { started: 0, finished: 0 };
    const predicate = async () => {
      c.started += 1;
      await sleep(c.started === 1 ? 0 : 300);
      c.finished += 1;
    };
    return { c, predicate };
  }

  it('fc.assert alone returns while the run it gave up on is still going', async () => {
    const { c, predicate } = counter();
    await fc.assert(fc.asyncProperty(fc.nat(), predicate), settings);
    expect(c).toEqual({ started: 2, finished: 1 });
    await sleep(400);
    expect(c).toEqual({ started: 2, finished: 2 });
  });

  it('returns only once that run has ended', async () => {
    const { c, predicate } = counter();
    await assertProperty(fc.nat(), predicate, settings);
    expect(c).toEqual({ started: 2, finished: 2 });
  });
});
