import { readFile } from 'node:fs/promises';
import type { Browser, Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActiveUser } from '../src/modules/accounts/index.js';
import { engines } from '../test/engines.js';
import { pdfOf, pngOf, sha256 } from '../src/modules/cases/attachment.test-helpers.js';
import {
  blockingViolations,
  chromiumAvailable,
  launchChromium,
  openPage,
  sendRequestForm,
  signInStaff,
  startHaven,
  type RunningHaven,
} from './support.js';

/**
 * Files in a real Chromium with JavaScript off (ADR 26): a requester attaches files to the
 * request form (in English, then in Arabic), a handler downloads them (the bytes as sent) and
 * replies with a file of their own, and the requester sees both sides' files in the
 * conversation and downloads the helpline's. A file of a type not taken comes back as the
 * form, the text kept, saying to choose the files again. No serious axe violation on any page,
 * and nothing requested from another origin.
 */
const sqlite = engines.find((e) => e.name === 'sqlite')!;

describe.skipIf(!chromiumAvailable)('attachments in Chromium, JavaScript off', () => {
  let haven: RunningHaven;
  let browser: Browser;
  const foreign: string[] = [];
  const violations: string[] = [];

  beforeAll(async () => {
    haven = await startHaven(sqlite);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await haven?.close();
  });

  const check = async (page: Page, label: string) => violations.push(...(await blockingViolations(browser, page, label)));

  /** Clicks a download link and gives the file's name and bytes. */
  async function download(page: Page, selector: string): Promise<{ name: string; bytes: Buffer }> {
    const [file] = (await Promise.all([page.waitForEvent('download'), page.click(selector)])) as [Download, void];
    return { name: file.suggestedFilename(), bytes: await readFile((await file.path())!) };
  }

  async function requestWithFiles(page: Page, lang: string, text: string, files: { name: string; mimeType: string; buffer: Buffer }[]) {
    await page.goto(`${haven.origin}/request?lang=${lang}`);
    const shownAt = haven.clock.now();
    await check(page, `request form (${lang})`);
    await page.setInputFiles('input[type=file][name=files]', files);
    return sendRequestForm(page, { text, country: lang === 'ar' ? 'EG' : 'MX', shownAt, clock: haven.clock });
  }

  it('carries files from the requester to a handler and back, in English and Arabic', async () => {
    const page = await openPage(browser, { origin: () => haven.origin, foreign });
    const evidence = pdfOf(150_000, 4);
    const shot = pngOf(20_000);

    // A type not taken: the form comes back with the text kept and says to choose files again.
    await page.goto(`${haven.origin}/request?lang=en`);
    await page.fill('[name=description]', 'My text must survive this.');
    await page.check('[name=consent]');
    await page.setInputFiles('input[type=file][name=files]', [
      { name: 'tool.exe', mimeType: 'application/x-msdownload', buffer: Buffer.from('MZ\x90\x00 not for you') },
    ]);
    await page.click('form[action^="/request"] button[type=submit]');
    await expect.poll(() => page.locator('#files-problem').innerText()).toContain('choose your files again');
    expect(await page.inputValue('[name=description]')).toBe('My text must survive this.');
    await check(page, 'request form, file refused (en)');

    const receipt = await requestWithFiles(page, 'en', 'They sent me this file and a screenshot of the threat.', [
      { name: 'evidence.pdf', mimeType: 'application/pdf', buffer: evidence },
      { name: 'threat.png', mimeType: 'image/png', buffer: shot },
    ]);
    await check(page, 'receipt (en)');

    // A handler downloads both, byte for byte, and replies with a file.
    const account = await createActiveUser(haven.harness.deps, {
      email: 'files.handler@example.org',
      role: 'handler',
      displayName: 'Noor',
      password: 'a long and careful passphrase',
    });
    const staff = await openPage(browser, { origin: () => haven.origin, foreign });
    await signInStaff(staff, haven.origin, { email: 'files.handler@example.org', password: 'a long and careful passphrase', totpSecret: account.totpSecret });
    const caseId = (await haven.harness.deps.db.selectFrom('cases').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow()).id;
    await staff.goto(`${haven.origin}/staff/cases/${caseId}`);
    await check(staff, 'case page with files');
    const got = await download(staff, 'a:has(bdi:text-is("evidence.pdf"))');
    expect(got.name).toBe('evidence.pdf');
    expect(got.bytes.equals(evidence)).toBe(true);
    expect(await staff.locator('main').innerText()).toContain(sha256(evidence));
    const png = await download(staff, 'a:has(bdi:text-is("threat.png"))');
    expect(png.bytes.equals(shot)).toBe(true);

    const guide = Buffer.from('1. Do not open the file.\n2. Update your phone.\n');
    await staff.fill('form[action$="/replies"] textarea[name=body]', 'Thank you. Our guide is attached.');
    await staff.setInputFiles('form[action$="/replies"] input[type=file]', [{ name: 'guide.txt', mimeType: 'text/plain', buffer: guide }]);
    await staff.click('form[action$="/replies"] button[type=submit]');
    await expect.poll(() => staff.locator('main').innerText()).toContain('guide.txt');
    await check(staff, 'case page after a reply with a file');

    // The requester sees both sides' files and downloads the helpline's.
    await page.goto(`${haven.origin}/followup?lang=en`);
    await page.fill('[name=receipt]', receipt);
    await page.click('form[action^="/followup"]:not([action*="leave"]) button[type=submit]');
    await page.waitForURL(/\/followup\/conversation/);
    const text = await page.locator('main').innerText();
    for (const name of ['evidence.pdf', 'threat.png', 'guide.txt']) expect(text).toContain(name);
    await check(page, 'conversation with files (en)');
    const back = await download(page, 'a:has(bdi:text-is("guide.txt"))');
    expect(back.bytes.equals(guide)).toBe(true);

    // In Arabic: a request with a file whose name is Arabic, and its conversation, right to left.
    const ar = await openPage(browser, { origin: () => haven.origin, foreign, locale: 'ar' });
    const arabicName = 'رسالة التهديد.pdf';
    const arReceipt = await requestWithFiles(ar, 'ar', 'وصلتني رسالة تهديد، أرفقتها هنا', [
      { name: arabicName, mimeType: 'application/pdf', buffer: evidence },
    ]);
    await check(ar, 'receipt (ar)');
    await ar.goto(`${haven.origin}/followup?lang=ar`);
    await ar.fill('[name=receipt]', arReceipt);
    await ar.click('form[action^="/followup"]:not([action*="leave"]) button[type=submit]');
    await ar.waitForURL(/\/followup\/conversation/);
    expect(await ar.getAttribute('html', 'dir')).toBe('rtl');
    expect(await ar.locator('main').innerText()).toContain(arabicName);
    await check(ar, 'conversation with files (ar)');
    const own = await download(ar, `a:has(bdi:text-is("${arabicName}"))`);
    expect(own.name).toBe(arabicName);
    expect(own.bytes.equals(evidence)).toBe(true);

    expect(foreign).toEqual([]);
    expect(violations).toEqual([]);
  }, 180_000);
});
