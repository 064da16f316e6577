import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { engines } from '../../../test/engines.js';
import { createHarness, secondProcess, type Harness } from '../../../test/harness.js';
import { newRequest, staffMember, type StaffFixture } from '../cases/case.fixtures.js';
import { updateCase } from '../cases/case.service.js';
import { createTaskRunner } from '../../platform/jobs/queue.js';
import { deliverEmail, EMAIL_CLAIM_MS, emailTask } from './email.js';
import { deliverEvents, smtpEnv } from './notification.test-helpers.js';

// Email through a real SMTP server running in this process (smtp-server), on both engines:
// a message says only "Case N needs you" and links to the staff case page, in the person's
// language, with a stable Message-ID; a server that refuses is tried again, then the task is
// dead-lettered; two workers never send one notification twice, nor does a worker after one
// that died mid-send.

interface Received {
  to: string[];
  raw: string;
}

/** An SMTP server on a free loopback port that keeps what it accepts, or refuses every mail while `refusing`. */
async function mailServer() {
  const received: Received[] = [];
  const state = { refusing: false };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onMailFrom(_address, _session, callback) {
      if (!state.refusing) return callback();
      const e = new Error('mailbox busy, try later') as Error & { responseCode: number };
      e.responseCode = 451;
      return callback(e);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { received, state, port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const HOUR = 60 * 60_000;

for (const engine of engines) {
  describe.skipIf(!engine.available)(`notification emails on ${engine.name}`, () => {
    let h: Harness;
    let smtp: Awaited<ReturnType<typeof mailServer>>;
    let coordinator: StaffFixture;
    let handler: StaffFixture;

    /** Assigns a new case to the handler and delivers the event: one notification with an email pending. */
    async function assignedCase(): Promise<{ caseId: number; notificationId: string }> {
      const { caseId } = await newRequest(h.deps, { description: 'Mi cuenta fue hackeada por la policía', contact: 'amal@example.net' });
      await updateCase(h.deps, coordinator.principal, caseId, { assignee_id: handler.id });
      await deliverEvents(h.deps);
      const n = await h.deps.db.selectFrom('notifications').select('id').where('case_id', '=', caseId).where('kind', '=', 'case_assigned').executeTakeFirstOrThrow();
      return { caseId, notificationId: n.id };
    }

    const stateOf = async (id: string) =>
      (await h.deps.db.selectFrom('notifications').select('email_state').where('id', '=', id).executeTakeFirstOrThrow()).email_state;

    beforeAll(async () => {
      smtp = await mailServer();
      h = await createHarness(engine, { ...smtpEnv(smtp.port), PUBLIC_URL: 'https://help.example.org' });
      coordinator = await staffMember(h.deps, 'coordinator');
      handler = await staffMember(h.deps, 'handler');
      await h.deps.db.updateTable('users').set({ locale: 'es' }).where('id', '=', handler.id).execute();
    });
    afterAll(async () => {
      await h?.close();
      await smtp?.close();
    });
    beforeEach(() => {
      smtp.received.length = 0;
      smtp.state.refusing = false;
    });

    it('sends "case N needs you" and a link, in the person\'s language, and nothing of the request', async () => {
      const { caseId, notificationId } = await assignedCase();
      const report = await createTaskRunner(h.deps, [emailTask(h.deps)]).runDue();
      expect(report).toEqual({ done: 1, failed: 0, dead: 0 });
      expect(smtp.received).toHaveLength(1);
      const mail = smtp.received[0]!;
      const handlerEmail = (await h.deps.db.selectFrom('users').select('email').where('id', '=', handler.id).executeTakeFirstOrThrow()).email;
      expect(mail.to).toEqual([handlerEmail]);
      expect(mail.raw).toMatch(new RegExp(`^Subject: El caso ${caseId} te necesita\\r?$`, 'm'));
      expect(mail.raw).toContain(`El caso ${caseId} te necesita.`);
      expect(mail.raw).toContain(`https://help.example.org/staff/cases/${caseId}`);
      // A long header is folded onto a second line.
      expect(mail.raw).toMatch(new RegExp(`^Message-ID:\\s*<notification\\.${notificationId}@help\\.example\\.org>\\r?$`, 'mi'));
      expect(mail.raw).toMatch(/^From: haven@example\.org\r?$/m);
      // Nothing the requester wrote, nor how to reach them.
      for (const secret of ['hackeada', 'policía', 'polic', 'amal@', 'example.net', '+52']) expect(mail.raw).not.toContain(secret);
      expect(await stateOf(notificationId)).toBe('sent');

      // Run again (a redelivered task, an administrator's retry): nothing more is sent.
      expect(await deliverEmail(h.deps, notificationId)).toBe('skipped');
      expect(smtp.received).toHaveLength(1);
    });

    it('tries a refusing server again with backoff, then dead-letters the task and sends nothing', async () => {
      smtp.state.refusing = true;
      const { notificationId } = await assignedCase();
      const runner = createTaskRunner(h.deps, [emailTask(h.deps)]);
      const outcomes: string[] = [];
      for (let i = 0; i < 6; i++) {
        const r = await runner.runOnce();
        outcomes.push(r.done ? 'done' : r.dead ? 'dead' : r.failed ? 'failed' : 'idle');
        // Not due again before its backoff: nothing runs at once.
        expect((await runner.runOnce()).failed).toBe(0);
        h.clock.advance(HOUR);
      }
      expect(outcomes).toEqual(['failed', 'failed', 'failed', 'failed', 'failed', 'dead']);
      const task = await h.deps.db.selectFrom('tasks').select(['state', 'attempts', 'last_error']).where('idempotency_key', '=', notificationId).executeTakeFirstOrThrow();
      expect(task).toEqual({ state: 'dead', attempts: 6, last_error: 'Error' });
      expect(smtp.received).toHaveLength(0);
      // Still pending, for an administrator's "try again" once the server is back.
      expect(await stateOf(notificationId)).toBe('pending');
      smtp.state.refusing = false;
      expect(await deliverEmail(h.deps, notificationId)).toBe('sent');
      expect(smtp.received).toHaveLength(1);
    });

    it('never sends one notification twice from two workers at once', async () => {
      const cases = [await assignedCase(), await assignedCase(), await assignedCase()];
      const other = await secondProcess(h, { ...smtpEnv(smtp.port), PUBLIC_URL: 'https://help.example.org' });
      try {
        // The same notification by both at once: one sends, the other finds it taken.
        const both = await Promise.allSettled([deliverEmail(h.deps, cases[0]!.notificationId), deliverEmail(other.deps, cases[0]!.notificationId)]);
        const sent = both.filter((r) => r.status === 'fulfilled' && r.value === 'sent');
        expect(sent).toHaveLength(1);
        const loser = both.find((r) => !(r.status === 'fulfilled' && r.value === 'sent'))!;
        expect(loser.status === 'fulfilled' ? loser.value : (loser.reason as Error).name).toMatch(/^(skipped|EmailBusy)$/);
        // Two task runners over the same queue at once: every email once.
        await Promise.all([
          createTaskRunner(h.deps, [emailTask(h.deps)]).runDue(),
          createTaskRunner(other.deps, [emailTask(other.deps)]).runDue(),
        ]);
        const ids = smtp.received.map((m) => /^Message-ID:\s*<notification\.([0-9a-f-]+)@/im.exec(m.raw)?.[1]).sort();
        expect(ids).toEqual(cases.map((c) => c.notificationId).sort());
      } finally {
        await other.close();
      }
    });

    it('does not send again after a worker died between the claim and the sent mark (ADR 24)', async () => {
      const { notificationId } = await assignedCase();
      // As a worker leaves it when it dies once the server has the mail: claimed, never marked.
      await h.deps.db.updateTable('notifications').set({ email_state: 'sending', email_claimed_at: h.clock.now() }).where('id', '=', notificationId).execute();
      await expect(deliverEmail(h.deps, notificationId)).rejects.toThrow('another attempt is sending it');
      h.clock.advance(EMAIL_CLAIM_MS);
      expect(await deliverEmail(h.deps, notificationId)).toBe('unsure');
      expect(await stateOf(notificationId)).toBe('unsure');
      expect(await deliverEmail(h.deps, notificationId)).toBe('skipped');
      expect(smtp.received).toHaveLength(0);
    });

    it('sends nothing to a person whose account was disabled meanwhile', async () => {
      const { notificationId } = await assignedCase();
      await h.deps.db.updateTable('users').set({ status: 'disabled' }).where('id', '=', handler.id).execute();
      try {
        expect(await deliverEmail(h.deps, notificationId)).toBe('cancelled');
        expect(await stateOf(notificationId)).toBe('none');
        expect(smtp.received).toHaveLength(0);
      } finally {
        await h.deps.db.updateTable('users').set({ status: 'active' }).where('id', '=', handler.id).execute();
      }
    });
  });
}
