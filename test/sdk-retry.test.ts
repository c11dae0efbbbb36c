// The SDK's retry rules as pure functions: which requests may be repeated, which answers are worth another try,
// Retry-After in both forms, and the backoff's bounds.
import { describe, expect, it } from 'vitest';
import { backoffMs, defaultRetryPolicy, isRepeatable, isRetryableStatus, retryAfterMs } from '../packages/sdk/src/retry.ts';
import { paginate } from '../packages/sdk/src/pagination.ts';

describe('SDK retry rules', () => {
  it('repeats only idempotent methods, or a POST/PATCH that carries an Idempotency-Key', () => {
    for (const method of ['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']) expect(isRepeatable(new Request('http://x/', { method }))).toBe(true);
    expect(isRepeatable(new Request('http://x/', { method: 'POST' }))).toBe(false);
    expect(isRepeatable(new Request('http://x/', { method: 'PATCH' }))).toBe(false);
    expect(isRepeatable(new Request('http://x/', { method: 'POST', headers: { 'Idempotency-Key': 'k' } }))).toBe(true);
  });

  it('retries 429 and 5xx except 501 and 505, nothing else', () => {
    expect([429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([200, 400, 401, 404, 409, 413, 501, 505].some(isRetryableStatus)).toBe(false);
  });

  it('reads Retry-After as seconds or an HTTP date, and ignores what it cannot read', () => {
    const now = Date.parse('2026-12-06T10:00:00Z');
    expect(retryAfterMs('3', now)).toBe(3000);
    expect(retryAfterMs('0.5', now)).toBe(500);
    expect(retryAfterMs('Sun, 06 Dec 2026 10:00:07 GMT', now)).toBe(7000);
    expect(retryAfterMs('Sun, 06 Dec 2026 09:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeNull();
    expect(retryAfterMs(null, now)).toBeNull();
    expect(retryAfterMs('-1', now)).toBeNull();
  });

  it('backs off exponentially with jitter between half and all of the ceiling, capped', () => {
    const p = { ...defaultRetryPolicy, baseDelayMs: 100, maxDelayMs: 1000 };
    expect([backoffMs(p, 1, 0), backoffMs(p, 1, 1)]).toEqual([50, 100]);
    expect([backoffMs(p, 3, 0), backoffMs(p, 3, 1)]).toEqual([200, 400]);
    expect(backoffMs(p, 10, 1)).toBe(1000);
  });

  it('paginates until a page has no next cursor, and refuses a cursor that comes back', async () => {
    const pages: Record<string, { items: number[]; next: string | null }> = { '': { items: [1, 2], next: 'a' }, a: { items: [3, 4], next: 'b' }, b: { items: [5], next: null } };
    const got: number[] = [];
    for await (const n of paginate(async (c) => pages[c ?? ''])) got.push(n);
    expect(got).toEqual([1, 2, 3, 4, 5]);
    const loop = async () => { for await (const _ of paginate(async () => ({ items: [1], next: 'same' }))) { /* consume */ } };
    await expect(loop()).rejects.toThrow(/came back twice/);
  });
});
