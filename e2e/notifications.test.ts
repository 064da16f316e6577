import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActiveUser } from '../src/modules/accounts/index.js';
import { newRequest } from '../src/modules/cases/case.fixtures.js';
import { updateCase } from '../src/modules/cases/case.service.js';
import { deliverEvents } from '../src/modules/notifications/notification.test-helpers.js';
import type { Principal } from '../src/platform/auth/roles.js';
import { engines } from '../test/engines.js';
import { blockingViolations, chromiumAvailable, launchChromium, openPage, signInStaff, startHaven, type RunningHaven } from './support.js';

/**
 * Notifications in a real Chromium with JavaScript off: a coordinator assigns a case to a
 * handler; the handler's bar counts it, the page lists it with a link to the case, and marking
 * it read lowers the count; in Arabic (right to left) the same, with "mark all as read". No
 * blocking axe violation in either language, nothing requested from another origin.
 */
const sqlite = engines.find((e) => e.name === 'sqlite')!;
const PASSWORD = 'a long and careful passphrase';

describe.skipIf(!chromiumAvailable)('notifications in Chromium', () => {
  let haven: RunningHaven;
  let browser: Browser;
  const foreignRequests: string[] = [];

  beforeAll(async () => {
    haven = await startHaven(sqlite);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await haven?.close();
  });

  it('counts a case assigned to a handler in the bar and lists it; marking it read lowers the count (English, Arabic)', async () => {
    const deps = haven.harness.deps;
    const coordinator = await createActiveUser(deps, { email: 'cora@example.org', role: 'coordinator', displayName: 'Cora', password: PASSWORD });
    const handler = await createActiveUser(deps, { email: 'hadi@example.org', role: 'handler', displayName: 'هادي', password: PASSWORD });
    const assigner: Principal = { userId: coordinator.userId, email: 'cora@example.org', displayName: 'Cora', role: 'coordinator', roles: ['coordinator'], locale: 'en', timeZone: 'UTC', via: 'session' };
    const assign = async () => {
      const { caseId } = await newRequest(deps);
      expect((await updateCase(deps, assigner, caseId, { assignee_id: handler.userId })).ok).toBe(true);
      await deliverEvents(deps);
      // A second apart, so the page's order (newest first) is the order of assignment.
      haven.clock.skip(1000);
      return caseId;
    };
    const first = await assign();

    const page = await openPage(browser, { locale: 'en', origin: () => haven.origin, foreign: foreignRequests });
    await signInStaff(page, haven.origin, { email: 'hadi@example.org', password: PASSWORD, totpSecret: handler.totpSecret });
    const bar = page.locator('header.bar nav');
    expect(await bar.locator('a[href="/staff/notifications"]').innerText()).toBe('Notifications (1 unread)');

    await page.click('header.bar a[href="/staff/notifications"]');
    await page.waitForURL(/\/staff\/notifications$/);
    const item = page.locator('li.notification.unread');
    expect(await item.count()).toBe(1);
    expect(await item.locator(`a[href="/staff/cases/${first}"]`).innerText()).toBe(`Case ${first} was assigned to you`);
    expect(await blockingViolations(browser, page, 'notifications (en)')).toEqual([]);

    await item.locator('button[type=submit]').click();
    await page.waitForURL(/done=read/);
    expect(await page.locator('.flash').innerText()).toBe('Marked as read.');
    expect(await bar.locator('a[href="/staff/notifications"]').innerText()).toBe('Notifications');
    expect(await page.locator('li.notification.unread').count()).toBe(0);
    expect(await page.locator('li.notification').count()).toBe(1);

    // In Arabic, right to left (the handler's own language, as chosen on their account page):
    // two more, both marked read at once.
    await deps.db.updateTable('users').set({ locale: 'ar' }).where('id', '=', handler.userId).execute();
    const second = await assign();
    const third = await assign();
    await page.goto(`${haven.origin}/staff/notifications`);
    expect(await page.getAttribute('html', 'dir')).toBe('rtl');
    expect(await page.getAttribute('html', 'lang')).toBe('ar');
    expect(await bar.locator('a[href="/staff/notifications"]').innerText()).toBe('الإشعارات (2 غير مقروءة)');
    const texts = await page.locator('li.notification a').allInnerTexts();
    expect(texts).toEqual([`أُسندت إليك الحالة ${third}`, `أُسندت إليك الحالة ${second}`, `أُسندت إليك الحالة ${first}`]);
    expect(await blockingViolations(browser, page, 'notifications (ar)')).toEqual([]);
    await page.click('form[action="/staff/notifications/read-all"] button[type=submit]');
    await page.waitForURL(/done=all_read/);
    expect(await page.locator('.flash').innerText()).toBe('حُدِّد 2 من الإشعارات كمقروءة.');
    expect(await bar.locator('a[href="/staff/notifications"]').innerText()).toBe('الإشعارات');

    // The choices, in Arabic: without a mail server the email boxes are off and say why.
    await page.click('a[href="/staff/notifications/settings"]');
    expect(await page.isDisabled('#f-case_assigned-email')).toBe(true);
    expect(await page.locator('#email-unavailable').innerText()).toContain('SMTP');
    await page.uncheck('#f-new_request-in_app');
    await page.click('form[action="/staff/notifications/settings"] button[type=submit]');
    await page.waitForURL(/done=saved/);
    expect(await page.isChecked('#f-new_request-in_app')).toBe(false);
    expect(await blockingViolations(browser, page, 'notification settings (ar)')).toEqual([]);
    expect(foreignRequests).toEqual([]);
  });
});
