// Safe retries: a request is sent again on 429 and 5xx (and when no answer came) only when repeating it cannot do a
// thing twice — a GET/HEAD/PUT/DELETE/OPTIONS, or a POST/PATCH carrying an Idempotency-Key — with exponential backoff
// and full jitter, honouring Retry-After.
import { wait } from './polling.ts';

/** How requests are retried. */
export interface RetryPolicy {
  /** Retries after the first attempt (0 = never retry). Default 3. */
  retries: number;
  /** The first backoff; each further one doubles. Default 300 ms. */
  baseDelayMs: number;
  /** The longest backoff between two attempts. Default 10 s. */
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the error is answered instead. Default 60 s. */
  maxRetryAfterMs: number;
}

/** The default retry policy. */
export const defaultRetryPolicy: RetryPolicy = { retries: 3, baseDelayMs: 300, maxDelayMs: 10_000, maxRetryAfterMs: 60_000 };

/** What a retry hook is told before the SDK waits and sends a request again. */
export interface RetryEvent { attempt: number; delayMs: number; method: string; url: string; status: number | null; error?: unknown }

const idempotentMethods = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

/** Whether sending this request twice has the effect of sending it once. */
export function isRepeatable(request: Request): boolean {
  return idempotentMethods.has(request.method.toUpperCase()) || request.headers.has('idempotency-key');
}

/** Whether an answer with this status is worth another attempt. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

/** Milliseconds a Retry-After header asks for (delta-seconds or an HTTP date), or null when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
  if (value === null || value.trim() === '') return null;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = /^[A-Za-z]{3}, /.test(v) ? Date.parse(v) : NaN;
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** The backoff before retry number `attempt` (1-based): full jitter over base·2^(attempt-1), capped. */
export function backoffMs(policy: RetryPolicy, attempt: number, random = Math.random()): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random);
}

/** A fetch that retries repeatable requests by the policy; others are sent exactly once. */
export function retryingFetch(send: (request: Request) => Promise<Response>, policy: RetryPolicy, onRetry?: (e: RetryEvent) => void): (request: Request) => Promise<Response> {
  return async (request) => {
    if (policy.retries <= 0 || !isRepeatable(request)) return send(request);
    for (let attempt = 1; ; attempt++) {
      const last = attempt > policy.retries;
      let response: Response | undefined;
      let error: unknown;
      try {
        response = await send(last ? request : request.clone());
      } catch (e) {
        if (last || request.signal.aborted) throw e;
        error = e;
      }
      if (response && (last || !isRetryableStatus(response.status))) return response;
      let delayMs = backoffMs(policy, attempt);
      if (response) {
        const asked = retryAfterMs(response.headers.get('retry-after'));
        if (asked !== null && asked > policy.maxRetryAfterMs) return response;
        if (asked !== null) delayMs = Math.max(asked, 0);
        await response.body?.cancel().catch(() => {});
      }
      onRetry?.({ attempt, delayMs, method: request.method, url: request.url, status: response?.status ?? null, error });
      await wait(delayMs, request.signal);
    }
  };
}
