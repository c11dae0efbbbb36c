// Webhook signing and retry schedule: pure functions shared by the delivery worker, the API and tests.
import { createHmac } from 'node:crypto';
import { signatureProblem } from '../../packages/sdk/src/webhooks.ts';
import { randomToken } from './ids.ts';

/** Header carrying `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export const signatureHeader = 'X-Tidings-Signature';
/** Header naming the event (`message.status`, `message.inbound`, `webhook.test`). */
export const eventHeader = 'X-Tidings-Event';
/** Header carrying the delivery id (stable across retries: receivers dedupe on it). */
export const deliveryHeader = 'X-Tidings-Delivery';

/** Events a webhook may subscribe to; `*` = all. */
export const webhookEvents = ['message.status', 'message.inbound', 'service.response', 'service.completed', 'link.clicked', 'points.redemption', 'webhook.test'] as const;

/** A new webhook signing secret (`whsec_…`). */
export function newWebhookSecret(): string {
  return `whsec_${randomToken(24)}`;
}

/** The hex HMAC-SHA256 of `${t}.${body}` under the secret. */
export function signatureOf(secret: string, t: number, body: string): string {
  return createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
}

/** The value of the signature header for a body sent at unix time `t` (seconds). */
export function signPayload(secret: string, body: string, t: number): string {
  return `t=${t},v1=${signatureOf(secret, t, body)}`;
}

/**
 * Checks a signature header the way a receiver should — the SDK's check (@tidings/sdk verifyWebhook), one copy:
 * every `v1` compared in constant time, timestamps further than `toleranceSec` from `nowSec` refused (replays).
 */
export function verifySignature(header: string | undefined, secret: string, body: string, nowSec: number, toleranceSec = 300): boolean {
  return signatureProblem(header, secret, body, nowSec, toleranceSec) === null;
}

/** Delay before retry number n (1 = after the first failure): 10 s, 30 s, 2 min, 10 min, 30 min, 1 h, 2 h, 4 h, then 6 h. */
export const retryDelaysSec = [10, 30, 120, 600, 1800, 3600, 7200, 14400, 21600] as const;

/** Attempts before a delivery is given up (failed): the first try plus every delay above, about 14 hours in all. */
export const defaultMaxAttempts = retryDelaysSec.length + 1;

/**
 * Milliseconds to wait after the `attempts`-th failed attempt; `random` in [0,1) spreads retries by ±10 %
 * so a recovering receiver is not hit by every delivery in the same second.
 */
export function retryDelayMs(attempts: number, random = 0.5): number {
  const base = retryDelaysSec[Math.min(Math.max(attempts, 1), retryDelaysSec.length) - 1] * 1000;
  return Math.round(base * (0.9 + 0.2 * random));
}

/** Whether a webhook subscribed with `events` (JSON array text or '*') receives `event`. */
export function subscribes(events: string, event: string): boolean {
  if (events === '*') return true;
  try {
    const list = JSON.parse(events) as unknown;
    return Array.isArray(list) && (list.includes('*') || list.includes(event));
  } catch {
    return false;
  }
}

/** Whether a webhook URL is acceptable: absolute http(s) without credentials. */
export function checkWebhookUrl(url: string): string | null {
  let u: URL;
  try { u = new URL(url); } catch { return 'not an absolute URL'; }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'must be http or https';
  if (u.username || u.password) return 'must not carry credentials';
  return null;
}

/** The JSON body sent for one delivery; `data` is already JSON text (stored as such), so nothing is re-parsed. */
export function deliveryBody(id: string, event: string, createdAt: string, dataJson: string): string {
  return `{"id":${JSON.stringify(id)},"event":${JSON.stringify(event)},"createdAt":${JSON.stringify(createdAt)},"data":${dataJson}}`;
}
