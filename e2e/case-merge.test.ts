import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActiveUser } from '../src/modules/accounts/index.js';
import { submitRequest } from '../src/modules/cases/index.js';
import { engines } from '../test/engines.js';
import { blockingViolations, chromiumAvailable, launchChromium, openPage, signInStaff, startHaven, type RunningHaven } from './support.js';

/**
 * Linking and merging in a real Chromium with JavaScript off (ADR 38): a coordinator opens a
 * second request from the same phone number, sees the first among "Possible duplicates", links a
 * related case by number, looks at the page in English and Arabic at 1280 and 390 px (no blocking
 * axe violation), then merges the duplicate with the suggestion's one-click form. The duplicate's
 * requester opens the public follow-up page with their old receipt: their own messages are there,
 * nothing of the other request, and what they write lands on the case merged into. Nothing is
 * requested from another origin. With HAVEN_SCREENSHOTS set, the case page is saved there.
 */
const sqlite = engines.find((e) => e.name === 'sqlite')!;
const PASSWORD = 'a long and careful passphrase';
const PHONE = '+961 3 123 456';

describe.skipIf(!chromiumAvailable)('merging a duplicate in Chromium', () => {
  let haven: RunningHaven;
  let browser: Browser;
  const foreignRequests: string[] = [];
  const shots = process.env.HAVEN_SCREENSHOTS;

  beforeAll(async () => {
    haven = await startHaven(sqlite);
    browser = await launchChromium();
    if (shots) mkdirSync(shots, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await haven?.close();
  });

  const request = (description: string, contact: string | null) =>
    submitRequest(haven.harness.deps, {
      description,
      urgency: 'reactive',
      country: 'LB',
      language: 'ar',
      contactMethod: contact ? 'signal' : 'none',
      contact,
      beneficiary: 'journalist',
    });

  it('links, then merges a duplicate from the case page; the old receipt reaches its own conversation', async () => {
    const deps = haven.harness.deps;
    const { userId, totpSecret } = await createActiveUser(deps, { email: 'cy@example.org', role: 'coordinator', displayName: 'Cy Coordinator', password: PASSWORD });
    const first = await request('My phone was taken at the checkpoint in Tripoli.', PHONE);
    const related = await request('My colleague was stopped at the same checkpoint.', null);
    const dup = await request('Writing again: I fear they copied my Signal messages.', '+96131 23456');

    const page: Page = await openPage(browser, { locale: 'en', viewport: { width: 1280, height: 900 }, origin: () => haven.origin, foreign: foreignRequests });
    await signInStaff(page, haven.origin, { email: 'cy@example.org', password: PASSWORD, totpSecret });
    await page.goto(`${haven.origin}/staff/cases/${dup.caseId}`);
    const duplicates = page.locator('#duplicates');
    await expect(duplicates.locator('h2').textContent()).resolves.toBe('Possible duplicates');
    await expect(duplicates.locator(`a[href="/staff/cases/${first.caseId}"]`).count()).resolves.toBe(1);
    await expect(duplicates.locator(`a[href="/staff/cases/${related.caseId}"]`).count()).resolves.toBe(0);

    // A related case, linked by its number with the form.
    await page.fill('#links [name=other]', String(related.caseId));
    await page.selectOption('#links [name=reason]', 'same_incident');
    await page.click('#links form[action$="/links"] button[type=submit]');
    await page.waitForURL(/done=linked/);
    await expect(page.locator('#links').textContent()).resolves.toContain('Same incident');

    const shoot = async (label: string) => {
      for (const width of [1280, 390]) {
        await page.setViewportSize({ width, height: 900 });
        if (shots) {
          await page.screenshot({ path: join(shots, `case-page-${label}-${width}.png`), fullPage: true });
          for (const part of ['links', 'duplicates'])
            await page.locator(`#${part}`).screenshot({ path: join(shots, `case-${part}-${label}-${width}.png`) });
        }
        // The page keeps to the screen's width: nothing scrolls sideways.
        const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
        expect(overflow, `${label} at ${width} px`).toBeLessThanOrEqual(0);
      }
      expect(await blockingViolations(browser, page, `case page (${label})`)).toEqual([]);
      await page.setViewportSize({ width: 1280, height: 900 });
    };
    await shoot('en');
    // The same page in Arabic, right to left.
    await deps.db.updateTable('users').set({ locale: 'ar' }).where('id', '=', userId).execute();
    await page.goto(`${haven.origin}/staff/cases/${dup.caseId}`);
    await expect(page.locator('html').getAttribute('dir')).resolves.toBe('rtl');
    await expect(page.locator('#duplicates h2').textContent()).resolves.toBe('حالات قد تكون مكررة');
    await shoot('ar');
    await deps.db.updateTable('users').set({ locale: 'en' }).where('id', '=', userId).execute();
    await page.goto(`${haven.origin}/staff/cases/${dup.caseId}`);

    // The suggestion's one-click merge.
    await page.click(`#duplicates form[action$="/merge"] button[type=submit]`);
    await page.waitForURL(new RegExp(`/staff/cases/${first.caseId}\\?done=merged`));
    const main = await page.locator('body').textContent();
    expect(main).toContain('Case merged: 1 message moved here.');
    expect(main).toContain('Writing again: I fear they copied my Signal messages.');
    expect(main).toContain(`From the requester of case ${dup.caseId}`);
    // A reply to the merged receipt's requester.
    await page.fill('#reply [name=body]', 'We have your second message and will call you on Signal.');
    await page.selectOption('#reply [name=to]', String(dup.caseId));
    await page.click('#reply button[type=submit]');
    await page.waitForURL(/done=reply_sent/);
    await page.goto(`${haven.origin}/staff/cases/${dup.caseId}`);
    await expect(page.locator('main p.notice').first().textContent()).resolves.toContain('This case was merged');
    await expect(page.locator('#reply').count()).resolves.toBe(0);

    // The duplicate's requester, with their old receipt, on the public pages.
    const requester = await openPage(browser, { locale: 'en', origin: () => haven.origin, foreign: foreignRequests });
    await requester.goto(`${haven.origin}/followup`);
    await requester.fill('[name=receipt]', dup.receipt);
    await requester.click('form[action^="/followup"]:not([action*="leave"]) button[type=submit]');
    await requester.waitForURL(/\/followup\/conversation/);
    const conversation = (await requester.locator('main').textContent()) ?? '';
    expect(conversation).toContain('Writing again: I fear they copied my Signal messages.');
    expect(conversation).toContain('We have your second message and will call you on Signal.');
    expect(conversation).not.toContain('Tripoli');
    if (shots) await requester.screenshot({ path: join(shots, 'followup-after-merge-en-1280.png'), fullPage: true });
    await requester.fill('[name=body]', 'Thank you. They also took my laptop.');
    await requester.click('form[action="/followup/conversation"] button[type=submit]');
    await requester.waitForURL(/\/followup\/conversation/);
    const landed = await deps.db
      .selectFrom('messages')
      .select(['case_id', 'via_case_id'])
      .where('kind', '=', 'requester')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(landed).toEqual({ case_id: first.caseId, via_case_id: dup.caseId });
    expect(foreignRequests).toEqual([]);
  }, 120_000);
});
