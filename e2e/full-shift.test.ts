import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActiveUser } from '../src/modules/accounts/index.js';
import { smtpEnv } from '../src/modules/notifications/notification.test-helpers.js';
import { totpNow } from '../src/platform/auth/totp.js';
import { createWorker } from '../src/worker.js';
import { engines, type Engine } from '../test/engines.js';
import { createHarness, type Harness } from '../test/harness.js';
import {
  axeCheckSnapshot,
  axeSnapshot,
  blocking,
  chromiumAvailable,
  followRealTime,
  launchChromium,
  openPage,
  sendRequestForm,
  type RealTimeClock,
} from './support.js';

/**
 * A whole shift of a helpline in a real Chromium, JavaScript off in every page, on both
 * engines: an administrator gives a team a weekly schedule whose shift is on now (a lead and a
 * handler) and the next one (another lead); a person sends the request form; Haven's clock
 * skips 61 minutes and the worker runs its due jobs as `haven serve` does, so the ladder's
 * first step (60 minutes, the shift lead) is reached; the lead sees it in Haven and by email;
 * the handler applies a playbook (its tasks on the case), searches the case, and refers it to a
 * partner, refused without the requester's consent and recorded with it; at the shift's end
 * the handover lists the case and the incoming lead acknowledges it, audited. Every page the
 * shift opens gets an axe-core pass; the handover, the schedule and the referral form are also
 * read at 1280 and 390 px wide in English and Arabic (right to left), fitting the width. No
 * page requests anything from another origin. With HAVEN_SCREENSHOTS=<dir> those pages are
 * saved there as PNG files.
 */
const PASSWORD = 'a long and careful passphrase';
const MINUTE = 60_000;
const WIDE = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const REQUEST =
  'My Signal account was taken over after a fake verification text; they now write to my sources.';

/** An SMTP server on a free loopback port that keeps what it accepts (the test's mail server). */
async function mailServer() {
  const received: { to: string[]; raw: string }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    received,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A moment's ISO weekday (1 Monday … 7 Sunday) and "HH:MM", in UTC (the team's zone here). */
const weekdayOf = (ms: number): string => String(((new Date(ms).getUTCDay() + 6) % 7) + 1);
const hhmm = (ms: number): string => new Date(ms).toISOString().slice(11, 16);

/** Nothing on the page reaches past the viewport's edges (a wide table scrolls in its own box). */
async function fitsWidth(page: Page): Promise<string[]> {
  const width = page.viewportSize()!.width;
  const out: string[] = [];
  for (const selector of ['header', 'main', 'main h1', 'main form', 'main dl', 'main section']) {
    // A wide table scrolls inside its own box (TableScroll): that box is what must fit.
    for (const l of await page.locator(`${selector}:not(.table-scroll *)`).all()) {
      const box = await l.boundingBox();
      if (box && (box.x < -1 || box.x + box.width > width + 1))
        out.push(`${selector} spans ${Math.round(box.x)}..${Math.round(box.x + box.width)}`);
    }
  }
  return out;
}

