import type { Command } from 'commander';
import { loadConfig } from '../config/index.js';
import { openRuntime } from '../runtime.js';
import { createWorker } from '../worker.js';
import { RETENTION_JOB } from '../modules/retention/index.js';
import type { JobRunResult } from '../platform/jobs/jobs.js';

function print(results: JobRunResult[]): void {
  for (const r of results) {
    console.log(`${r.name}: ${r.outcome}${r.error ? ` (${r.error})` : ''}`);
  }
  if (results.some((r) => r.outcome === 'failed')) process.exitCode = 1;
}

/**
 * `haven jobs run-due` (every job that is due, then the due tasks and pending event deliveries,
 * once; for cron or a second process) and
 * `haven retention run` (apply the retention rules now). Both claim the job in the database,
 * so they never run alongside a server that is running the same job.
 */
export function registerJobCommands(program: Command): void {
  const jobs = program.command('jobs').description('scheduled jobs (the server runs them itself)');
  jobs
    .command('run-due')
    .description('run every job, task and event delivery that is due, once, and exit')
    .action(async () => {
      const rt = await openRuntime(loadConfig());
      try {
        // One tick: the due jobs, then the due tasks and the outbox's pending deliveries.
        print(await createWorker(rt).tick());
      } finally {
        await rt.close();
      }
    });

  const retention = program.command('retention').description('deletion of personal data on schedule');
  retention
    .command('run')
    .description('apply the retention rules now (deletes personal data that is due; cannot be undone)')
    .action(async () => {
      const rt = await openRuntime(loadConfig());
      try {
        print(await createWorker(rt).runDue({ force: true, only: RETENTION_JOB }));
      } finally {
        await rt.close();
      }
    });
}
