// Intl formatters and collators, made once per locale and kept.
//
// An Intl.DateTimeFormat or Intl.Collator holds ICU objects outside the JavaScript heap (some
// 20 KB each) that V8 does not count: the garbage collector sees a small object and takes its
// time, so building one per call (a staff case page formats each of its moments and sorts two lists)
// grew a server's resident memory by about 230 KB per page view until a late collection. Each
// is immutable and the locales are the few Haven negotiates, so one of each is kept per
// locale, time zone and options; the cache is bounded all the same. Never build one per call.

/** Most formatters kept per kind of format: far more than Haven has locales. */
export const INTL_CACHE_MAX = 64;

/**
 * A cache of at most INTL_CACHE_MAX (or `max`) values by key; the oldest goes first. For values
 * that never change once made (formatters, negotiated languages).
 */
export class Bounded<T> {
  private readonly items = new Map<string, T>();
  constructor(private readonly max = INTL_CACHE_MAX) {}
  get(key: string, make: () => T): T {
    let item = this.items.get(key);
    if (item === undefined) {
      // Made before anything is stored: an unknown locale throws here and is not kept.
      item = make();
      if (this.items.size >= this.max) this.items.delete(this.items.keys().next().value!);
      this.items.set(key, item);
    }
    return item;
  }
}

/**
 * Most date formatters kept per way of showing a moment: one per (locale, time zone) in use.
 * Staff choose their zone (ADR 28), so there are more pairs than locales, but a helpline's
 * people work in a few dozen zones at most; some 20 KB each, this bounds a format's cache to
 * about 5 MB even if every zone were in use.
 */
export const ZONED_CACHE_MAX = 256;

/**
 * One way of showing a moment: `dateTimeFormats(options)` at module level, then
 * `(locale, timeZone)` gives the Intl.DateTimeFormat for that locale in that zone (or in the
 * options' zone when none is given), the same one every time.
 */
export function dateTimeFormats(
  options: Intl.DateTimeFormatOptions,
): (locale: string, timeZone?: string) => Intl.DateTimeFormat {
  const frozen = { ...options };
  const cache = new Bounded<Intl.DateTimeFormat>(ZONED_CACHE_MAX);
  return (locale, timeZone) =>
    cache.get(timeZone === undefined ? locale : `${locale}\0${timeZone}`, () =>
      new Intl.DateTimeFormat(locale, timeZone === undefined ? frozen : { ...frozen, timeZone }),
    );
}

const collators = new Bounded<Intl.Collator>();

/** The collator that sorts names as readers of `locale` expect; one per locale, kept. */
export function collatorFor(locale: string): Intl.Collator {
  return collators.get(locale, () => new Intl.Collator(locale));
}

const unitLists = new Bounded<Intl.ListFormat>();

/** Joins short items ("English, Arabic") as readers of `locale` expect ("،" in Arabic); one per locale, kept. */
export function unitListFor(locale: string): Intl.ListFormat {
  return unitLists.get(locale, () => new Intl.ListFormat(locale, { type: 'unit' }));
}
