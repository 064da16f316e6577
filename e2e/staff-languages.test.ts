import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActiveUser } from '../src/modules/accounts/index.js';
import { submitRequest } from '../src/modules/cases/index.js';
import { loadCatalog, type MessageValues } from '../src/platform/i18n/index.js';
import { canonicalTimeZone } from '../src/platform/i18n/zones.js';
import { projectRoot } from '../src/platform/paths.js';
import { formatTime } from '../src/platform/views/time.js';
import { sharedI18n } from '../src/runtime.js';
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
 * The staff workspace in every language, in a real Chromium with JavaScript off (issue 10).
 * A handler signs in with an English browser, chooses Arabic and the Asia/Kolkata zone on
 * their account page, and then reads the queue and a case page right to left: `<html lang="ar"
 * dir="rtl">`, the brand at the right-hand edge, every time in Kolkata time with the zone named
 * (`<time datetime>` still ISO in UTC), no English sentence of the catalogue left on the page,
 * nothing wider than a 390 px phone, and no serious axe violation at 1280 and 390 px. The same
 * person then switches to French and to Russian and reads both pages left to right. No page
 * may request anything from another origin.
 *
 * With HAVEN_SCREENSHOTS=<folder>, the Arabic pages are saved there at both widths, to look at.
 */
const sqlite = engines.find((e) => e.name === 'sqlite')!;
const PASSWORD = 'a long and careful passphrase';
const i18n = sharedI18n();
const KOLKATA = canonicalTimeZone('Asia/Kolkata')!;
const WIDE = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

/**
 * Every English staff message long enough to be recognised, without placeholders, that reads
 * otherwise in `locale` ("Conversation" is French too): a page in `locale` that still shows
 * one of these has a sentence left untranslated.
 */
const catalog = loadCatalog(join(projectRoot(), 'locales')).messages;
function englishOnly(locale: string): string[] {
  const en = catalog.get('en')!;
  const there = catalog.get(locale)!;
  const staff = new Set(['accounts', 'audit', 'cases', 'common', 'jobs', 'retention', 'taxonomies', 'vault']);
  return [...en]
    .filter(([k, v]) => staff.has(k.split('.')[0]!) && !v.includes('{') && v.length >= 12 && there.get(k) !== v)
    .map(([, v]) => v);
}

