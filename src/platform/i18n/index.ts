import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { match } from '@formatjs/intl-localematcher';
import { IntlMessageFormat } from 'intl-messageformat';
import { Bounded } from './formats.js';

/**
 * Messages live in `locales/<lang>/<namespace>.json`; a key is `<namespace>.<key>`, e.g.
 * `intake.form.title`. Messages are ICU MessageFormat. The public surface is complete in
 * PUBLIC_LOCALES, the staff surface in STAFF_LOCALES: the same five, every namespace in each
 * (catalog.test.ts fails on a missing key). English stays the fallback of last resort.
 */
export const PUBLIC_LOCALES = ['en', 'es', 'fr', 'ar', 'ru'] as const;
export const STAFF_LOCALES = PUBLIC_LOCALES;
export const DEFAULT_LOCALE = 'en';
const RTL = new Set(['ar', 'fa', 'he', 'ur', 'ps', 'ku', 'yi', 'dv']);

/** Namespaces shown on the public surface, which must exist in every public locale. */
export const PUBLIC_NAMESPACES = ['common', 'intake', 'settings'];

export type MessageValues = Record<string, string | number | Date | boolean | null | undefined>;
export type Translate = (key: string, values?: MessageValues) => string;

export interface Catalog {
  /** locale → key → message */
  messages: Map<string, Map<string, string>>;
}

export function loadCatalog(dir: string): Catalog {
  const messages = new Map<string, Map<string, string>>();
  for (const locale of readdirSync(dir, { withFileTypes: true })) {
    if (!locale.isDirectory()) continue;
    const map = new Map<string, string>();
    for (const file of readdirSync(join(dir, locale.name))) {
      if (!file.endsWith('.json')) continue;
      const ns = file.slice(0, -'.json'.length);
      const data = JSON.parse(readFileSync(join(dir, locale.name, file), 'utf8')) as Record<string, string>;
      for (const [k, v] of Object.entries(data)) map.set(`${ns}.${k}`, v);
    }
    messages.set(locale.name, map);
  }
  return { messages };
}

export class I18n {
  private readonly compiled = new Map<string, IntlMessageFormat>();

  constructor(private readonly catalog: Catalog) {}

  /**
   * Answers per (header, supported list), kept: matching costs more than the rest of a small
   * page, and browsers send few distinct headers. Bounded, since a header is any text.
   */
  private readonly negotiated = new Bounded<string>(1000);

  /** Picks the best of `supported` for an Accept-Language header (or a ?lang= choice). */
  negotiate(acceptLanguage: string | undefined, supported: readonly string[], choice?: string): string {
    if (choice && supported.includes(choice)) return choice;
    const key = `${supported.join(',')}\0${acceptLanguage ?? ''}`;
    return this.negotiated.get(key, () => this.match(acceptLanguage, supported));
  }

  private match(acceptLanguage: string | undefined, supported: readonly string[]): string {
    const requested = (acceptLanguage ?? '')
      .split(',')
      .map((part) => {
        const [tag, ...params] = part.trim().split(';');
        const q = params.find((p) => p.trim().startsWith('q='));
        return { tag: tag?.trim() ?? '', q: q ? Number(q.trim().slice(2)) : 1 };
      })
      .filter((r) => r.tag && r.tag !== '*' && Number.isFinite(r.q) && r.q > 0)
      .sort((a, b) => b.q - a.q)
      .map((r) => r.tag)
      .slice(0, 20);
    try {
      return match(requested, supported as string[], DEFAULT_LOCALE);
    } catch {
      return DEFAULT_LOCALE;
    }
  }

  has(locale: string, key: string): boolean {
    return this.catalog.messages.get(locale)?.has(key) ?? false;
  }

  /** A translate function bound to one locale. Unknown keys throw: a test catches them first. */
  translator(locale: string): Translate {
    return (key, values) => this.format(locale, key, values);
  }

  format(locale: string, key: string, values?: MessageValues): string {
    let loc = locale;
    let msg = this.catalog.messages.get(locale)?.get(key);
    if (msg === undefined) {
      loc = DEFAULT_LOCALE;
      msg = this.catalog.messages.get(DEFAULT_LOCALE)?.get(key);
    }
    if (msg === undefined) throw new Error(`missing message: ${key}`);
    const cacheKey = `${loc}\0${key}`;
    let fmt = this.compiled.get(cacheKey);
    if (!fmt) {
      fmt = new IntlMessageFormat(msg, loc);
      this.compiled.set(cacheKey, fmt);
    }
    return String(fmt.format(values as Record<string, string>));
  }
}

/** Text direction of a locale. */
export function dirOf(locale: string): 'rtl' | 'ltr' {
  return RTL.has(locale.split('-')[0]!) ? 'rtl' : 'ltr';
}

// Building an Intl.DisplayNames costs ~0.2 ms, and each name it gives costs a few microseconds
// more: a country list needs ~250 per page. CLDR's names are built into Node and never change
// while it runs, so each is looked up once per locale and kept (a few hundred codes per type).
const displayNames = new Map<string, { names: Intl.DisplayNames | null; of: Map<string, string> }>();

/** A country's or language's name in `locale`, from the CLDR data built into Node. */
export function displayName(locale: string, type: 'region' | 'language', code: string): string {
  const key = `${locale}\0${type}`;
  let entry = displayNames.get(key);
  if (!entry) {
    let names: Intl.DisplayNames | null = null;
    try {
      names = new Intl.DisplayNames([locale], { type, fallback: 'code' });
    } catch {
      // An unusable locale: every code stands for itself.
    }
    entry = { names, of: new Map() };
    displayNames.set(key, entry);
  }
  let name = entry.of.get(code);
  if (name === undefined) {
    try {
      name = entry.names?.of(code) ?? code;
    } catch {
      name = code;
    }
    // A code that is not a term (typed by someone) is not kept: only real codes are looked up often.
    if (entry.of.size < 2000) entry.of.set(code, name);
  }
  return name;
}
