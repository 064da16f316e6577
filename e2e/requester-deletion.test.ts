import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitRequest } from '../src/modules/cases/index.js';
import { sharedI18n } from '../src/runtime.js';
import { engines } from '../test/engines.js';
import {
  blockingViolations,
  chromiumAvailable,
  launchChromium,
  startHaven,
  type RunningHaven,
} from './support.js';

/**
 * A requester deletes their request in a real Chromium with JavaScript off, in Arabic (right
 * to left): conversation → "delete my request" → the confirmation page → confirm → deleted.
 * Each page gets an axe-core pass.
 */
const sqlite = engines.find((e) => e.name === 'sqlite')!;
const i18n = sharedI18n();

describe.skipIf(!chromiumAvailable)('requester deletion in Chromium', () => {
  let haven: RunningHaven;
  let browser: Browser;

  beforeAll(async () => {
    haven = await startHaven(sqlite);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await haven?.close();
  });

  async function audit(page: Page, label: string): Promise<void> {
    expect(await blockingViolations(browser, page, label)).toEqual([]);
  }

  it('deletes a request with JavaScript off, in Arabic', async () => {
    const t = (k: string) => i18n.format('ar', k);
    const text = 'هاتفي مراقب وأريد حذف هذا الطلب';
    const { caseId, receipt } = await submitRequest(haven.harness.deps, {
      description: text,
      urgency: 'reactive',
      country: 'EG',
      language: 'ar',
      contactMethod: 'none',
      contact: null,
      beneficiary: null,
    });
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);

    await page.goto(`${haven.origin}/followup?lang=ar`);
    await page.fill('[name=receipt]', receipt);
    await page.click('form[action^="/followup"] button[type=submit]');
    await page.waitForURL(/\/followup\/conversation/);
    expect(await page.locator('main').innerText()).toContain(text);

    await page.click('form[action^="/followup/delete"] button[type=submit]');
    await expect.poll(() => page.locator('h1').innerText()).toBe(t('intake.delete.title'));
    expect(await page.getAttribute('html', 'dir')).toBe('rtl');
    const confirm = await page.locator('main').innerText();
    expect(confirm).toContain(t('intake.delete.cannot_undo'));
    await audit(page, 'delete confirmation (ar)');

    await page.click('form[action^="/followup/delete/confirm"] button[type=submit]');
    await page.waitForURL(/\/followup\/deleted/);
    expect(await page.locator('h1').innerText()).toBe(t('intake.deleted.title'));
    await audit(page, 'deleted (ar)');

    const row = await haven.harness.deps.db
      .selectFrom('cases')
      .select(['purged_at', 'purge_rule'])
      .where('id', '=', caseId)
      .executeTakeFirstOrThrow();
    expect(row.purge_rule).toBe('requester');
    // The session is over: the conversation sends the person back to the code form.
    await page.goto(`${haven.origin}/followup/conversation?lang=ar`);
    expect(page.url()).not.toContain('/conversation');
    await context.close();
  });
});