describe.skipIf(!chromiumAvailable)('the staff workspace in every language, in Chromium', () => {
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

  /** The person's choice of language on their account page, as a person makes it. */
  async function chooseLanguage(page: Page, locale: string): Promise<void> {
    await page.goto(`${haven.origin}/staff/account`);
    await page.selectOption('[name=locale]', locale);
    await page.click('form[action="/staff/account/language"] button[type=submit]');
    await page.waitForURL(/done=language/);
    expect(await page.locator('html').getAttribute('lang')).toBe(locale);
    expect(await page.locator('.flash').innerText()).toBe(i18n.format(locale, 'accounts.done.language'));
  }

  /**
   * What a page says that is still in English: an English sentence anywhere in its text, or a
   * shorter English message as a whole line (a label, a cell, an option). Names that are data,
   * such as a reply template's, may be longer lines that start with the same words.
   */
  async function untranslated(page: Page, locale: string): Promise<string[]> {
    const text = await page.locator('body').innerText();
    const lines = new Set(text.split('\n').map((l) => l.trim()));
    return englishOnly(locale).filter((m) => lines.has(m) || (m.length >= 40 && text.includes(m)));
  }

  /** The page's direction, its title, and no English left; returns the page's text. */
  async function expectPage(page: Page, locale: string, dir: 'rtl' | 'ltr', heading: string): Promise<string> {
    expect(await page.locator('html').getAttribute('lang')).toBe(locale);
    expect(await page.locator('html').getAttribute('dir')).toBe(dir);
    expect((await page.locator('h1').first().innerText()).trim()).toContain(heading);
    expect(await untranslated(page, locale), `${locale} ${page.url()}`).toEqual([]);
    return page.locator('body').innerText();
  }

  /** Where the brand link sits: right-to-left pages start at the right-hand edge. */
  async function brandSide(page: Page): Promise<'left' | 'right'> {
    const box = (await page.locator('a.brand').boundingBox())!;
    const width = page.viewportSize()!.width;
    return box.x + box.width / 2 > width / 2 ? 'right' : 'left';
  }

  /** Nothing on the page reaches past the viewport's edges (a page too wide scrolls sideways). */
  async function fitsWidth(page: Page): Promise<boolean> {
    const width = page.viewportSize()!.width;
    for (const selector of ['main', 'header', 'main h1', 'main form', 'main table']) {
      for (const box of await Promise.all((await page.locator(selector).all()).map((l) => l.boundingBox()))) {
        // A wide table scrolls inside its own box (TableScroll): that box is what must fit.
        if (selector === 'main table') continue;
        if (box && (box.x < -1 || box.x + box.width > width + 1)) return false;
      }
    }
    return true;
  }

  it('reads the queue and a case page right to left in Arabic, times in the chosen zone, then in French and Russian', async () => {
    const { deps } = haven.harness;
    const email = 'layla@example.org';
    const { totpSecret } = await createActiveUser(deps, { email, role: 'handler', displayName: 'ليلى', password: PASSWORD });
    const page = await openPage(browser, { locale: 'en-GB', viewport: WIDE, origin: () => haven.origin, foreign: foreignRequests });
    await signInStaff(page, haven.origin, { email, password: PASSWORD, totpSecret });
    const received = haven.clock.now();
    const { caseId } = await submitRequest(deps, {
      description: 'حسابي على فيسبوك اختُرق الليلة الماضية.',
      urgency: 'reactive',
      country: 'EG',
      language: 'ar',
      contactMethod: 'signal',
      contact: '+20 100 000 0000',
      beneficiary: 'journalist',
    });
    const createdAt = (await deps.db.selectFrom('cases').select('created_at').where('id', '=', caseId).executeTakeFirstOrThrow()).created_at;
    expect(createdAt).toBeGreaterThanOrEqual(received - 1_000);

    await chooseLanguage(page, 'ar');
    // The zone, chosen from the list on the same page, now in Arabic.
    await page.selectOption('[name=time_zone]', KOLKATA);
    await page.click('form[action="/staff/account/time-zone"] button[type=submit]');
    await page.waitForURL(/done=time_zone/);
    expect(await page.locator('.flash').innerText()).toBe(i18n.format('ar', 'accounts.done.time_zone'));
    await expectPage(page, 'ar', 'rtl', i18n.format('ar', 'accounts.account.title'));

    const t = (key: string, values?: MessageValues) => i18n.format('ar', key, values);
    const kolkata = { locale: 'ar', timeZone: KOLKATA };
    const violations: string[] = [];
    for (const viewport of [WIDE, PHONE]) {
      await page.setViewportSize(viewport);
      await page.goto(`${haven.origin}/staff?status=all`);
      const queue = await expectPage(page, 'ar', 'rtl', t('cases.queue.title'));
      expect(queue).toContain(t('cases.status.new'));
      expect(await brandSide(page), `queue at ${viewport.width}`).toBe('right');
      expect(await fitsWidth(page), `queue at ${viewport.width}`).toBe(true);
      violations.push(...(await blockingViolations(browser, page, `queue (ar, ${viewport.width})`)));
      if (shots) await page.screenshot({ path: join(shots, `queue-ar-${viewport.width}.png`), fullPage: true });

      await page.goto(`${haven.origin}/staff/cases/${caseId}`);
      const text = await expectPage(page, 'ar', 'rtl', t('cases.case_number', { id: caseId }));
      expect(await brandSide(page), `case at ${viewport.width}`).toBe('right');
      expect(await fitsWidth(page), `case at ${viewport.width}`).toBe(true);
      // The moment the request arrived, in Kolkata time with the zone named; ISO in UTC for machines.
      const shown = formatTime(kolkata, createdAt);
      expect(shown).toMatch(/5:30/);
      expect(text).toContain(shown);
      const iso = new Date(createdAt).toISOString();
      expect(await page.locator(`time[datetime="${iso}"]`).first().innerText()).toBe(shown);
      expect(text).not.toContain(formatTime({ locale: 'ar', timeZone: 'UTC' }, createdAt));
      violations.push(...(await blockingViolations(browser, page, `case page (ar, ${viewport.width})`)));
      if (shots) await page.screenshot({ path: join(shots, `case-ar-${viewport.width}.png`), fullPage: true });
    }
    expect(violations).toEqual([]);

    await page.setViewportSize(WIDE);
    for (const locale of ['fr', 'ru']) {
      await chooseLanguage(page, locale);
      await page.goto(`${haven.origin}/staff?status=all`);
      await expectPage(page, locale, 'ltr', i18n.format(locale, 'cases.queue.title'));
      expect(await brandSide(page)).toBe('left');
      violations.push(...(await blockingViolations(browser, page, `queue (${locale})`)));
      await page.goto(`${haven.origin}/staff/cases/${caseId}`);
      const text = await expectPage(page, locale, 'ltr', i18n.format(locale, 'cases.case_number', { id: caseId }));
      expect(text).toContain(formatTime({ locale, timeZone: KOLKATA }, createdAt));
      expect(text).toContain(i18n.format(locale, 'cases.reply.title'));
      violations.push(...(await blockingViolations(browser, page, `case page (${locale})`)));
    }
    expect(violations).toEqual([]);
    expect(foreignRequests).toEqual([]);
  }, 120_000);
});
