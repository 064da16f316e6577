import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import type { SurfaceAssets } from '../../contracts/module.js';
import { defineFlashes } from '../../platform/http/flash.js';
import type { JobSchedule } from '../../platform/jobs/jobs.js';
import { sendPage } from '../../platform/views/render.js';
import { staffContext, staffErrorPage } from '../../platform/views/staff-layout.js';
import { jobsPolicy } from './jobs.policy.js';
import { RetryParams } from './jobs.schema.js';
import { jobsOverview, retryDelivery, retryTask } from './jobs.service.js';
import { JobsPage } from './views/jobs.js';

const flashes = defineFlashes({
  task_retried: 'jobs.done.task_retried',
  delivery_retried: 'jobs.done.delivery_retried',
  gone: 'jobs.done.gone',
});

/** /staff/jobs: administrators see the worker's state and try dead-lettered work again. */
export function registerJobsRoutes(
  app: FastifyInstance,
  deps: Deps,
  assets: SurfaceAssets,
  schedules: ReadonlyMap<string, JobSchedule>,
): void {
  const errorPage = staffErrorPage(assets.cssUrl);

  app.get('/jobs', { config: { action: 'jobs.view' } }, async (req, reply) => {
    return sendPage(
      reply,
      200,
      <JobsPage
        ctx={staffContext(req, assets.cssUrl, flashes.read(req))}
        overview={await jobsOverview(deps, schedules)}
        canRetry={jobsPolicy.can(req.principal, 'jobs.retry')}
      />,
    );
  });

  // "Try again": back to pending, due at once. One that is no longer dead-lettered (tried
  // again from another tab, or purged) is said so, not treated as an error.
  app.post('/jobs/tasks/:id/retry', { config: { action: 'jobs.retry' } }, async (req, reply) => {
    const params = RetryParams.safeParse(req.params);
    if (!params.success) return errorPage(req, reply, 'NOT_FOUND');
    const result = await retryTask(deps, req.principal!, params.data.id);
    return flashes.redirect(reply, '/staff/jobs', result.ok ? 'task_retried' : 'gone');
  });

  app.post(
    '/jobs/deliveries/:id/retry',
    { config: { action: 'jobs.retry' } },
    async (req, reply) => {
      const params = RetryParams.safeParse(req.params);
      if (!params.success) return errorPage(req, reply, 'NOT_FOUND');
      const result = await retryDelivery(deps, req.principal!, params.data.id);
      return flashes.redirect(reply, '/staff/jobs', result.ok ? 'delivery_retried' : 'gone');
    },
  );
}
