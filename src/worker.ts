import type { HavenModule } from './contracts/module.js';
import type { Deps } from './deps.js';
import { MODULES } from './modules.js';
import { createDispatcher } from './platform/events/outbox.js';
import { createJobRunner, type JobRunner } from './platform/jobs/jobs.js';
import { createTaskRunner } from './platform/jobs/queue.js';

/**
 * Builds Haven's background worker from its dependencies: every module's scheduled jobs
 * (src/modules.ts) over the schedule in the database, and its tasks and event subscribers
 * over the task queue and the outbox (`tick` runs all three). Composition only, like createApp;
 * `haven serve` starts it and `haven jobs run-due` runs it once.
 */
export function createWorker(
  deps: Deps,
  opts: { onError?: (job: string, e: unknown) => void; modules?: readonly HavenModule[] } = {},
): JobRunner {
  const modules = opts.modules ?? MODULES;
  const jobs = modules.flatMap((m) => m.jobs?.(deps) ?? []);
  const names = new Set<string>();
  for (const j of jobs) {
    if (names.has(j.name)) throw new Error(`two jobs are named "${j.name}"`);
    names.add(j.name);
  }
  // Each tick runs the due jobs, then the due tasks, then the outbox's pending deliveries.
  const tasks = createTaskRunner(deps, modules.flatMap((m) => m.tasks?.(deps) ?? []), { onError: opts.onError });
  const events = createDispatcher(deps, modules.flatMap((m) => m.subscribers?.(deps) ?? []), { onError: opts.onError });
  return createJobRunner(deps, jobs, { ...opts, alsoEachTick: [tasks, events] });
}

/**
 * What every module does at start, after migrations and before the server listens (for
 * example, re-applying the deletion lists to a database restored from a copy). Returns the
 * lines to show the operator.
 */
export async function startModules(deps: Deps, modules: readonly HavenModule[] = MODULES): Promise<string[]> {
  const lines: string[] = [];
  for (const m of modules) lines.push(...((await m.onStart?.(deps)) ?? []));
  return lines;
}
