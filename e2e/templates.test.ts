import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActiveUser } from '../src/modules/accounts/index.js';
import { submitRequest } from '../src/modules/cases/index.js';
import { engines } from '../test/engines.js';
import {
  blockingViolations,
  chromiumAvailable,
  launchChromium,
  openPage,
  signInStaff,
  startHaven,
  type RunningHaven,
} from './support.js';

/**
 * Reply templates in a real Chromium with JavaScript off: a coordinator changes the Arabic text
 * of the initial reply on its page; a handler, on a case whose language is Arabic, chooses the
 * initial reply and inserts it (a GET form: the case page comes back with the reply box
 * filled), sees the Arabic text right to left with the placeholders filled, and sends it; the
 * requester reads it on the follow-up page. No blocking axe violation on the pages, nothing
 * requested from another origin.
 */
const sqlite = engines.find((e) => e.name === 'sqlite')!;
const PASSWORD = 'a long and careful passphrase';
const ADDED_LINE = 'فريقنا يقرأ كل رسالة بعناية.';

describe.skipIf(!chromiumAvailable)('reply templates in Chromium', () => {
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

  const open = (locale: string): Promise<Page> =>
    openPage(browser, { locale, origin: () => haven.origin, foreign: foreignRequests });

  it('a coordinator edits the Arabic text; a handler inserts it on an Arabic case and sends it', async () => {
    const deps = haven.harness.deps;
    const coordinator = await createActiveUser(deps, { email: 'cy@example.org', role: 'coordinator', displayName: 'Cy Coordinator', password: PASSWORD });
    const handler = await createActiveUser(deps, { email: 'amal@example.org', role: 'handler', displayName: 'Amal', password: PASSWORD });
    const { caseId, receipt } = await submitRequest(deps, {
      description: 'أعتقد أن هاتفي مخترق بعد توقيفي عند الحاجز.',
      urgency: 'reactive',
      country: 'EG',
      language: 'ar',
      contactMethod: 'none',
      contact: null,
      beneficiary: null,
    });

    // The coordinator adds a line to the Arabic text of the initial reply.
    const lead = await open('en');
    await signInStaff(lead, haven.origin, { email: 'cy@example.org', password: PASSWORD, totpSecret: coordinator.totpSecret });
    await lead.goto(`${haven.origin}/staff/templates`);
    expect(await blockingViolations(browser, lead, 'templates list')).toEqual([]);
    await lead.click('a[href="/staff/templates/initial-reply"]');
    await lead.waitForURL(/\/staff\/templates\/initial-reply$/);
    const arabicBox = lead.locator('#f-body_ar');
    expect(await arabicBox.getAttribute('dir')).toBe('rtl');
    expect(await arabicBox.getAttribute('lang')).toBe('ar');
    const before = await arabicBox.inputValue();
    await arabicBox.fill(before.replace('وأنا هنا لمساعدتك.', `وأنا هنا لمساعدتك. ${ADDED_LINE}`));
    await lead.click('form[action="/staff/templates/initial-reply/variants/ar"] button[type=submit]');
    await lead.waitForURL(/done=saved#lang-ar$/);
    expect(await lead.locator('.flash').innerText()).toContain('Text saved.');
    expect(await lead.locator('#f-body_ar').inputValue()).toContain(ADDED_LINE);
    expect(await blockingViolations(browser, lead, 'template page')).toEqual([]);

    // An unknown placeholder is refused with its name, nothing saved.
    await lead.locator('#f-body_ar').fill('مرحبًا {الاسم}');
    await lead.click('form[action="/staff/templates/initial-reply/variants/ar"] button[type=submit]');
    expect(await lead.locator('.error-summary').innerText()).toContain('Use only the placeholders listed above');
    expect(await lead.locator('#e-body_ar').innerText()).toContain('{الاسم}');
    expect(await blockingViolations(browser, lead, 'template page with an error')).toEqual([]);
    // The workspace in Arabic, right to left, and on a phone.
    await lead.goto(`${haven.origin}/staff/templates/initial-reply?lang=ar`);
    expect(await lead.getAttribute('html', 'dir')).toBe('rtl');
    expect(await blockingViolations(browser, lead, 'template page (ar)')).toEqual([]);
    await lead.setViewportSize({ width: 390, height: 844 });
    await lead.goto(`${haven.origin}/staff/templates?lang=ar`);
    expect(await blockingViolations(browser, lead, 'templates list (ar, 390 px)')).toEqual([]);

    // The handler inserts the initial reply on the Arabic case, JavaScript off.
    const staff = await open('en');
    await signInStaff(staff, haven.origin, { email: 'amal@example.org', password: PASSWORD, totpSecret: handler.totpSecret });
    await staff.goto(`${haven.origin}/staff/cases/${caseId}`);
    await staff.selectOption('[name=template]', 'initial-reply');
    await staff.click(`form[action="/staff/cases/${caseId}#reply"] button[type=submit]`);
    await staff.waitForURL(new RegExp(`/staff/cases/${caseId}\\?template=initial-reply#reply$`));
    expect(await staff.locator('.template-done').innerText()).toContain('Template inserted in Arabic (ar).');
    const box = staff.locator('form[action$="/replies"] textarea');
    const text = await box.inputValue();
    expect(text.startsWith('مرحبًا،')).toBe(true);
    expect(text).toContain(ADDED_LINE);
    expect(text).toContain('اسمي Amal وأنا من فريق Haven.');
    expect(text).toContain(`رقم حالتك هو ${caseId}.`);
    expect(text).toContain(`${deps.config.publicUrl}/followup`);
    expect(text).not.toMatch(/\{[a-z_]+\}/);
    // The box reads right to left: its direction follows the Arabic text in it.
    expect(await box.evaluate((el) => el.matches(':dir(rtl)'))).toBe(true);
    expect(await blockingViolations(browser, staff, 'case page with a template')).toEqual([]);

    await staff.click('form[action$="/replies"] button[type=submit]');
    await staff.waitForURL(/done=reply_sent/);
    expect(await staff.locator('.message.reply .body').last().innerText()).toContain(ADDED_LINE);

    // The requester reads it on the follow-up page, in Arabic, JavaScript off.
    const requester = await open('ar');
    await requester.goto(`${haven.origin}/followup?lang=ar`);
    await requester.fill('[name=receipt]', receipt);
    await requester.click('form[action^="/followup"]:not([action*="leave"]) button[type=submit]');
    await requester.waitForURL(/\/followup\/conversation/);
    const conversation = await requester.locator('main').innerText();
    expect(conversation).toContain(ADDED_LINE);
    expect(conversation).toContain('اسمي Amal وأنا من فريق Haven.');
    expect(await blockingViolations(browser, requester, 'conversation (ar)')).toEqual([]);

    expect(foreignRequests).toEqual([]);
  }, 120_000);
});
