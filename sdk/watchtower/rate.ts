// Token buckets keyed by client (or remote address): `rate` tokens per second refill up to `burst`; a request takes
// one. The clock is injected so that tests drive time instead of sleeping.

/** Token buckets by key. */
export class TokenBuckets {
  readonly #rate: number;
  readonly #burst: number;
  readonly #clock: () => number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor({ rate, burst, clock }: { rate: number; burst: number; clock: () => number }) {
    this.#rate = rate;
    this.#burst = burst;
    this.#clock = clock;
  }

  /** Takes a token for `key`: 0 if one was available, else the seconds until one is. */
  take(key: string): number {
    const now = this.#clock();
    const bucket = this.#buckets.get(key) ?? { tokens: this.#burst, at: now };
    bucket.tokens = Math.min(this.#burst, bucket.tokens + ((now - bucket.at) / 1000) * this.#rate);
    bucket.at = now;
    this.#buckets.set(key, bucket);
    if (this.#buckets.size > 10_000) this.#prune(now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - bucket.tokens) / this.#rate);
  }

  /** Forgets the buckets that have refilled: a full bucket is the default state, so the map keeps only active keys. */
  #prune(now: number): void {
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + ((now - bucket.at) / 1000) * this.#rate >= this.#burst) this.#buckets.delete(key);
    }
  }
}
