import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, type Harness } from '../../../test/harness.js';
import type { HavenModule } from '../../contracts/module.js';
import { MODULES } from '../../modules.js';
import { postForm, signInAs, type StaffSignIn } from '../../../test/staff-session.js';
import { createDispatcher, recordEvent } from '../../platform/events/outbox.js';
import { createJobRunner, type JobDefinition } from '../../platform/jobs/jobs.js';
import { createTaskRunner, enqueue } from '../../platform/jobs/queue.js';

class MailServerDown extends Error {
  override name = 'MailServerDown';
}

// Jobs a module of this test declares, so the page knows their schedules: one that fails, on an
// interval, and two on cron expressions, in UTC and in a time zone.
const testJobs: JobDefinition[] = [
  { name: 'test-job', intervalMs: 60_000, run: async () => Promise.reject(new RangeError('x')) },
  { name: 'test-nightly', cron: '0 2 * * *', run: async () => undefined },
  {
    name: 'test-mondays',
    cron: '0 6 * * 1',
    timeZone: 'America/Bogota',
    run: async () => undefined,
  },
];
const testModule: HavenModule = { name: 'testjobs', jobs: () => testJobs };

for (const engine of engines) {
  describe.skipIf(!engine.available)(`/staff/jobs on ${engine.name}`, () => {
    let h: Harness;
    let admin: StaffSignIn;
    let handler: StaffSignIn;
    let coordinator: StaffSignIn;
    let taskId: string;
    let deliveryId: string;
    let working = false;

    // A task and a delivery that fail at once (one attempt), then work once `working` is set.
    const task = {
      name: 'test.notify',
      maxAttempts: 1,
      parse: (p: unknown) => p,
      run: async () => {
        if (!working) throw new MailServerDown('smtp refused amal@example.org');
      },
    };
    const subscriber = {
      name: 'test.listener',
      events: ['case.created'],
      maxAttempts: 1,
      handle: async () => {
        if (!working) throw new MailServerDown();
      },
    };
    const tasks = () => createTaskRunner(h.deps, [task]);
    const dispatcher = () => createDispatcher(h.deps, [subscriber]);

    beforeAll(async () => {
      h = await createHarness(engine, {}, { modules: [...MODULES, testModule] });
      admin = await signInAs(h, 'admin');
      handler = await signInAs(h, 'handler');
      coordinator = await signInAs(h, 'coordinator');
      taskId = (await enqueue(h.deps.db, 'test.notify', { caseId: 12 }, { now: h.clock.now() })).id;
      await recordEvent(
        h.deps.db,
        { type: 'case.created', payload: { caseId: 12 } },
        h.clock.now(),
      );
      await tasks().runDue();
      await dispatcher().runDue();
      deliveryId = (
        await h.deps.db.selectFrom('event_deliveries').select('id').executeTakeFirstOrThrow()
      ).id;
      await createJobRunner(h.deps, testJobs).runDue();
    });
    afterAll(async () => h?.close());

    it('shows administrators the schedule and what was given up on, by error name only', async () => {
      const res = await h.app.inject({ url: '/staff/jobs', headers: { cookie: admin.cookie } });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('<h1>Background work</h1>');
      expect(res.body).toContain('test-job');
      expect(res.body).toContain('RangeError');
      expect(res.body).toContain('test.notify');
      expect(res.body).toContain('test.listener');
      expect(res.body).toContain('case.created');
      expect(res.body.match(/MailServerDown/g)).toHaveLength(2);
      expect(res.body).not.toContain('amal@example.org');
      expect(res.body).toContain(`action="/staff/jobs/tasks/${taskId}/retry"`);
      expect(res.body).toContain(`action="/staff/jobs/deliveries/${deliveryId}/retry"`);
      expect(res.body).toContain(`name="_csrf" value="${admin.csrf}"`);
      // The navigation bar links to it, for administrators only.
      expect(res.body).toContain('href="/staff/jobs"');
      const queue = await h.app.inject({ url: '/staff', headers: { cookie: handler.cookie } });
      expect(queue.body).not.toContain('href="/staff/jobs"');
    });

    it("shows each job's schedule: an interval in words, a cron expression with its time zone", async () => {
      const res = await h.app.inject({ url: '/staff/jobs', headers: { cookie: admin.cookie } });
      expect(res.body).toContain('<th scope="col">Schedule</th>');
      expect(res.body).toContain('Every minute');
      expect(res.body).toContain(
        '<code dir="ltr"><bdi>0 2 * * *</bdi></code> (cron expression, UTC time)',
      );
      expect(res.body).toContain(
        '<code dir="ltr"><bdi>0 6 * * 1</bdi></code> (cron expression, America/Bogota time)',
      );
      // A cron job is first due at its next occurrence: 02:00 UTC the next day, not at once.
      const nightly = await h.deps.db
        .selectFrom('jobs')
        .select('next_run_at')
        .where('name', '=', 'test-nightly')
        .executeTakeFirstOrThrow();
      expect(nightly.next_run_at).toBe(Date.UTC(2026, 10, 23, 2));
      const es = await h.app.inject({
        url: '/staff/jobs?lang=es',
        headers: { cookie: admin.cookie },
      });
      expect(es.body).toContain('Cada minuto');
      expect(es.body).toContain('(expresión cron, hora de UTC)');
    });

    it('refuses everyone but administrators (403), for reading and for trying again', async () => {
      for (const who of [handler, coordinator]) {
        expect(
          (await h.app.inject({ url: '/staff/jobs', headers: { cookie: who.cookie } })).statusCode,
        ).toBe(403);
        const post = await postForm(
          h,
          `/staff/jobs/tasks/${taskId}/retry`,
          { _csrf: who.csrf },
          who.cookie,
        );
        expect(post.statusCode).toBe(403);
        const post2 = await postForm(
          h,
          `/staff/jobs/deliveries/${deliveryId}/retry`,
          { _csrf: who.csrf },
          who.cookie,
        );
        expect(post2.statusCode).toBe(403);
      }
      const row = await h.deps.db
        .selectFrom('tasks')
        .select('state')
        .where('id', '=', taskId)
        .executeTakeFirstOrThrow();
      expect(row.state).toBe('dead');
    });

    it('refuses a "try again" without the session’s CSRF token', async () => {
      const res = await postForm(
        h,
        `/staff/jobs/tasks/${taskId}/retry`,
        { _csrf: 'forged' },
        admin.cookie,
      );
      expect(res.statusCode).toBe(403);
      const row = await h.deps.db
        .selectFrom('tasks')
        .select('state')
        .where('id', '=', taskId)
        .executeTakeFirstOrThrow();
      expect(row.state).toBe('dead');
    });

    it('tries a dead task and a dead delivery again (303, flash, audited), and says so when sent twice', async () => {
      working = true;
      const res = await postForm(
        h,
        `/staff/jobs/tasks/${taskId}/retry`,
        { _csrf: admin.csrf },
        admin.cookie,
      );
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe('/staff/jobs?done=task_retried');
      const page = await h.app.inject({
        url: res.headers.location as string,
        headers: { cookie: admin.cookie },
      });
      expect(page.body).toContain('The task will be tried again within a minute.');
      expect(page.body).toContain('No task has been given up on.');

      const again = await postForm(
        h,
        `/staff/jobs/tasks/${taskId}/retry`,
        { _csrf: admin.csrf },
        admin.cookie,
      );
      expect(again.headers.location).toBe('/staff/jobs?done=gone');

      const d = await postForm(
        h,
        `/staff/jobs/deliveries/${deliveryId}/retry`,
        { _csrf: admin.csrf },
        admin.cookie,
      );
      expect(d.headers.location).toBe('/staff/jobs?done=delivery_retried');

      expect(await tasks().runDue()).toMatchObject({ done: 1 });
      expect(await dispatcher().runDue()).toMatchObject({ delivered: 1 });

      const audit = await h.deps.db
        .selectFrom('audit_log')
        .select(['action', 'actor_id', 'detail'])
        .where('action', 'in', ['task.retried', 'event_delivery.retried'])
        .orderBy('id')
        .execute();
      expect(audit.map((a) => [a.action, a.actor_id])).toEqual([
        ['task.retried', admin.userId],
        ['event_delivery.retried', admin.userId],
      ]);
      expect(JSON.parse(audit[0]!.detail!)).toEqual({ task: taskId, name: 'test.notify' });
      expect(JSON.parse(audit[1]!.detail!)).toMatchObject({
        delivery: deliveryId,
        subscriber: 'test.listener',
      });
    });

    it('answers 404 for an address that names no task', async () => {
      const res = await postForm(
        h,
        '/staff/jobs/tasks/not-a-uuid/retry',
        { _csrf: admin.csrf },
        admin.cookie,
      );
      expect(res.statusCode).toBe(404);
    });

    it('shows the page in Spanish', async () => {
      const res = await h.app.inject({
        url: '/staff/jobs?lang=es',
        headers: { cookie: admin.cookie },
      });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('Trabajo en segundo plano');
    });
  });
}
