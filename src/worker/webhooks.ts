// The webhook delivery loop: claims due deliveries with a lease, POSTs them signed, and records every attempt.
import { randomBytes } from 'node:crypto';
import dns, { type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Deps } from '../deps.ts';
import {
  defaultMaxAttempts, deliveryBody, deliveryHeader, eventHeader, retryDelayMs, signatureHeader, signPayload,
} from '../domain/webhooks.ts';
import { bareHost, nonPublicKind } from '../domain/addresses.ts';
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

/** Settings of one POST: its timeout, and whether non-public targets (loopback, LAN, link-local) are allowed. */
export interface PostOptions { timeoutMs: number; allowPrivate: boolean }

/** A webhook target refused because it resolves to a non-public address. */
class RefusedTarget extends Error {
  constructor(reason: string) {
    super(`refused: ${reason} (set TIDINGS_WEBHOOK_ALLOW_PRIVATE=true to allow targets on your own network)`);
  }
}

/**
 * dns.lookup that refuses a name when any of its addresses is non-public; the connection then uses the checked
 * address, so a name cannot pass the check and connect elsewhere (DNS rebinding).
 */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) { callback(err, ''); return; }
    for (const a of addresses) {
      const kind = nonPublicKind(a.address);
      if (kind) { callback(new RefusedTarget(`${hostname} resolves to ${a.address}, a ${kind} address`), ''); return; }
    }
    if (options.all) (callback as unknown as (e: null, all: LookupAddress[]) => void)(null, addresses);
    else callback(null, addresses[0].address, addresses[0].family);
  });
};

/** POSTs one delivery with its signature (no redirects followed); never throws. */
export async function postDelivery(d: Pick<ClaimedDelivery, 'id' | 'event' | 'payload' | 'createdAt' | 'url' | 'secret'>, now: Date, options: PostOptions): Promise<AttemptResult> {
  const body = deliveryBody(d.id, d.event, d.createdAt, d.payload);
  const t = Math.floor(now.getTime() / 1000);
  const started = performance.now();
  const done = (ok: boolean, statusCode: number | null, error: string | null): AttemptResult => ({ ok, statusCode, error, durationMs: performance.now() - started });
  try {
    const url = new URL(d.url);
    const host = bareHost(url.hostname);
    const kind = options.allowPrivate ? null : nonPublicKind(host);
    if (kind) throw new RefusedTarget(`${host} is a ${kind} address`);
    const statusCode = await new Promise<number>((resolve, reject) => {
      const req = (url.protocol === 'https:' ? https : http).request(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'Tidings-Webhooks/1',
          [signatureHeader]: signPayload(d.secret, body, t), [eventHeader]: d.event, [deliveryHeader]: d.id,
        },
        lookup: options.allowPrivate ? undefined : guardedLookup,
        signal: AbortSignal.timeout(options.timeoutMs),
      }, (res) => {
        res.on('error', reject);
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.resume();
      });
      req.on('error', reject);
      req.end(body);
    });
    const ok = statusCode >= 200 && statusCode < 300;
    return done(ok, statusCode, ok ? null : `HTTP ${statusCode}`);
  } catch (e) {
    const err = e as Error & { code?: string };
    if (err instanceof RefusedTarget) return done(false, null, err.message);
    const timedOut = err.name === 'AbortError' || err.name === 'TimeoutError';
    return done(false, null, timedOut ? `timed out after ${options.timeoutMs} ms` : err.code ?? err.message);
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
      ? await postDelivery(d, now, { timeoutMs, allowPrivate: deps.config.webhookAllowPrivate })
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
