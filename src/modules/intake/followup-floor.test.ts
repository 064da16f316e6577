import { describe, expect, it } from 'vitest';
import { answerAfter, FOLLOWUP_FLOOR_MS, type FloorTimer } from './followup-floor.js';

/** A clock that moves only when told (`advance`, or a wait), recording each wait asked for. */
function fakeTimer(): FloorTimer & { waits: number[]; advance(ms: number): void } {
  let t = 1_000;
  const waits: number[] = [];
  return {
    waits,
    now: () => t,
    advance: (ms) => void (t += ms),
    sleep: async (ms) => {
      waits.push(ms);
      t += ms;
    },
  };
}

describe('the follow-up timing floor', () => {
  it('waits only for what the work left of the floor, then sends', async () => {
    const timer = fakeTimer();
    const sent: number[] = [];
    const out = await answerAfter(FOLLOWUP_FLOOR_MS, timer, async () => {
      timer.advance(120);
      return () => sent.push(timer.now());
    });
    expect(timer.waits).toEqual([FOLLOWUP_FLOOR_MS - 120]);
    expect(sent).toEqual([1_000 + FOLLOWUP_FLOOR_MS]);
    expect(out).toBe(1);
  });

  it('does not wait when the work alone took longer than the floor', async () => {
    const timer = fakeTimer();
    await answerAfter(FOLLOWUP_FLOOR_MS, timer, async () => {
      timer.advance(FOLLOWUP_FLOOR_MS + 1);
      return () => undefined;
    });
    expect(timer.waits).toEqual([]);
  });

  it('waits out the floor before a failure comes out too', async () => {
    const timer = fakeTimer();
    await expect(
      answerAfter(FOLLOWUP_FLOOR_MS, timer, async () => {
        timer.advance(5);
        throw new Error('the database went away');
      }),
    ).rejects.toThrow('the database went away');
    expect(timer.waits).toEqual([FOLLOWUP_FLOOR_MS - 5]);
  });
});
