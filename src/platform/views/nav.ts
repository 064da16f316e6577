import type { Principal } from '../auth/roles.js';
import type { PlatformDeps } from '../deps.js';

/** The largest number a count in the bar shows; above it, the bar shows this number and a "+". */
export const NAV_COUNT_MAX = 999;

/**
 * A number an entry shows in its link (how many cases wait in a queue), asked for on every staff
 * page the bar is drawn on, for those who may see the entry. It must be cheap: `of` need count no
 * further than `NAV_COUNT_MAX + 1` (a `LIMIT` of that many index entries), since any number above
 * `NAV_COUNT_MAX` is shown the same way.
 */
export interface NavCount {
  of(deps: PlatformDeps, principal: Principal): Promise<number>;
  /**
   * The i18n key of the link's text with its count: `{count}` is the number to show (never
   * above `NAV_COUNT_MAX`), `{more}` is `yes` when there are more than that, else `no`.
   */
  labelKey: string;
}

/**
 * One entry in the staff navigation, declared by the module that owns the page. The bar shows
 * an entry to those the policy allows `action`, in `order` (lower first).
 *
 * An entry whose `href` ends in `?<field>=` (`/staff/cases/go?number=`) is a box rather than a
 * link: the bar shows a small GET form to the path, with one text field of that name labelled
 * with the entry's text, so it works without script (`navBox`).
 */
export interface NavEntry {
  href: string;
  /** The i18n key of the link's text (of the box's label). */
  labelKey: string;
  /** The policy action a person needs to see the entry. */
  action: string;
  order: number;
  /** A number shown in the link, when the entry has one (a link only, never a box). */
  count?: NavCount;
}

/** The values of a count's label (`NavCount.labelKey`) for `n`: at most `NAV_COUNT_MAX`, and whether there are more. */
export function navCountValues(n: number): { count: number; more: 'yes' | 'no' } {
  const count = Math.max(0, Math.floor(n));
  return count > NAV_COUNT_MAX ? { count: NAV_COUNT_MAX, more: 'yes' } : { count, more: 'no' };
}

/** The form a box entry's href names (`/path?field=`), or null when the entry is a plain link. */
export function navBox(href: string): { action: string; field: string } | null {
  const m = /^(\/[^?#]*)\?([a-z_]+)=$/.exec(href);
  return m ? { action: m[1]!, field: m[2]! } : null;
}

/**
 * Which of the entries the page at `url` (path and query) is: among the links whose path is the
 * page's and whose every query parameter the page has too, the one that names the most (the
 * suspected-spam view `/staff?view=spam` rather than the queue `/staff`). Null when none is.
 */
export function currentEntry(hrefs: readonly string[], url: string): string | null {
  const page = new URL(url, 'http://haven.invalid');
  let best: { href: string; params: number } | null = null;
  for (const href of hrefs) {
    if (navBox(href)) continue;
    const entry = new URL(href, 'http://haven.invalid');
    if (entry.pathname !== page.pathname) continue;
    const params = [...entry.searchParams];
    if (!params.every(([k, v]) => page.searchParams.get(k) === v)) continue;
    if (!best || params.length > best.params) best = { href, params: params.length };
  }
  return best?.href ?? null;
}
