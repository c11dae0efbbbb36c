// Webhook receivers for plain Node http, Express and Fastify: each reads the raw body (the signature covers the exact
// bytes), verifies it, hands the event to the handler and answers 204 — 400 for a refused delivery, 500 when the
// handler throws (Tidings then retries the delivery with backoff). Typed structurally: no framework is a dependency.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { signatureHeaderName, verifyWebhook, WebhookVerificationError, type VerifyOptions, type WebhookEvent } from './webhooks.ts';

/** What every adapter needs. */
export interface WebhookHandlerOptions extends VerifyOptions {
  /** The webhook's signing secret (`whsec_…`, shown when the webhook was created). */
  secret: string;
  /** Receives each verified event; throw (or reject) to have Tidings deliver it again later. */
  onEvent: (event: WebhookEvent) => unknown;
  /** Largest body accepted, in bytes (default 1 MiB). */
  limitBytes?: number;
}

/** Reads a request's body as bytes, refusing more than `limitBytes`. */
export async function readRawBody(req: AsyncIterable<unknown>, limitBytes = 1 << 20): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array);
    size += buf.length;
    if (size > limitBytes) throw new WebhookVerificationError(`the body is larger than ${limitBytes} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

type Outcome = { status: number; body?: string };

async function handle(raw: Uint8Array | string, header: string | string[] | undefined, o: WebhookHandlerOptions): Promise<Outcome> {
  let event: WebhookEvent;
  try {
    event = verifyWebhook(raw, header, o.secret, o);
  } catch (e) {
    if (e instanceof WebhookVerificationError) return { status: 400, body: JSON.stringify({ error: e.message }) };
    throw e;
  }
  try {
    await o.onEvent(event);
  } catch (e) {
    return { status: 500, body: JSON.stringify({ error: `the handler failed: ${(e as Error).message}` }) };
  }
  return { status: 204 };
}

function answer(res: ServerResponse, out: Outcome): void {
  res.writeHead(out.status, out.body ? { 'content-type': 'application/json' } : {});
  res.end(out.body);
}

/** A plain Node `http` request listener (or a route handler) that receives Tidings webhooks. */
export function nodeWebhookHandler(o: WebhookHandlerOptions): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    if (req.method !== 'POST') return answer(res, { status: 405, body: JSON.stringify({ error: 'webhooks are POSTed' }) });
    let raw: Buffer;
    try {
      raw = await readRawBody(req, o.limitBytes);
    } catch (e) {
      return answer(res, { status: e instanceof WebhookVerificationError ? 413 : 400, body: JSON.stringify({ error: (e as Error).message }) });
    }
    answer(res, await handle(raw, req.headers[signatureHeaderName], o));
  };
}

/** The part of an Express request the adapter uses (`body` is set by a body parser such as express.raw()). */
export interface ExpressLikeRequest extends IncomingMessage { body?: unknown }
/** The part of an Express response the adapter uses. */
export type ExpressLikeResponse = ServerResponse;

/**
 * An Express route handler that receives Tidings webhooks. Mount it before (or instead of) express.json() on this
 * route; with express.raw({ type: 'application/json' }) in front it uses that Buffer. A body already parsed into an
 * object cannot be verified and is answered with an error naming the fix.
 */
export function expressWebhook(o: WebhookHandlerOptions): (req: ExpressLikeRequest, res: ExpressLikeResponse, next: (err?: unknown) => void) => Promise<void> {
  return async (req, res, next) => {
    try {
      let raw: Uint8Array | string;
      if (Buffer.isBuffer(req.body) || typeof req.body === 'string') raw = req.body;
      else if (req.body !== undefined && req.body !== null && typeof req.body === 'object' && Object.keys(req.body).length) {
        throw new Error('the webhook body was already parsed as JSON: mount expressWebhook before express.json(), or use express.raw({ type: "application/json" }) on this route');
      } else raw = await readRawBody(req, o.limitBytes);
      answer(res, await handle(raw, req.headers[signatureHeaderName], o));
    } catch (e) {
      if (e instanceof WebhookVerificationError) return answer(res, { status: 413, body: JSON.stringify({ error: e.message }) });
      next(e);
    }
  };
}

/** The part of a Fastify instance the plugin uses. */
export interface FastifyLikeInstance {
  addContentTypeParser(type: string, options: { parseAs: 'buffer'; bodyLimit?: number }, parser: (req: unknown, body: Buffer, done: (err: Error | null, body?: unknown) => void) => void): void;
  post(path: string, handler: (request: { body: unknown; headers: Record<string, string | string[] | undefined> }, reply: { code(status: number): { send(payload?: unknown): unknown }; header(k: string, v: string): unknown }) => Promise<unknown>): void;
}

/**
 * A Fastify plugin that receives Tidings webhooks on `path` (POST): register it (`app.register(fastifyWebhook({…}))`);
 * inside its own scope JSON bodies are kept as raw bytes for verification, the rest of the app is untouched.
 */
export function fastifyWebhook(o: WebhookHandlerOptions & { path: string }): (app: FastifyLikeInstance) => Promise<void> {
  return async (app) => {
    app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: o.limitBytes ?? 1 << 20 }, (_req, body, done) => done(null, body));
    app.post(o.path, async (request, reply) => {
      const body = request.body;
      const out = await handle(Buffer.isBuffer(body) ? body : Buffer.alloc(0), request.headers[signatureHeaderName], o);
      if (out.body) reply.header('content-type', 'application/json');
      return reply.code(out.status).send(out.body);
    });
  };
}
