import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActiveUser } from '../src/modules/accounts/index.js';
import { engines } from '../test/engines.js';
import { blockingViolations, chromiumAvailable, launchChromium, openPage, startHaven, type RunningHaven, signInStaff } from './support.js';

/**
 * A team's page in a real Chromium with JavaScript off: an administrator adds a team, opens
 * its page from the teams list and chooses its regions and languages with checkboxes; a choice
 * of none is refused with the error summary. The team's page (English, Spanish, and with an
 * error) has no blocking axe violation, and nothing is requested from another origin.
 */
const sqlite = engines.find((e) => e.name === 'sqlite')!;
const PASSWORD = 'a long and careful passphrase';

describe.skipIf(!chromiumAvailable)("a team's page in Chromium", () => {
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

  async function signIn(page: Page, email: string, totpSecret: string): Promise<void> {
    await signInStaff(page, haven.origin, { email, password: PASSWORD, totpSecret });
  }

  it("edits a team's regions and languages with checkboxes", async () => {
    const db = haven.harness.deps.db;
    const admin = await createActiveUser(haven.harness.deps, { email: 'amal@example.org', role: 'admin', displayName: 'Amal Admin', password: PASSWORD });
    const page = await openPage(browser, { locale: 'en', origin: () => haven.origin, foreign: foreignRequests });
    await signIn(page, 'amal@example.org', admin.totpSecret);

    await page.goto(`${haven.origin}/staff/teams`);
    await page.fill('[name=name]', 'Nairobi nights');
    await page.fill('[name=time_zone]', 'Africa/Nairobi');
    await page.selectOption('[name=region]', 'africa');
    await page.click('form[action="/staff/teams"] button[type=submit]');
    await page.waitForURL(/done=team_added/);
    const { id } = await db.selectFrom('teams').select('id').where('name', '=', 'Nairobi nights').executeTakeFirstOrThrow();
    await page.click(`a[href="/staff/teams/${id}"]`);
    await page.waitForURL(new RegExp(`/staff/teams/${id}$`));
    expect(await page.locator('main').innerText()).toContain('East Africa Time');
    expect(await page.isChecked('#f-regions-africa')).toBe(true);
    expect(await blockingViolations(browser, page, 'team (en)')).toEqual([]);

    // None chosen: refused, the summary links to the boxes, nothing saved.
    await page.click(`form[action="/staff/teams/${id}/languages"] button[type=submit]`);
    expect(await page.locator('.error-summary').innerText()).toContain('Choose at least one language.');
    expect(await blockingViolations(browser, page, 'team with an error')).toEqual([]);

    await page.check('#f-regions-mena');
    await page.click(`form[action="/staff/teams/${id}/regions"] button[type=submit]`);
    await page.waitForURL(/done=regions_changed/);
    await page.check('#f-languages-sw');
    await page.check('#f-languages-en');
    await page.click(`form[action="/staff/teams/${id}/languages"] button[type=submit]`);
    await page.waitForURL(/done=languages_changed/);
    expect(await page.locator('main').innerText()).toContain('English, Swahili');

    const regions = await db.selectFrom('team_regions').select('region').where('team_id', '=', id).orderBy('region').execute();
    expect(regions.map((r) => r.region)).toEqual(['africa', 'mena']);
    const languages = await db.selectFrom('team_languages').select('language').where('team_id', '=', id).orderBy('language').execute();
    expect(languages.map((r) => r.language)).toEqual(['en', 'sw']);

    await page.goto(`${haven.origin}/staff/teams/${id}?lang=es`);
    expect(await page.locator('main').innerText()).toContain('Idiomas');
    expect(await blockingViolations(browser, page, 'team (es)')).toEqual([]);
    expect(foreignRequests).toEqual([]);
  });
});