function fullShift(engine: Engine): void {
  describe.skipIf(!chromiumAvailable || !engine.available)(
    `a full shift on ${engine.name}, in Chromium`,
    () => {
      let harness: Harness;
      let clock: RealTimeClock;
      let origin: string;
      let browser: Browser;
      let smtp: Awaited<ReturnType<typeof mailServer>>;
      const foreignRequests: string[] = [];
      const checks: Promise<string[]>[] = [];
      const shots = process.env.HAVEN_SCREENSHOTS;

      beforeAll(async () => {
        smtp = await mailServer();
        harness = await createHarness(engine, {
          ...smtpEnv(smtp.port),
          PUBLIC_URL: 'https://help.example.org',
        });
        clock = followRealTime(harness.clock);
        await harness.app.listen({ host: '127.0.0.1', port: 0 });
        origin = `http://127.0.0.1:${(harness.app.server.address() as AddressInfo).port}`;
        browser = await launchChromium();
        if (shots) mkdirSync(shots, { recursive: true });
      });
      afterAll(async () => {
        await browser?.close();
        await harness?.close();
        await smtp?.close();
      });

      const open = () =>
        openPage(browser, {
          locale: 'en',
          viewport: WIDE,
          origin: () => origin,
          foreign: foreignRequests,
        });

      /** Signs in through the real pages, the second factor's code read from Haven's clock. */
      async function signIn(page: Page, email: string, totpSecret: string): Promise<void> {
        await page.goto(`${origin}/staff/sign-in`);
        await page.fill('[name=email]', email);
        await page.fill('[name=password]', PASSWORD);
        await page.click('form[action="/staff/sign-in"] button[type=submit]');
        await page.waitForURL(/second-factor/);
        await page.fill('[name=code]', totpNow(totpSecret, clock.now()));
        await page.click('form[action="/staff/sign-in/second-factor"] button[type=submit]');
        await page.waitForURL(
          (u) => u.pathname.startsWith('/staff') && !u.pathname.startsWith('/staff/sign-in'),
        );
      }

      /**
       * axe-core on what `page` shows now, the check running beside the shift (over a second
       * each); the test waits for every one at its end.
       */
      const axe = async (page: Page, label: string) => {
        const snap = await axeSnapshot(page);
        checks.push(
          axeCheckSnapshot(browser, snap).then(
            (v) =>
              blocking(v).map(
                (x) => `${label}: ${x.id} (${x.impact}) ${x.help} at ${x.nodes.join(', ')}`,
              ),
            // A check that could not run fails the test too, never as an unhandled rejection.
            (e: unknown) => [`${label}: axe-core did not run: ${String(e)}`],
          ),
        );
      };

      /**
       * The page at `path` at both widths in English and Arabic: the direction follows the
       * language and nothing reaches past the edges; no blocking axe violation in English at
       * 1280 px and in Arabic at 390 px. Each is saved when screenshots are asked for.
       */
      async function readEverywhere(page: Page, path: string, name: string): Promise<void> {
        for (const lang of ['en', 'ar']) {
          for (const viewport of [WIDE, PHONE]) {
            await page.setViewportSize(viewport);
            await page.goto(`${origin}${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);
            expect(await page.getAttribute('html', 'dir')).toBe(lang === 'ar' ? 'rtl' : 'ltr');
            expect(await fitsWidth(page), `${name} (${lang}, ${viewport.width})`).toEqual([]);
            // axe-core at both ends (a check takes over a second): English wide, Arabic narrow.
            if ((lang === 'en') === (viewport === WIDE))
              await axe(page, `${name} (${lang}, ${viewport.width})`);
            if (shots)
              await page.screenshot({
                path: join(shots, `${name}-${lang}-${viewport.width}.png`),
                fullPage: true,
              });
          }
        }
        await page.setViewportSize(WIDE);
      }

      it('carries a request through escalation, a playbook, a referral with consent and the handover', async () => {
        const deps = harness.deps;
        const db = deps.db;
        const t = (key: string, values?: Record<string, string | number>) =>
          deps.i18n.format('en', key, values);
        const workerErrors: string[] = [];
        const worker = createWorker(deps, {
          onError: (job, e) => workerErrors.push(`${job}: ${String(e)}`),
        });
        /** What `haven serve` does each minute: due jobs, due tasks, pending events; twice, so mail queued by an event goes out. */
        const workerMinute = async () => {
          await worker.tick();
          await worker.tick();
        };

        const admin = await createActiveUser(deps, {
          email: 'amal@example.org',
          role: 'admin',
          displayName: 'Amal Admin',
          password: PASSWORD,
        });
        const lead = await createActiveUser(deps, {
          email: 'leila@example.org',
          role: 'handler',
          displayName: 'Leila Lead',
          password: PASSWORD,
        });
        const handler = await createActiveUser(deps, {
          email: 'hadi@example.org',
          role: 'handler',
          displayName: 'Hadi Handler',
          password: PASSWORD,
        });
        const nextLead = await createActiveUser(deps, {
          email: 'omar@example.org',
          role: 'handler',
          displayName: 'Omar Next',
          password: PASSWORD,
        });

        // The shift on now started 10 minutes ago and lasts three hours; the next one follows it.
        const shiftStart = Math.floor(clock.now() / MINUTE) * MINUTE - 10 * MINUTE;
        const shiftEnd = shiftStart + 180 * MINUTE;

        // ---- The administrator sets up the team, its week and the partner ----------------------
        const setup = await open();
        await signIn(setup, 'amal@example.org', admin.totpSecret);
        await setup.goto(`${origin}/staff/teams`);
        await setup.fill('[name=name]', 'Americas desk');
        await setup.fill('[name=time_zone]', 'UTC');
        await setup.selectOption('[name=region]', 'americas');
        await setup.click('form[action="/staff/teams"] button[type=submit]');
        await setup.waitForURL(/done=team_added/);
        const team = await db
          .selectFrom('teams')
          .select('id')
          .where('name', '=', 'Americas desk')
          .executeTakeFirstOrThrow();

        await setup.goto(`${origin}/staff/shifts`);

        const addSlot = async (from: number, to: number, members: string[], leadId: string) => {
          await setup.goto(`${origin}/staff/shifts`);
          await setup.selectOption('form[action="/staff/shifts/slots"] [name=team]', team.id);
          await setup.selectOption(
            'form[action="/staff/shifts/slots"] [name=weekday]',
            weekdayOf(from),
          );
          await setup.fill('form[action="/staff/shifts/slots"] [name=start]', hhmm(from));
          await setup.fill('form[action="/staff/shifts/slots"] [name=end]', hhmm(to));
          for (const m of members)
            await setup.check(`form[action="/staff/shifts/slots"] #f-members-${m}`);
          await setup.selectOption('form[action="/staff/shifts/slots"] [name=lead]', leadId);
          await setup.click('form[action="/staff/shifts/slots"] button[type=submit]');
          await setup.waitForURL(/\/staff\/shifts\/slots\/[0-9a-f-]{36}\?done=slot_added/);
          expect(await setup.locator('.flash').innerText()).toBe(t('shifts.done.slot_added'));
        };
        await addSlot(shiftStart, shiftEnd, [lead.userId, handler.userId], lead.userId);
        await axe(setup, 'a shift');
        await addSlot(shiftEnd, shiftEnd + 480 * MINUTE, [nextLead.userId], nextLead.userId);

        // On shift now: the team, its lead marked, the handler; the next lead not yet.
        await setup.goto(`${origin}/staff/shifts/now`);
        const onNow = await setup.locator('main table').first().innerText();
        expect(onNow).toContain('Americas desk');
        expect(onNow).toContain(`Leila Lead (${t('shifts.lead')})`);
        expect(onNow).toContain('Hadi Handler');
        await axe(setup, 'on shift now');
        await readEverywhere(setup, '/staff/shifts', 'shifts');

        // The ladder as Haven starts: 60 minutes, the shift lead (nothing to add).
        await setup.goto(`${origin}/staff/escalation`);
        expect(await setup.inputValue('[name=step_0_minutes]')).toBe('60');
        expect(await setup.inputValue('[name=step_0_action]')).toBe('notify_shift_lead');
        expect(await setup.inputValue('[name=step_1_minutes]')).toBe('90');
        expect(await setup.inputValue('[name=step_1_action]')).toBe('notify_director');
        await axe(setup, 'escalation ladder');

        // A partner to refer to.
        await setup.goto(`${origin}/staff/partners`);
        await setup.fill(
          'form[action="/staff/partners"][method=post] [name=name]',
          'Lawyers for Press Freedom',
        );
        await setup.check('form[action="/staff/partners"][method=post] #f-services-legal');
        await setup.check('form[action="/staff/partners"][method=post] #f-regions-americas');
        await setup.selectOption('form[action="/staff/partners"][method=post] [name=languages]', [
          'en',
          'es',
        ]);
        await setup.check(
          'form[action="/staff/partners"][method=post] [name=contact_kind][value=email]',
        );
        await setup.fill(
          'form[action="/staff/partners"][method=post] [name=contact_address]',
          'intake@lawyers.example.org',
        );
        await setup.click('form[action="/staff/partners"][method=post] button[type=submit]');
        await setup.waitForURL(/\/staff\/partners\/[0-9a-f-]{36}\?done=created/);

        await setup.goto(`${origin}/staff/partners`);
        await axe(setup, 'partners');
        await setup.context().close();

        // ---- A request arrives through the public form ------------------------------------------
        const requester = await open();
        await requester.goto(`${origin}/request?lang=en`);
        const receipt = await sendRequestForm(requester, {
          text: REQUEST,
          country: 'MX',
          shownAt: clock.now(),
          clock,
        });
        expect(receipt).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$/);
        await requester.context().close();
        const { id: caseId } = await db
          .selectFrom('cases')
          .select('id')
          .orderBy('id', 'desc')
          .executeTakeFirstOrThrow();

        // ---- 61 minutes unanswered: the worker reaches the ladder's first step --------------------
        clock.skip(61 * MINUTE);
        await workerMinute();
        expect(workerErrors).toEqual([]);
        const reached = await db
          .selectFrom('case_escalations')
          .selectAll()
          .where('case_id', '=', caseId)
          .execute();
        expect(reached.map((r) => [r.minutes, r.action])).toEqual([[60, 'notify_shift_lead']]);
        const escalatedAudit = await db
          .selectFrom('audit_log')
          .select('case_id')
          .where('action', '=', 'case.escalated')
          .execute();
        expect(escalatedAudit.map((a) => a.case_id)).toEqual([caseId]);
        // By email too: "case N needs you" to the lead, nothing of the request.
        const mails = smtp.received.filter((m) => m.to.includes('leila@example.org'));
        expect(mails).toHaveLength(1);
        expect(mails[0]!.raw).toContain(`https://help.example.org/staff/cases/${caseId}`);
        expect(mails[0]!.raw).not.toContain('Signal');
        expect(
          smtp.received.filter(
            (m) => m.to.includes('hadi@example.org') || m.to.includes('omar@example.org'),
          ),
        ).toEqual([]);

        // The lead sees it in Haven: the bar counts it, the list links to the case.
        const leadPage = await open();
        await signIn(leadPage, 'leila@example.org', lead.totpSecret);
        await leadPage.click('header.bar a[href="/staff/notifications"]');
        await leadPage.waitForURL(/\/staff\/notifications$/);
        const notice = leadPage.locator('li.notification.unread', {
          hasText: t('notifications.text.escalation', { id: caseId }),
        });
        expect(await notice.count()).toBe(1);
        await notice.locator(`a[href="/staff/cases/${caseId}"]`).click();
        await leadPage.waitForURL(new RegExp(`/staff/cases/${caseId}`));
        // Recorded on the case: the step, and who was told.
        const escalations = await leadPage.locator('#escalations').innerText();
        expect(escalations).toContain('Leila Lead');
        expect(escalations).toContain(t('escalation.action.notify_shift_lead'));

        await leadPage.context().close();

        // ---- The handler works the case: a playbook, search, a referral ----------------------------
        const work = await open();
        await signIn(work, 'hadi@example.org', handler.totpSecret);
        await work.goto(`${origin}/staff/cases/${caseId}`);
        expect(await work.locator('#playbook li.task').count()).toBe(0);
        await work.selectOption('#f-playbook', 'account-takeover');
        await work.click(`form[action="/staff/cases/${caseId}/playbook"] button[type=submit]`);
        await work.waitForURL(new RegExp(`/staff/cases/${caseId}\\?`));
        const steps = await db
          .selectFrom('playbook_steps')
          .select('id')
          .where('playbook_id', '=', 'account-takeover')
          .execute();
        expect(steps.length).toBeGreaterThan(0);
        expect(await work.locator('#playbook li.task').count()).toBe(steps.length);
        await axe(work, 'case page with a playbook');
        await work.goto(`${origin}/staff/playbooks`);
        await axe(work, 'playbooks');

        // Search finds the case by a word of the request (the index's walk ran with the worker).
        await work.goto(`${origin}/staff/search?q=verification`);
        expect(await work.locator(`main a[href="/staff/cases/${caseId}"]`).count()).toBeGreaterThan(
          0,
        );
        await axe(work, 'search');

        // A referral without the requester's consent for what identifies them: refused, nothing saved.
        const referralsPath = `/staff/cases/${caseId}/referrals`;
        await work.goto(`${origin}${referralsPath}`);
        const form = `form[action="${referralsPath}"][method=post]`;
        const partnerId = (await db.selectFrom('partners').select('id').executeTakeFirstOrThrow())
          .id;
        const fillReferral = async () => {
          await work.selectOption(`${form} [name=partner]`, partnerId);
          await work.check(`${form} #f-items-case_facts`);
          await work.check(`${form} #f-items-summary`);
          await work.fill(
            `${form} [name=summary]`,
            'A journalist whose messaging account was taken over; sources at risk.',
          );
          await work.selectOption(`${form} [name=letter_language]`, 'en');
          await work.fill(`${form} [name=follow_up_days]`, '7');
        };
        await fillReferral();
        await work.click(`${form} button[type=submit]`);
        await expect.poll(() => work.locator('.error-summary').count()).toBe(1);
        expect(await work.locator('.error-summary').innerText()).toContain(
          t('referrals.error.consent_missing'),
        );
        await axe(work, 'referral refused without consent');
        expect(await db.selectFrom('referrals').select('id').execute()).toEqual([]);

        // With it: the consent for the summary, how and when it was given.
        await work.goto(`${origin}${referralsPath}`);
        await fillReferral();
        await work.check(`${form} #f-consent-summary`);
        await work.check(`${form} [name=consent_how][value=conversation]`);
        await work.fill(
          `${form} [name=consent_on]`,
          new Date(clock.now()).toISOString().slice(0, 10),
        );
        await work.click(`${form} button[type=submit]`);
        await work.waitForURL(/done=created/);
        expect(await work.locator('.flash').innerText()).toBe(t('referrals.done.created'));
        expect(await work.locator('#referrals').innerText()).toContain('Lawyers for Press Freedom');
        const consents = await db.selectFrom('referral_consents').selectAll().execute();
        expect(consents).toHaveLength(1);
        const referred = await db
          .selectFrom('audit_log')
          .select(['actor_id', 'detail'])
          .where('action', '=', 'case.referred')
          .where('case_id', '=', caseId)
          .execute();
        expect(referred.map((r) => r.actor_id)).toEqual([handler.userId]);
        expect(referred[0]!.detail).toContain('summary');
        expect(referred[0]!.detail).not.toContain('sources at risk');

        await readEverywhere(work, referralsPath, 'referral-form');
        await work.context().close();

        // ---- The shift ends: the handover, acknowledged by the incoming lead ------------------------
        clock.skip(shiftEnd + MINUTE - clock.now());
        await workerMinute();
        expect(workerErrors).toEqual([]);
        const handover = await db
          .selectFrom('handovers')
          .select(['id', 'incoming_lead_id'])
          .where('team_id', '=', team.id)
          .executeTakeFirstOrThrow();
        expect(handover.incoming_lead_id).toBe(nextLead.userId);

        const next = await open();
        await signIn(next, 'omar@example.org', nextLead.totpSecret);
        await next.goto(`${origin}/staff/handovers`);
        expect(await next.locator('tr.attention').innerText()).toContain(
          t('shifts.handover.waiting'),
        );
        await axe(next, 'handovers');
        await next.click(`a[href="/staff/handovers/${handover.id}"]`);
        await next.waitForURL(new RegExp(`/staff/handovers/${handover.id}$`));
        expect(await next.locator(`main a[href="/staff/cases/${caseId}"]`).count()).toBe(1);

        await readEverywhere(next, `/staff/handovers/${handover.id}`, 'handover');
        await next.goto(`${origin}/staff/handovers/${handover.id}`);
        await next.click(
          `form[action="/staff/handovers/${handover.id}/acknowledge"] button[type=submit]`,
        );
        await next.waitForURL(/done=acknowledged/);
        expect(await next.locator('.flash').innerText()).toBe(t('shifts.done.acknowledged'));
        expect(await next.locator('main dl').innerText()).toContain('Omar Next');
        expect(await next.locator(`form[action$="/acknowledge"]`).count()).toBe(0);

        await next.context().close();

        const acknowledged = await db
          .selectFrom('audit_log')
          .select(['actor_id', 'detail'])
          .where('action', '=', 'handover.acknowledged')
          .execute();
        expect(acknowledged).toHaveLength(1);
        expect(acknowledged[0]!.actor_id).toBe(nextLead.userId);
        const detail = JSON.parse(acknowledged[0]!.detail!) as Record<string, unknown>;
        expect(detail).toMatchObject({ handover: handover.id, team: team.id, as: 'incoming_lead' });
        expect(Number(detail.overdue) + Number(detail.escalated) + Number(detail.open)).toBe(1);

        expect((await Promise.all(checks)).flat()).toEqual([]);
        expect(foreignRequests).toEqual([]);
      }, 90_000);
    },
  );
}

for (const engine of engines) fullShift(engine);
