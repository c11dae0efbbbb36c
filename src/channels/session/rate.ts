// TPS limiting in segments, with a throttle reaction: halve on ESME_RTHROTTLED-like answers, recover linearly.
import { setTimeout as sleep } from 'node:timers/promises';

/** Token bucket counting segments per second; rate 0 = unlimited. Burst is a tenth of a second's worth. */
export class RateLimiter {
  private tokens: number;
  private last = Date.now();
  private current: number;
  private throttledAt = 0;

  constructor(private readonly maxRate: number) {
    this.current = maxRate;
    this.tokens = this.burst();
  }

  /** The rate in effect now (segments/s, 0 = unlimited). */
  get rate(): number {
    return this.current;
  }

  /** Waits until `n` segments may go. */
  async acquire(n = 1): Promise<void> {
    if (this.maxRate <= 0) return;
    for (;;) {
      const wait = this.take(n, Date.now());
      if (wait === 0) return;
      await sleep(wait);
    }
  }

  /** Takes tokens if available (0) or says how long to wait (ms). */
  take(n: number, now: number): number {
    if (this.maxRate <= 0) return 0;
    this.recover(now);
    this.tokens = Math.min(this.burst(), this.tokens + (Math.max(0, now - this.last) * this.current) / 1000);
    this.last = now;
    if (this.tokens >= n) {
      this.tokens -= n;
      return 0;
    }
    return Math.max(1, Math.ceil(((n - this.tokens) * 1000) / this.current));
  }

  /** The carrier said "too fast": halve the rate (recovers by 10 % of the maximum per second). */
  throttle(now = Date.now()): void {
    if (this.maxRate <= 0) return;
    this.recover(now);
    this.current = Math.max(1, this.current / 2);
    this.throttledAt = now;
    this.tokens = Math.min(this.tokens, this.burst());
  }

  private recover(now: number): void {
    if (this.current >= this.maxRate) return;
    const seconds = (now - this.throttledAt) / 1000;
    this.current = Math.min(this.maxRate, this.current + seconds * this.maxRate * 0.1);
    this.throttledAt = now;
  }

  private burst(): number {
    return Math.max(1, this.current / 10);
  }
}

/** Additive-increase / multiplicative-decrease window: halves on throttling, grows back one slot per window of successes. */
export class CongestionWindow {
  private successes = 0;
  /** Slots per bind in effect now. */
  limit: number;

  constructor(private readonly max: number) {
    this.limit = max;
  }

  /** A throttled answer: halve the window (at least 1). */
  throttle(): void {
    this.limit = Math.max(1, Math.floor(this.limit / 2));
    this.successes = 0;
  }

  /** An accepted submit: after `limit` of them in a row, one more slot. */
  success(): boolean {
    if (this.limit >= this.max) return false;
    if (++this.successes < this.limit) return false;
    this.successes = 0;
    this.limit++;
    return true;
  }
}
