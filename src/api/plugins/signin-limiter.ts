/** Counts failed attempts per key in a sliding window; used to rate-limit console sign-in. */
export class AttemptLimiter {
  private readonly failures = new Map<string, number[]>();
  constructor(private readonly windowMs: number) {}

  /** Whether the key has used up its `max` failures in the window. */
  blocked(key: string, max: number, now = Date.now()): boolean {
    return this.recent(key, now).length >= max;
  }

  /** Records one failure for the key. */
  fail(key: string, now = Date.now()): void {
    const list = this.recent(key, now);
    list.push(now);
    this.failures.set(key, list);
    if (this.failures.size > 100_000) this.failures.delete(this.failures.keys().next().value as string);
  }

  /** Forgets the key's failures after a success. */
  reset(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => now - t < this.windowMs);
  }
}
