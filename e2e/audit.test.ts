import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActiveUser } from '../src/modules/accounts/index.js';
import { recordAudit } from '../src/platform/audit/audit.js';
import { engines } from '../test/engines.js';
import { blockingViolations, chromiumAvailable, launchChromium, openPage, startHaven, type RunningHaven, signInStaff } from './support.js';

/**
 * The audit log page in a real Chromium with JavaScript off: an administrator opens it from
 * the staff bar, filters it by person, action and day with the plain GET form (in English, then in
 * Spanish), sees only the matching entries, each with its case link and time, and axe-core
 * finds no blocking violation. No page may request anything from another origin.
 */
const sqlite = engines.find((e) => e.name === 'sqlite')!;
const PASSWORD = 'a long and careful passphrase';

describe.skipIf(!chromiumAvailable)('the audit log page in Chromium', () => {
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

  async function signIn(page: Page, email: string, displayName: string): Promise<string> {
    const { userId, totpSecret } = await createActiveUser(haven.harness.deps, {
      email,
      role: 'admin',
      displayName,
      password: PASSWORD,
    });
    await signInStaff(page, haven.origin, { email, password: PASSWORD, totpSecret });
    return userId;
  }

  it('lets an administrator filter the log with JavaScript off, in English and Spanish, with no blocking axe violation', async () => {
    const problems: string[] = [];
    for (const [locale, name, labels] of [
      ['en-GB', 'Ada', { title: 'Audit log', person: 'Person', action: 'Action', from: 'From (UTC)', apply: 'Show entries', entries: 'Audit log entries', caseLink: 'Case' }],
      ['es-ES', 'نور Ruiz', { title: 'Registro de auditoría', person: 'Persona', action: 'Acción', from: 'Desde (UTC)', apply: 'Mostrar entradas', entries: 'Entradas del registro de auditoría', caseLink: 'Caso' }],
    ] as const) {
      const page = await openPage(browser, { locale, origin: () => haven.origin, foreign: foreignRequests });
      const userId = await signIn(page, `${locale}@example.org`, name);
      if (locale === 'es-ES') {
        // The staff pages speak the account's language, chosen on the account page.
        await page.goto(`${haven.origin}/staff/account`);
        await page.selectOption('form[action="/staff/account/language"] [name=locale]', 'es');
        await page.click('form[action="/staff/account/language"] button[type=submit]');
        await page.waitForURL((u) => u.pathname === '/staff/account');
      }
      const db = haven.harness.deps.db;
      const now = haven.clock.now();
      const today = new Date(now).toISOString().slice(0, 10);
      // Two triages today, one long ago, and a view of another case.
      await recordAudit(db, now, { actorKind: 'staff', actorId: userId, action: 'case.triaged', caseId: 41, detail: { fields: 'urgency' } });
      await recordAudit(db, now, { actorKind: 'staff', actorId: userId, action: 'case.triaged', caseId: 42, detail: { fields: 'region' } });
      await recordAudit(db, Date.UTC(2025, 0, 2), { actorKind: 'staff', actorId: userId, action: 'case.triaged', caseId: 43 });
      await recordAudit(db, now, { actorKind: 'staff', actorId: userId, action: 'case.viewed', caseId: 44 });

      // The organisation's pages are under "More" in the bar.
      const link = page.locator('nav a[href="/staff/audit"]');
      if (!(await link.isVisible())) await page.click('nav .more-menu > summary');
      await link.click();
      await page.waitForURL((u) => u.pathname === '/staff/audit');
      expect(await page.locator('h1').innerText()).toBe(labels.title);
      const all = await page.locator('tbody a[href^="/staff/cases/"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      expect(all).toEqual(expect.arrayContaining(['/staff/cases/41', '/staff/cases/42', '/staff/cases/43', '/staff/cases/44']));

      await page.getByLabel(labels.person, { exact: true }).selectOption({ label: name });
      await page.getByLabel(labels.action, { exact: true }).selectOption('case.triaged');
      await page.getByLabel(labels.from, { exact: true }).fill(today);
      await page.click(`form[action="/staff/audit"] button[type=submit]`);
      await page.waitForURL((u) => u.searchParams.get('actor') === userId && u.searchParams.get('action') === 'case.triaged' && u.searchParams.get('from') === today);
      const table = page.getByRole('region', { name: labels.entries });
      const links = await table.locator('tbody a').allInnerTexts();
      expect(links).toEqual([`${labels.caseLink} 42`, `${labels.caseLink} 41`]);
      const times = await table.locator('tbody time').evaluateAll((ts) => ts.map((t) => t.getAttribute('datetime')));
      expect(times).toEqual([new Date(now).toISOString(), new Date(now).toISOString()]);
      expect(await table.locator('tbody bdi', { hasText: name }).count()).toBe(2);
      // The form shows the filters again; the export link carries them.
      expect(await page.getByLabel(labels.action, { exact: true }).inputValue()).toBe('case.triaged');
      expect(await page.locator('a[href^="/staff/audit.csv?"]').getAttribute('href')).toBe(`/staff/audit.csv?actor=${userId}&action=case.triaged&from=${today}`);

      problems.push(...(await blockingViolations(browser, page, `${locale} filtered`)));
      // A refused filter: the summary names the field, and the page passes axe too.
      await page.goto(`${haven.origin}/staff/audit?from=2025-02-30`);
      expect(await page.locator('.error-summary a[href="#f-from"]').count()).toBe(1);
      problems.push(...(await blockingViolations(browser, page, `${locale} refused`)));
      await page.context().close();
    }
    expect(problems).toEqual([]);
    expect(foreignRequests).toEqual([]);
  }, 90_000);
});
