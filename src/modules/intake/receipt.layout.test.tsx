import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../../../e2e/support.js';
import { dirOf, I18n, loadCatalog } from '../../platform/i18n/index.js';
import { projectRoot } from '../../platform/paths.js';
import { renderPage } from '../../platform/views/render.js';
import { ReceiptPage } from './views/receipt.js';

// The receipt is copied by hand from a phone: in Chromium, at a phone's width and a desktop's,
// in English and Arabic, no line may end inside one of its groups, and what is selected and
// copied is the code exactly.

const root = projectRoot();
const i18n = new I18n(loadCatalog(join(root, 'locales')));
const css = readFileSync(join(root, 'src/platform/views/public.css'), 'utf8');
// Groups that start with a digit (no break opportunity after a hyphen before a number in some
// line breakers) and wide letters.
const CODES = ['7K2M-9QXD-4T1B-HZ8C-3WNA', 'W4MW-0MWM-9WWM-8MMW-7WMW', 'MWMW-MWMW-MWMW-MWMW-MWMW'];

function receiptHtml(locale: string, code: string): string {
  const ctx = { t: i18n.translator(locale), locale, dir: dirOf(locale), cssUrl: '/public.css', path: '/request', link: (p: string) => p };
  const html = renderPage(<ReceiptPage ctx={ctx} receipt={code} />);
  return html.replace(/<link rel="stylesheet" href="\/public\.css"\/?>/, () => `<style>${css}</style>`);
}

describe.skipIf(!chromiumAvailable)('the receipt code in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  for (const locale of ['en', 'ar']) {
    it(`breaks only between groups and copies exactly (${locale})`, async () => {
      const page = await browser.newPage({ javaScriptEnabled: true });
      try {
        for (const width of [240, 280, 320, 360, 390, 414, 768, 1280]) {
          await page.setViewportSize({ width, height: 900 });
          for (const code of CODES) {
            const html = receiptHtml(locale, code);
            expect(html).toContain('<style>');
            await page.setContent(html);
            const seen = await page.evaluate(() => {
              const el = document.getElementById('receipt')!;
              // Each character's line, by the top of its box.
              const lines: string[] = [];
              const range = document.createRange();
              const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
              let top: number | null = null;
              let line = '';
              for (let n = walker.nextNode(); n; n = walker.nextNode()) {
                const text = n.textContent ?? '';
                for (let i = 0; i < text.length; i++) {
                  range.setStart(n, i);
                  range.setEnd(n, i + 1);
                  const t = range.getBoundingClientRect().top;
                  if (top !== null && Math.abs(t - top) > 2) {
                    lines.push(line);
                    line = '';
                  }
                  top = t;
                  line += text[i];
                }
              }
              lines.push(line.trim());
              const selection = window.getSelection()!;
              selection.selectAllChildren(el);
              const copied = selection.toString();
              const box = el.getBoundingClientRect();
              return { lines: lines.map((l) => l.trim()), copied, overflow: el.scrollWidth > el.clientWidth || box.right > window.innerWidth };
            });
            const where = `${locale} ${width}px ${code}: ${JSON.stringify(seen.lines)}`;
            for (const l of seen.lines) expect(l, where).toMatch(/^([0-9A-Z]{4}-)*[0-9A-Z]{4}-?$/);
            expect(seen.lines.join(''), where).toBe(code);
            expect(seen.copied.trim(), where).toBe(code);
            expect(seen.overflow, where).toBe(false);
            if (width === 1280) expect(seen.lines, where).toHaveLength(1);
          }
        }
      } finally {
        await page.close();
      }
    });
  }
});
