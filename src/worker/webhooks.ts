// The webhook delivery loop: claims due deliveries with a lease, POSTs them signed, and records every attempt.
import { randomBytes } from 'node:crypto';
import type { Deps } from '../deps.ts';
import {
  defaultMaxAttempts, deliveryBody, deliveryHeader, eventHeader, retryDelayMs, signatureHeader, signPayload,
} from '../domain/webhooks.ts';
import { claimDeliveries, recordAttempt, type ClaimedDelivery } from '../store/repos/webhooks.ts';

/** Tuning of the delivery loop (all optional). */
export interface WebhookDeliveryOptions {
  /** How often to look for due deliveries when idle (ms). */
  pollMs?: number;
  /** Deliveries claimed per round. */
  batch?: number;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Per-request timeout (ms). */
  timeoutMs?: number;
  /** Attempts before a delivery is marked failed. */
  maxAttempts?: number;
  /** Lease length: a claimed delivery not finished by then is taken by another worker (ms). */
  leaseMs?: number;
}

/** Outcome of one POST. */
export interface AttemptResult { ok: boolean; statusCode: number | null; error: string | null; durationMs: number }

/** POSTs one delivery with its signature; never throws. */
export async function postDelivery(d: Pick<ClaimedDelivery, 'id' | 'event' | 'payload' | 'createdAt' | 'url' | 'secret'>, now: Date, timeoutMs: number): Promise<AttemptResult> {
  const body = deliveryBody(d.id, d.event, d.createdAt, d.payload);
  const t = Math.floor(now.getTime() / 1000);
  const started = performance.now();
  try {
    const res = await fetch(d.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json', 'user-agent': 'Tidings-Webhooks/1',
        [signatureHeader]: signPayload(d.secret, body, t), [eventHeader]: d.event, [deliveryHeader]: d.id,
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer().catch(() => undefined);
    const ok = res.status >= 200 && res.status < 300;
    return { ok, statusCode: res.status, error: ok ? null : `HTTP ${res.status}`, durationMs: performance.now() - started };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string; message?: string } };
    const msg = err.name === 'TimeoutError' ? `timed out after ${timeoutMs} ms` : err.cause?.code ?? err.cause?.message ?? err.message;
    return { ok: false, statusCode: null, error: msg, durationMs: performance.now() - started };
  }
}

/**
 * Starts delivering webhooks: claims due deliveries in batches under a lease (several worker nodes share the
 * work), sends at most `concurrency` at a time, retries failures with backoff and gives up after `maxAttempts`.
 */
export function startWebhookDelivery(deps: Deps, options: WebhookDeliveryOptions = {}): { stop(): Promise<void>; poke(): void } {
  const pollMs = options.pollMs ?? 1000;
  const batch = options.batch ?? 100;
  const concurrency = options.concurrency ?? 16;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxAttempts = options.maxAttempts ?? defaultMaxAttempts;
  const leaseMs = options.leaseMs ?? Math.max(60_000, timeoutMs * 3);
  const owner = `wh-${randomBytes(6).toString('hex')}`;
  const db = deps.store.db;
  const log = deps.log.child({ component: 'webhooks' });
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let wake: (() => void) | null = null;
  const inFlight = new Set<Promise<void>>();

  async function deliver(d: ClaimedDelivery): Promise<void> {
    const attempt = d.attempts + 1;
    const now = deps.now();
    const result: AttemptResult = d.enabled
      ? await postDelivery(d, now, timeoutMs)
      : { ok: false, statusCode: null, error: 'webhook disabled', durationMs: 0 };
    const giveUp = !d.enabled || attempt >= maxAttempts;
    const retryAt = result.ok || giveUp ? null : new Date(deps.now().getTime() + retryDelayMs(attempt, Math.random()));
    log.info({ delivery: d.id, webhook: d.webhookId, event: d.event, attempt, status: result.statusCode, error: result.error, ms: Math.round(result.durationMs) },
      result.ok ? 'webhook delivered' : retryAt ? 'webhook attempt failed; will retry' : 'webhook delivery failed');
    await recordAttempt(db, owner, { id: d.id, tenantId: d.tenantId, attempt }, { at: deps.now(), ...result, retryAt });
  }

  async function round(): Promise<number> {
    const free = concurrency - inFlight.size;
    if (free <= 0) return 0;
    const now = deps.now();
    const claimed = await claimDeliveries(db, deps.store.dialect, owner, now, new Date(now.getTime() + leaseMs), Math.min(batch, free));
    for (const d of claimed) {
      const p: Promise<void> = deliver(d).catch((e: unknown) => log.error({ err: e, delivery: d.id }, 'webhook delivery bookkeeping failed'))
        .finally(() => { inFlight.delete(p); wake?.(); });
      inFlight.add(p);
    }
    return claimed.length;
  }

  const loop = (async () => {
    while (!stopped) {
      let got = 0;
      try { got = await round(); } catch (e) { log.error({ err: e }, 'claiming webhook deliveries failed'); }
      if (stopped) break;
      if (got > 0 && inFlight.size < concurrency) continue;
      await new Promise<void>((resolve) => {
        wake = () => { wake = null; if (timer) clearTimeout(timer); timer = null; resolve(); };
        timer = setTimeout(() => wake?.(), pollMs);
      });
    }
  })();

  return {
    poke() { wake?.(); },
    async stop() {
      stopped = true;
      wake?.();
      await loop;
      await Promise.allSettled([...inFlight]);
    },
  };
}
