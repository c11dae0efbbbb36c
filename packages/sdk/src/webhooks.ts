// Webhook signature verification, as a receiver should do it: the header `X-Tidings-Signature: t=<unix s>,v1=<hex>`
// carries HMAC-SHA256 of "<t>.<raw body>" under the webhook's secret; compare in constant time, refuse stale stamps.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header carrying the signature (lower-cased, as Node's http module presents it). */
export const signatureHeaderName = 'x-tidings-signature';
/** The header naming the event. */
export const eventHeaderName = 'x-tidings-event';
/** The header carrying the delivery id, stable across retries: dedupe on it. */
export const deliveryHeaderName = 'x-tidings-delivery';

/** A webhook delivery as Tidings posts it. */
export interface WebhookEvent<D = Record<string, unknown>> {
  /** The delivery id (the same on every retry of this delivery). */
  id: string;
  /** `message.status`, `message.inbound`, `service.response`, `service.completed`, `link.clicked` or `webhook.test`. */
  event: string;
  /** When the event happened (ISO-8601). */
  createdAt: string;
  /** The event's data. */
  data: D;
}

/** Options of verification. */
export interface VerifyOptions {
  /** Largest accepted distance between the signature's time and now, in seconds (default 300). */
  toleranceSec?: number;
  /** Now, in unix seconds (default the clock). */
  nowSec?: number;
}

/** Why a delivery was refused: missing or malformed header, stale timestamp, wrong signature, or a body not JSON. */
export class WebhookVerificationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
  }
}

/**
 * Why a signature header does not sign `body` under `secret` at `nowSec` (constant-time comparison of every `v1`,
 * timestamps further than `toleranceSec` refused as replays), or null when it does.
 */
export function signatureProblem(header: string | string[] | undefined | null, secret: string, body: string | Uint8Array, nowSec: number, toleranceSec = 300): string | null {
  const value = Array.isArray(header) ? header.join(',') : header;
  if (!value) return `the ${signatureHeaderName} header is missing`;
  let t = NaN;
  const signatures: string[] = [];
  for (const part of value.split(',')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const k = part.slice(0, i).trim();
    const v = part.slice(i + 1).trim();
    if (k === 't') t = Number(v);
    else if (k === 'v1' && /^[0-9a-f]+$/i.test(v)) signatures.push(v);
  }
  if (!Number.isInteger(t) || !signatures.length) return `the ${signatureHeaderName} header is malformed (expected t=<unix seconds>,v1=<hex>)`;
  if (Math.abs(nowSec - t) > toleranceSec) return `the signature's timestamp is ${Math.abs(nowSec - t)} s from now (more than ${toleranceSec} s): a replay or a wrong clock`;
  const expected = createHmac('sha256', secret).update(`${t}.`).update(body).digest();
  const ok = signatures.some((s) => {
    const got = Buffer.from(s, 'hex');
    return got.length === expected.length && timingSafeEqual(got, expected);
  });
  return ok ? null : 'the signature does not match the body: a wrong secret, or the body was changed (verify the raw bytes)';
}

/**
 * Verifies a delivery from its raw body (exactly the bytes received: never a re-serialised object) and its signature
 * header, and answers the parsed event; throws WebhookVerificationError saying what was wrong.
 */
export function verifyWebhook<D = Record<string, unknown>>(rawBody: string | Uint8Array, header: string | string[] | undefined | null, secret: string, options: VerifyOptions = {}): WebhookEvent<D> {
  if (!secret) throw new TypeError('verifyWebhook: the webhook secret is required');
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength);
  const problem = signatureProblem(header, secret, body, options.nowSec ?? Math.floor(Date.now() / 1000), options.toleranceSec ?? 300);
  if (problem) throw new WebhookVerificationError(problem);
  let event: unknown;
  try {
    event = JSON.parse(body.toString('utf8'));
  } catch {
    throw new WebhookVerificationError('the body is signed but is not JSON');
  }
  const e = event as Partial<WebhookEvent>;
  if (!e || typeof e !== 'object' || typeof e.id !== 'string' || typeof e.event !== 'string') throw new WebhookVerificationError('the body is not a Tidings event (no id or event)');
  return event as WebhookEvent<D>;
}
