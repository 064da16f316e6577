import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActiveUser } from '../src/modules/accounts/index.js';
import { submitRequest } from '../src/modules/cases/index.js';
import { engines } from '../test/engines.js';
import { blockingViolations, chromiumAvailable, launchChromium, openPage, startHaven, type RunningHaven, signInStaff } from './support.js';

/**
 * The people page in a real Chromium with JavaScript off: an administrator disables a handler
 * who holds open cases through the confirmation page, giving those cases to a colleague first.
 * The people page and the confirmation (English and Spanish) have no blocking axe violation,
 * and nothing is requested from another origin.
 */
const sqlite = engines.find((e) => e.name === 'sqlite')!;
const PASSWORD = 'a long and careful passphrase';

describe.skipIf(!chromiumAvailable)('the people page in Chromium', () => {
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

  const person = (email: string, displayName: string, role: 'admin' | 'handler' = 'handler') =>
    createActiveUser(haven.harness.deps, { email, role, displayName, password: PASSWORD });

  async function signIn(page: Page, email: string, totpSecret: string): Promise<void> {
    await signInStaff(page, haven.origin, { email, password: PASSWORD, totpSecret });
  }

  it('disables a person holding cases after reassigning them on the confirmation page', async () => {
    const db = haven.harness.deps.db;
    const admin = await person('amal@example.org', 'Amal Admin', 'admin');
    const holder = await person('hana@example.org', 'Hana Holder');
    const taker = await person('omar@example.org', 'Omar Taker');
    const cases: number[] = [];
    for (let i = 0; i < 2; i++) {
      const { caseId } = await submitRequest(haven.harness.deps, {
        description: 'My phone was taken at the border.',
        urgency: 'reactive',
        country: 'MX',
        language: 'es',
        contactMethod: 'none',
        contact: null,
        beneficiary: 'journalist',
      });
      await db.updateTable('cases').set({ assignee_id: holder.userId }).where('id', '=', caseId).execute();
      cases.push(caseId);
    }

    const page = await openPage(browser, { locale: 'en', origin: () => haven.origin, foreign: foreignRequests });
    await signIn(page, 'amal@example.org', admin.totpSecret);
    await page.goto(`${haven.origin}/staff/users`);
    expect(await blockingViolations(browser, page, 'people')).toEqual([]);
    await page.click(`a[href="/staff/users/${holder.userId}/disable"]`);
    await page.waitForURL(new RegExp(`/staff/users/${holder.userId}/disable$`));
    expect(await page.locator('#open-cases').innerText()).toContain('holds 2 open cases');
    expect(await blockingViolations(browser, page, 'confirmation (en)')).toEqual([]);
    await page.goto(`${haven.origin}/staff/users/${holder.userId}/disable?lang=es`);
    expect(await page.locator('#open-cases').innerText()).toContain('2 casos abiertos');
    expect(await blockingViolations(browser, page, 'confirmation (es)')).toEqual([]);

    // Sent without a choice: the error summary and the field say so, nothing moves.
    await page.goto(`${haven.origin}/staff/users/${holder.userId}/disable?lang=en`);
    await page.click(`form[action="/staff/users/${holder.userId}/reassign"] button[type=submit]`);
    expect(await page.locator('.error-summary, [role=alert]').first().innerText()).toContain('Choose who takes the cases.');
    expect(await blockingViolations(browser, page, 'confirmation with an error')).toEqual([]);

    await page.selectOption('[name=to]', taker.userId);
    await page.click(`form[action="/staff/users/${holder.userId}/reassign"] button[type=submit]`);
    await page.waitForURL(/done=cases_reassigned/);
    expect(await page.locator('body').innerText()).toContain('2 open cases were reassigned.');
    expect(await page.locator('#open-cases').innerText()).toContain('holds no open cases');

    await page.click(`form[action="/staff/users/${holder.userId}/disable"] button[type=submit]`);
    await page.waitForURL(/\/staff\/users\?done=user_disabled/);
    expect(await page.locator('body').innerText()).toContain('The account was disabled');

    const rows = await db.selectFrom('cases').select('assignee_id').where('id', 'in', cases).execute();
    expect(rows.map((r) => r.assignee_id)).toEqual([taker.userId, taker.userId]);
    const user = await db.selectFrom('users').select('status').where('id', '=', holder.userId).executeTakeFirstOrThrow();
    expect(user.status).toBe('disabled');
    expect(foreignRequests).toEqual([]);
  });
});
