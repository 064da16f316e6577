import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { IntlMessageFormat } from 'intl-messageformat';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../paths.js';
import { I18n, loadCatalog, PUBLIC_LOCALES, PUBLIC_NAMESPACES, STAFF_LOCALES, dirOf, displayName } from './index.js';

const root = projectRoot();
const catalog = loadCatalog(join(root, 'locales'));
const en = catalog.messages.get('en')!;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (/\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name)) out.push(p);
  }
  return out;
}
const sources = sourceFiles(join(root, 'src')).map((f) => ({ f, text: readFileSync(f, 'utf8') }));
const namespaces = new Set([...en.keys()].map((k) => k.split('.')[0]!));

/** Placeholder names of an ICU message, to compare translations with English. */
function argumentsOf(message: string): string[] {
  const names = new Set<string>();
  for (const m of message.matchAll(/\{\s*([a-zA-Z0-9_]+)\s*[,}]/g)) names.add(m[1]!);
  return [...names].sort();
}

describe('message catalogue', () => {
  it('has every key the code asks for (t("…") calls)', () => {
    const missing: string[] = [];
    for (const { f, text } of sources) {
      for (const m of text.matchAll(/\bt\(\s*['"]([^'"]+)['"]/g)) {
        if (!en.has(m[1]!)) missing.push(`${m[1]} (${f.slice(root.length + 1)})`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('has no key the code never uses', () => {
    const all = sources.map((s) => s.text).join('\n');
    const literals = new Set<string>();
    for (const m of all.matchAll(/['"`]([a-z_]+\.[a-z0-9_.]+)['"`]/g)) literals.add(m[1]!);
    // A template such as `cases.status.${s}` uses every key under its prefix.
    const prefixes = [...all.matchAll(/`([a-z_]+\.[a-z0-9_.]*\.)\$\{/g)].map((m) => m[1]!);
    // Keys built from a namespace-relative literal, e.g. errorCatalog's 'common.error.x'.
    const unused = [...en.keys()].filter((k) => !literals.has(k) && !prefixes.some((p) => k.startsWith(p)));
    expect(unused).toEqual([]);
  });

  it('is complete in every public locale for the public namespaces', () => {
    for (const locale of PUBLIC_LOCALES) {
      const msgs = catalog.messages.get(locale);
      expect(msgs, `locale ${locale}`).toBeDefined();
      for (const key of en.keys()) {
        if (!PUBLIC_NAMESPACES.includes(key.split('.')[0]!)) continue;
        expect(msgs!.has(key), `${locale}: ${key}`).toBe(true);
      }
    }
  });

  it('is complete in every staff locale: every key of every namespace English has, staff and public', () => {
    // The staff surface offers every public language (ADR 28): a key added in English only
    // fails here, so no staff page falls back to English in the middle of a sentence.
    expect([...STAFF_LOCALES]).toEqual([...PUBLIC_LOCALES]);
    const missing: string[] = [];
    for (const locale of STAFF_LOCALES) {
      const msgs = catalog.messages.get(locale);
      expect(msgs, `locale ${locale}`).toBeDefined();
      for (const key of en.keys()) if (!msgs!.has(key)) missing.push(`${locale}: ${key}`);
    }
    expect(missing).toEqual([]);
  });

  it('has a folder for a staff locale only when it is offered, and one file per English namespace in each', () => {
    const folders = readdirSync(join(root, 'locales'), { withFileTypes: true }).filter((d) => d.isDirectory());
    expect(folders.map((d) => d.name).sort()).toEqual([...STAFF_LOCALES].sort());
    const files = (lang: string) => readdirSync(join(root, 'locales', lang)).filter((f) => f.endsWith('.json')).sort();
    for (const locale of STAFF_LOCALES) expect(files(locale), locale).toEqual(files('en'));
  });

  it('has no key in a translation that English lacks, and the same placeholders everywhere', () => {
    for (const [locale, msgs] of catalog.messages) {
      for (const [key, message] of msgs) {
        expect(en.has(key), `${locale} has extra key ${key}`).toBe(true);
        expect(() => new IntlMessageFormat(message, locale), `${locale}: ${key}`).not.toThrow();
        expect(argumentsOf(message), `${locale}: ${key}`).toEqual(argumentsOf(en.get(key)!));
      }
    }
  });

  it('uses only known namespaces', () => {
    expect([...namespaces].sort()).toEqual([...namespaces].filter((n) => /^[a-z]+$/.test(n)).sort());
  });
});

describe('I18n', () => {
  const i18n = new I18n(catalog);
  it('negotiates from Accept-Language, honouring an explicit choice', () => {
    expect(i18n.negotiate('ar-EG,ar;q=0.9,en;q=0.5', PUBLIC_LOCALES)).toBe('ar');
    expect(i18n.negotiate('de-DE,fr;q=0.8', PUBLIC_LOCALES)).toBe('fr');
    expect(i18n.negotiate('zz', PUBLIC_LOCALES)).toBe('en');
    expect(i18n.negotiate(undefined, PUBLIC_LOCALES)).toBe('en');
    expect(i18n.negotiate('en', PUBLIC_LOCALES, 'ru')).toBe('ru');
    expect(i18n.negotiate('en', PUBLIC_LOCALES, 'xx')).toBe('en');
    expect(i18n.negotiate(';;;,q=,*;q=abc', PUBLIC_LOCALES)).toBe('en');
  });
  it('answers a header it has seen before the same way, per list of languages offered', () => {
    // Answers are kept per (header, list): a shorter list gives another answer to the same header.
    for (let i = 0; i < 2; i++) {
      expect(i18n.negotiate('ru,es;q=0.5', PUBLIC_LOCALES)).toBe('ru');
      expect(i18n.negotiate('ru,es;q=0.5', ['en', 'es'])).toBe('es');
      expect(i18n.negotiate('ru,es;q=0.5', STAFF_LOCALES, 'ar')).toBe('ar');
      expect(i18n.negotiate('ru,es;q=0.5', ['en', 'es'], 'en')).toBe('en');
    }
  });
  it('names countries and languages from CLDR, and a code CLDR lacks by itself', () => {
    for (let i = 0; i < 2; i++) {
      expect(displayName('es', 'region', 'KE')).toBe('Kenia');
      expect(displayName('fr', 'region', 'KE')).toBe('Kenya');
      expect(displayName('ar', 'language', 'ar')).toBe('العربية');
      expect(displayName('en', 'region', 'not a code')).toBe('not a code');
      expect(displayName('not a locale!', 'region', 'KE')).toBe('KE');
    }
  });
  it('knows which scripts run right to left', () => {
    expect(dirOf('ar')).toBe('rtl');
    expect(dirOf('fa-IR')).toBe('rtl');
    expect(dirOf('ru')).toBe('ltr');
  });
  it('falls back to English for a key a locale lacks, and throws on an unknown key', () => {
    const partial = new I18n({ messages: new Map([['en', new Map([['common.brand', 'Haven']])], ['ru', new Map()]]) });
    expect(partial.format('ru', 'common.brand')).toBe('Haven');
    expect(() => i18n.format('en', 'common.no_such_key')).toThrow(/missing message/);
  });
});
