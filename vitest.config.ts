import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.{ts,tsx}', 'migrations/**/*.test.ts', 'test/**/*.test.ts', 'e2e/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Files run side by side, at least two at once even on two cores (Vitest's default there is
    // one): much of a test's time is spent waiting on PostgreSQL, a commit's fsync or Chromium.
    maxWorkers: Math.max(2, availableParallelism()),
    // The run's migrated template databases, which every harness copies (test/engines.ts).
    globalSetup: ['./test/global-setup.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
