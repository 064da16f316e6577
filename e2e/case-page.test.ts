import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActiveUser } from '../src/modules/accounts/index.js';
import { submitRequest } from '../src/modules/cases/index.js';
import { engines } from '../test/engines.js';
import {
  axeCheck,
  blockingViolations,
  chromiumAvailable,
  launchChromium,
  openPage,
  startHaven,
  type RunningHaven,
  signInStaff,
} from './support.js';

/**
 * An administrator's case page in a real Chromium with JavaScript off, in English and Spanish:
 * a conversation with a reply and a note, every form an administrator may use, and the audit
 * trail. Axe-core finds no blocking violation and no two landmarks of one kind that share a
 * name (landmark-unique, which axe rates moderate), and every landmark of the page has a name
 * of its own. The queue (all statuses, and the suspected-spam view in Spanish) passes the same
 * checks. No page may request anything from another origin.
 */
const sqlite = engines.find((e) => e.name === 'sqlite')!;
const PASSWORD = 'a long and careful passphrase';

describe.skipIf(!chromiumAvailable)('the case page in Chromium', () => {
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

  /** A new staff member signed in through the real pages (password, then a TOTP code). */
  async function signIn(page: Page, role: 'admin' | 'handler', email: string): Promise<void> {
    const { totpSecret } = await createActiveUser(haven.harness.deps, {
      email,
      role,
      displayName: email.split('@')[0]!,
      password: PASSWORD,
    });
    await signInStaff(page, haven.origin, { email, password: PASSWORD, totpSecret });
  }

  /** Each landmark of the page as `role "name"`, as the accessibility tree names it. */
  async function landmarks(page: Page): Promise<string[]> {
    const snapshot = await page.locator('body').ariaSnapshot();
    const roles = [
      'banner',
      'navigation',
      'main',
      'complementary',
      'contentinfo',
      'region',
      'form',
      'search',
    ];
    return snapshot
      .split('\n')
      .map((line) => line.trim().replace(/^- /, '').replace(/:$/, ''))
      .filter((line) => roles.some((r) => line === r || line.startsWith(`${r} "`)));
  }

  it('names each landmark of an administrator’s case page once', async () => {
    const page = await openPage(browser, {
      locale: 'en',
      origin: () => haven.origin,
      foreign: foreignRequests,
    });
    await signIn(page, 'admin', 'amal@example.org');
    const { caseId } = await submitRequest(haven.harness.deps, {
      description: 'Someone is logging into my email from abroad.',
      urgency: 'reactive',
      country: 'MX',
      language: 'es',
      contactMethod: 'signal',
      contact: '+52 55 0000 0000',
      beneficiary: 'journalist',
    });
    await page.goto(`${haven.origin}/staff/cases/${caseId}`);
    await page.fill('[name=body]', 'We are here. Please change your password first.');
    await page.click(`form[action="/staff/cases/${caseId}/replies"] button[type=submit]`);
    await page.waitForURL(/done=reply_sent/);
    await page.fill('[name=note]', 'Possible state actor.');
    await page.click(`form[action="/staff/cases/${caseId}/notes"] button[type=submit]`);
    await page.waitForURL(/done=/);

    for (const lang of ['en', 'es']) {
      await page.goto(`${haven.origin}/staff/cases/${caseId}?lang=${lang}`);
      // The administrator sees the audit trail and every form.
      expect(await page.locator('#audit-title').count(), lang).toBe(1);
      const violations = await axeCheck(browser, page);
      expect(
        violations
          .filter((v) => v.id === 'landmark-unique')
          .map((v) => `${v.help} at ${v.nodes.join(', ')}`),
        lang,
      ).toEqual([]);
      expect(await blockingViolations(browser, page, `case page (${lang})`)).toEqual([]);
      const names = await landmarks(page);
      expect(names.length, lang).toBeGreaterThan(3);
      const repeated = names.filter((n, i) => names.indexOf(n) !== i);
      expect(repeated, `${lang}: ${names.join(' | ')}`).toEqual([]);
    }
    // The queue that leads there, with the new case and its clock, in both of its views.
    for (const url of ['/staff?status=all', '/staff?view=spam&status=all&lang=es']) {
      await page.goto(`${haven.origin}${url}`);
      const violations = await axeCheck(browser, page);
      expect(
        violations.filter((v) => v.id === 'landmark-unique').map((v) => v.nodes.join(', ')),
        url,
      ).toEqual([]);
      expect(await blockingViolations(browser, page, url)).toEqual([]);
    }
    expect(foreignRequests).toEqual([]);
  });
});
