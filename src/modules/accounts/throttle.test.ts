import { describe, expect, it } from 'vitest';
import { GlobalThrottle, UnknownEmailLocks } from './throttle.js';
import { lockedUntilAfter } from './user.js';

describe('lock schedule', () => {
  it('locks from the fifth failure for 1, 2, 4… minutes, at most an hour', () => {
    expect(lockedUntilAfter(4, 0)).toBeNull();
    expect(lockedUntilAfter(5, 0)).toBe(60_000);
    expect(lockedUntilAfter(6, 0)).toBe(120_000);
    expect(lockedUntilAfter(7, 0)).toBe(240_000);
    expect(lockedUntilAfter(50, 0)).toBe(3_600_000);
  });
});

describe('GlobalThrottle', () => {
  it('slows attempts down once the process has seen too many failures, and recovers', async () => {
    let now = 0;
    const slept: number[] = [];
    const g = new GlobalThrottle(
      () => now,
      { windowMs: 60_000, freeFailures: 3, stepMs: 100, maxDelayMs: 250 },
      async (ms) => {
        slept.push(ms);
      },
    );
    for (let i = 0; i < 3; i++) g.recordFailure();
    expect(g.delayMs()).toBe(0);
    g.recordFailure();
    expect(g.delayMs()).toBe(100);
    g.recordFailure();
    g.recordFailure();
    expect(g.delayMs()).toBe(250);
    await g.wait();
    expect(slept).toEqual([250]);
    now += 61_000;
    expect(g.delayMs()).toBe(0);
  });
});

describe('UnknownEmailLocks', () => {
  it('locks an unknown address like an account', () => {
    const u = new UnknownEmailLocks();
    for (let i = 0; i < 4; i++) u.recordFailure('k', 0);
    expect(u.isLocked('k', 0)).toBe(false);
    u.recordFailure('k', 0);
    expect(u.isLocked('k', 1000)).toBe(true);
    expect(u.isLocked('k', 61_000)).toBe(false);
    expect(u.isLocked('other', 0)).toBe(false);
  });
});
