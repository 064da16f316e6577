/**
 * Slows wrong unseal passphrases, per process, without looking at who sends them (Haven never
 * reads client addresses). Each failure doubles the wait before the next attempt, from one
 * second up to a minute; a successful unseal resets it. On top of this, every attempt costs
 * one argon2id derivation (about a second at MODERATE limits).
 */
export class UnsealThrottle {
  private count = 0;

  constructor(
    private readonly opts: { baseMs: number; maxMs: number } = { baseMs: 1_000, maxMs: 60_000 },
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** The wait before the next attempt, in milliseconds. */
  delayMs(): number {
    if (this.count === 0) return 0;
    return Math.min(this.opts.baseMs * 2 ** (this.count - 1), this.opts.maxMs);
  }

  failures(): number {
    return this.count;
  }

  async wait(): Promise<void> {
    const ms = this.delayMs();
    if (ms > 0) await this.sleep(ms);
  }

  recordFailure(): void {
    // Capped so the counter cannot grow without bound; the delay is capped anyway.
    this.count = Math.min(this.count + 1, 32);
  }

  reset(): void {
    this.count = 0;
  }
}
