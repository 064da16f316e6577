import { describe, expect, it } from 'vitest';
import { DEFAULT_THROTTLE, slowdownMs } from './throttle.js';
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

describe('global slowdown', () => {
  it('is free up to the allowance, then grows by a step per failure up to the cap', () => {
    const o = { ...DEFAULT_THROTTLE, freeFailures: 3, stepMs: 100, maxDelayMs: 250 };
    expect([0, 3, 4, 5, 6, 100].map((n) => slowdownMs(o, n))).toEqual([0, 0, 100, 200, 250, 250]);
  });
});
