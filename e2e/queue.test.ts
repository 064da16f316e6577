import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActiveUser } from '../src/modules/accounts/index.js';
import { submitRequest } from '../src/modules/cases/index.js';
import { engines } from '../test/engines.js';
import { blockingViolations, chromiumAvailable, launchChromium, openPage, startHaven, type RunningHaven, signInStaff } from './support.js';

/**
 * The queue in a real Chromium with JavaScript off: a coordinator filters it by language, orders
 * it by newest received, ticks two rows and assigns them to a handler in one change, and saves
 * the filtered view, which then opens from its link. At 390 px wide the staff bar folds into its
 * Menu disclosure and the filters into theirs, the rows are cards, nothing overflows sideways,
 * and in Arabic too; every state gets an axe-core pass, and nothing is requested from another
 * origin.
 */
const sqlite = engines.find((e) => e.name === 'sqlite')!;
const PASSWORD = 'a long and careful passphrase';

describe.skipIf(!chromiumAvailable)('the queue in Chromium', () => {
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

  const request = (description: string, language: string) =>
    submitRequest(haven.harness.deps, {
      description,
      urgency: 'reactive',
      country: 'MX',
      language,
      contactMethod: 'none',
      contact: null,
      beneficiary: null,
    });

  async function audit(page: Page, label: string): Promise<void> {
    expect(await blockingViolations(browser, page, label)).toEqual([]);
  }

  it('filters, orders, assigns the selected rows and saves a view, with JavaScript off; on a phone too', async () => {
    const deps = haven.harness.deps;
    const coord = await createActiveUser(deps, { email: 'cora@example.org', role: 'coordinator', displayName: 'Cora Coordinator', password: PASSWORD });
    const hana = await createActiveUser(deps, { email: 'hana@example.org', role: 'handler', displayName: 'Hana Handler', password: PASSWORD });
    const first = await request('Me robaron el teléfono en la frontera.\nTenía todos mis contactos.', 'es');
    const second = await request('Cuentas de Signal comprometidas en la redacción.', 'es');
    const english = await request('Our website is down since this morning.', 'en');

    const page = await openPage(browser, { locale: 'en', viewport: { width: 1280, height: 900 }, origin: () => haven.origin, foreign: foreignRequests });
    await signInStaff(page, haven.origin, { email: 'cora@example.org', password: PASSWORD, totpSecret: coord.totpSecret });
    await page.goto(`${haven.origin}/staff`);
    // One row: the bar is no taller than its controls.
    expect((await page.locator('header.bar').boundingBox())!.height).toBeLessThan(60);
    expect(await page.locator('h1 .total').innerText()).toBe('3 cases');
    await audit(page, 'queue (en, 1280)');

    await page.selectOption('[name=language]', 'es');
    await page.selectOption('[name=sort]', 'received');
    await page.click('form.filters button[type=submit]');
    await page.waitForURL(/language=es/);
    const rows = page.locator('table.queue td.case a');
    expect(await rows.allInnerTexts()).toEqual([`Case ${second.caseId}`, `Case ${first.caseId}`]);
    expect(await page.locator('table.queue td.request').first().innerText()).toBe('Cuentas de Signal comprometidas en la redacción.');
    expect(await page.locator('main').innerText()).not.toContain('Tenía todos mis contactos');

    await page.check(`#case-${first.caseId}`);
    await page.check(`#case-${second.caseId}`);
    await page.selectOption('[name=bulk_assignee]', hana.userId);
    await page.click('button[name=op][value=assign]');
    await page.waitForURL(/done=bulk_done/);
    expect(page.url()).toContain('language=es');
    expect(await page.locator('.flash').innerText()).toBe('2 cases changed.');
    const held = await deps.db.selectFrom('cases').select(['id', 'assignee_id']).orderBy('id').execute();
    expect(held).toEqual([
      { id: first.caseId, assignee_id: hana.userId },
      { id: second.caseId, assignee_id: hana.userId },
      { id: english.caseId, assignee_id: null },
    ]);

    await page.fill('[name=view_name]', 'Spanish, newest');
    await page.click('form.save-view button[type=submit]');
    await page.waitForURL(/done=view_saved/);
    await page.goto(`${haven.origin}/staff`);
    await page.click('.saved-views a:has-text("Spanish, newest")');
    await page.waitForURL(/language=es&sort=received/);
    expect(await rows.count()).toBe(2);
    await audit(page, 'queue with a saved view (en, 1280)');

    // A phone: the bar is one short row with its Menu, the filters fold, rows are cards.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${haven.origin}/staff`);
    expect((await page.locator('header.bar').boundingBox())!.height).toBeLessThan(60);
    expect(await page.locator('header.bar .nav-links').isVisible()).toBe(false);
    expect(await page.locator('form.filters').isVisible()).toBe(false);
    await page.click('header.bar summary');
    expect(await page.locator('header.bar .nav-links a[href="/staff?view=spam"]').isVisible()).toBe(true);
    await page.click('header.bar summary');
    await page.click('.filters-box > summary');
    expect(await page.locator('form.filters').isVisible()).toBe(true);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(wide).toBeLessThanOrEqual(390);
    await audit(page, 'queue (en, 390)');

    await deps.db.updateTable('users').set({ locale: 'ar' }).where('id', '=', coord.userId).execute();
    await page.goto(`${haven.origin}/staff`);
    expect(await page.getAttribute('html', 'dir')).toBe('rtl');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await audit(page, 'queue (ar, 390)');
    expect(foreignRequests).toEqual([]);
  });
});
