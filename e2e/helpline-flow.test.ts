import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActiveUser } from '../src/modules/accounts/index.js';
import { submitRequest as saveRequest } from '../src/modules/cases/index.js';
import { totpNow } from '../src/platform/auth/totp.js';
import { engines } from '../test/engines.js';
import {
  axeCheck,
  blocking,
  chromiumAvailable,
  launchChromium,
  sendRequestForm,
  startHaven,
  watchRequests,
  type RunningHaven,
} from './support.js';

/**
 * The whole loop in a real Chromium: a person asks for help with JavaScript off (in English
 * and in Arabic), keeps the receipt; a handler signs in with a second factor and replies; the
 * person reads the reply on the follow-up page. Every page visited gets an axe-core pass, and
 * no page may request anything from another origin.
 */
const sqlite = engines.find((e) => e.name === 'sqlite')!;

describe.skipIf(!chromiumAvailable)('helpline flow in Chromium', () => {
  let haven: RunningHaven;
  let browser: Browser;
  let publicContext: BrowserContext;
  const foreignRequests: string[] = [];
  const visited: { label: string; violations: string[] }[] = [];

  async function audit(page: Page, label: string): Promise<void> {
    const v = blocking(await axeCheck(browser, page));
    visited.push({
      label,
      violations: v.map((x) => `${x.id} (${x.impact}): ${x.help} at ${x.nodes.join(', ')}`),
    });
  }

  const watch = (page: Page): void => watchRequests(page, () => haven.origin, foreignRequests);

  async function submitRequest(page: Page, lang: string, text: string): Promise<string> {
    await page.goto(`${haven.origin}/?lang=${lang}`);
    await audit(page, `landing (${lang})`);
    await page.click('a[href^="/request"]');
    await page.waitForURL(/\/request/);
    const shownAt = haven.clock.now();
    await audit(page, `request form (${lang})`);
    // First send it empty: the form comes back with an error summary in the person's language.
    await page.click('form[action^="/request"] button[type=submit]');
    await expect.poll(() => page.locator('.error-summary').count()).toBe(1);
    await audit(page, `request form with errors (${lang})`);
    const receipt = await sendRequestForm(page, {
      text,
      country: lang === 'ar' ? 'EG' : 'MX',
      shownAt,
      clock: haven.clock,
    });
    await audit(page, `receipt (${lang})`);
    return receipt;
  }

  beforeAll(async () => {
    haven = await startHaven(sqlite);
    browser = await launchChromium();
    publicContext = await browser.newContext({ javaScriptEnabled: false });
  });

  afterAll(async () => {
    await browser?.close();
    await haven?.close();
  });

  it('carries a request from the public form to a handler and the reply back', async () => {
    const page = await publicContext.newPage();
    watch(page);

    const englishText = 'Someone is logging into my email from another country. What do I do?';
    const receiptEn = await submitRequest(page, 'en', englishText);

    const arabicText = 'تم اختراق حسابي على فيسبوك وأحتاج إلى مساعدة عاجلة';
    await page.goto(`${haven.origin}/?lang=ar`);
    expect(await page.getAttribute('html', 'dir')).toBe('rtl');
    expect(await page.getAttribute('html', 'lang')).toBe('ar');
    const receiptAr = await submitRequest(page, 'ar', arabicText);
    expect(receiptAr).not.toBe(receiptEn);

    // A handler signs in with password and TOTP and answers the English request.
    const { totpSecret } = await createActiveUser(haven.harness.deps, {
      email: 'amal.handler@example.org',
      role: 'handler',
      displayName: 'Amal',
      password: 'a long and careful passphrase',
    });
    const staffContext = await browser.newContext();
    const staff = await staffContext.newPage();
    watch(staff);
    await staff.goto(`${haven.origin}/staff`);
    await staff.waitForURL(/\/staff\/sign-in/);
    await audit(staff, 'staff sign-in');
    await staff.fill('[name=email]', 'amal.handler@example.org');
    await staff.fill('[name=password]', 'a long and careful passphrase');
    await staff.click('form[action="/staff/sign-in"] button[type=submit]');
    await staff.waitForURL(/second-factor/);
    await audit(staff, 'staff second factor');
    await staff.fill('[name=code]', totpNow(totpSecret, haven.clock.now()));
    await staff.click('form[action="/staff/sign-in/second-factor"] button[type=submit]');
    await staff.waitForURL((u) => u.pathname === '/staff' || u.pathname === '/staff/');
    await audit(staff, 'queue');

    const caseLinks = staff.locator('a[href^="/staff/cases/"]');
    expect(await caseLinks.count()).toBeGreaterThanOrEqual(2);
    // Open the English request (cases are listed with their ids; the English one was first).
    const ids = await caseLinks.evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
    const englishCase = ids.map((h) => Number(h.split('/').pop())).sort((a, b) => a - b)[0]!;
    await staff.goto(`${haven.origin}/staff/cases/${englishCase}`);
    await expect.poll(() => staff.locator('main').innerText()).toContain(englishText);
    await audit(staff, 'case page');

    const note = 'Internal: check if the requester uses 2FA. NOT FOR THE REQUESTER';
    await staff.fill('form[action$="/notes"] textarea', note);
    await staff.click('form[action$="/notes"] button[type=submit]');
    await expect.poll(() => staff.locator('main').innerText()).toContain(note);

    const reply =
      'Thank you for writing. Please change your password now and turn on two-step verification.';
    await staff.fill('form[action$="/replies"] textarea', reply);
    await staff.click('form[action$="/replies"] button[type=submit]');
    await expect.poll(() => staff.locator('main').innerText()).toContain(reply);
    await audit(staff, 'case page after reply');

    // The person returns with the receipt, JavaScript still off, and reads the reply only.
    await page.goto(`${haven.origin}/followup?lang=en`);
    await audit(page, 'follow-up');
    await page.fill('[name=receipt]', receiptEn.toLowerCase());
    await page.click('form[action^="/followup"]:not([action*="leave"]) button[type=submit]');
    await page.waitForURL(/\/followup\/conversation/);
    const conversation = await page.locator('main').innerText();
    expect(conversation).toContain(englishText);
    expect(conversation).toContain(reply);
    expect(conversation).not.toContain(note);
    await audit(page, 'conversation');

    // A wrong receipt gets the general answer, not a hint.
    await page.goto(`${haven.origin}/followup?lang=ar`);
    await page.fill('[name=receipt]', 'AAAA-AAAA-AAAA-AAAA-AAAA');
    await page.click('form[action^="/followup"]:not([action*="leave"]) button[type=submit]');
    expect(page.url()).not.toContain('/conversation');
    await audit(page, 'follow-up wrong receipt (ar)');

    // The suspected-spam queue, holding a request intake saved because it came too fast.
    await saveRequest(
      haven.harness.deps,
      {
        description: 'Cheap watches, best prices',
        urgency: 'preventive',
        country: null,
        language: 'en',
        contactMethod: 'none',
        contact: null,
        beneficiary: null,
      },
      { suspectedSpam: 'too_fast' },
    );
    await staff.goto(`${haven.origin}/staff?view=spam`);
    await expect.poll(() => staff.locator('main').innerText()).toContain('Sent too fast');
    await audit(staff, 'suspected-spam queue');

    await staffContext.close();

    expect(foreignRequests).toEqual([]);
    const failing = visited.filter((v) => v.violations.length > 0);
    expect(failing).toEqual([]);
    expect(visited.length).toBeGreaterThanOrEqual(14);
  }, 180_000);
});
