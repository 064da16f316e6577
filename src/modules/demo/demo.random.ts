// A small seeded PRNG for the demo data. Every choice the demo makes goes through one of
// these, so a seed always yields the same structured data. Not for secrets: receipts, keys
// and nonces come from libsodium's CSPRNG.

/** Hashes a seed string into four 32-bit words (cyrb128), the state sfc32 starts from. */
function cyrb128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** A weighted choice prepared once: values with their cumulative weights. */
export interface Weighted<T> {
  values: readonly T[];
  cumulative: readonly number[];
  total: number;
}

/** Prepares a weighted table from [value, weight] pairs. */
export function weighted<T>(pairs: readonly (readonly [T, number])[]): Weighted<T> {
  const values: T[] = [];
  const cumulative: number[] = [];
  let total = 0;
  for (const [v, w] of pairs) {
    if (w <= 0) continue;
    total += w;
    values.push(v);
    cumulative.push(total);
  }
  if (values.length === 0) throw new Error('a weighted table needs at least one positive weight');
  return { values, cumulative, total };
}

/** Parses "a:3 b:1" into a weighted table of strings. */
export function weightedSpec(spec: string): Weighted<string> {
  return weighted(
    spec
      .trim()
      .split(/\s+/)
      .map((part) => {
        const [v, w] = part.split(':');
        return [v!, w === undefined ? 1 : Number(w)] as const;
      }),
  );
}

/** sfc32 (Small Fast Counter): 128 bits of state, fast, and good enough for synthetic data. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: string) {
    [this.a, this.b, this.c, this.d] = cyrb128(seed);
    // The first outputs of a freshly seeded sfc32 are weak; discard them.
    for (let i = 0; i < 15; i++) this.next();
  }

  /** A float in [0, 1). */
  next(): number {
    this.a >>>= 0;
    this.b >>>= 0;
    this.c >>>= 0;
    this.d >>>= 0;
    let t = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    t = (t + this.d) | 0;
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(values: readonly T[]): T {
    return values[Math.floor(this.next() * values.length)]!;
  }

  choose<T>(table: Weighted<T>): T {
    const x = this.next() * table.total;
    const cum = table.cumulative;
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cum[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return table.values[lo]!;
  }

  /** A standard normal variate (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** A log-normal variate with the given median: long right tails, like waiting times. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }
}
