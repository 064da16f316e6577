import type { Config } from '../config/index.js';
import { createApp } from '../app.js';
import { firstAdminLink } from '../modules/accounts/index.js';
import { openRuntime } from '../runtime.js';
import type { JobRunner } from '../platform/jobs/jobs.js';
import { createWorker, startModules } from '../worker.js';

/** Starts Haven and prints where to find it. Stops cleanly on SIGINT/SIGTERM. */
export async function serve(config: Config): Promise<void> {
  const rt = await openRuntime(config);
  // Each module's start step, before anyone can read the database (e.g. a database brought
  // back from a copy loses the cases deleted after that copy was taken; ADR 11).
  for (const line of await startModules(rt)) console.log(line);
  const app = await createApp(rt);
  // Scheduled jobs (retention) run in this process; the schedule in the database keeps two
  // servers from running the same job. Only the error's name is logged, never its message.
  const worker = createWorker(rt, {
    onError: (job, e) => app.log.error({ job, err: { name: (e as Error)?.name } }, 'a scheduled job failed'),
  });
  worker.start(config.workerTickSeconds * 1000);
  app.addHook('onClose', async () => worker.stop());
  await app.listen({ host: config.host, port: config.port });
  console.log(`Haven is running at ${config.publicUrl}/`);
  console.log(`  staff workspace: ${config.publicUrl}/staff`);
  // Until someone has an account, every start prints a fresh link (older ones stop working).
  const link = await firstAdminLink(rt);
  if (link) {
    console.log('');
    console.log('No one has an account yet. Open this one-time link to create the first administrator');
    console.log(`(it works once and expires in 72 hours):\n  ${link}`);
    console.log('');
  }
  console.log(`  database: ${rt.dialect === 'sqlite' ? rt.storage.file : 'PostgreSQL'}; key: ${rt.keySource}`);
  const stop = async () => {
    // Should anything still hold on, leave anyway: every action is one transaction, so an exit
    // at any instant loses nothing acknowledged (ADR 15).
    setTimeout(() => {
      console.error(`Haven did not stop within ${STOP_DEADLINE_MS / 1000} s; leaving now.`);
      process.exit(1);
    }, STOP_DEADLINE_MS).unref();
    await shutdown(app, worker, rt);
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** How long a stop may take before the process leaves without waiting. */
export const STOP_DEADLINE_MS = 4_000;

/**
 * Stops a running Haven: the worker's run in progress ends at its next transaction boundary
 * (platform/jobs/pace.ts) while the server finishes the requests in flight and accepts no new
 * ones; then the database closes.
 */
export async function shutdown(
  app: { close(): PromiseLike<unknown> },
  worker: JobRunner,
  rt: { close(): Promise<void> },
): Promise<void> {
  await Promise.all([worker.stop(), app.close()]);
  await rt.close();
}
