// A tenant's HTTPS endpoint asked on behalf of a service (inquiry): a signed JSON POST like the webhooks, a hard
// timeout and size cap, the webhooks' rules on private addresses; any failure is an error value, never a throw.
import http from 'node:http';
import https from 'node:https';
import { signatureHeader, signPayload } from '../domain/webhooks.ts';
import { bareHost, nonPublicKind } from '../domain/addresses.ts';
import { guardedLookup } from '../worker/webhooks.ts';

/** What an endpoint answered: a JSON object, or why there is none. */
export type EndpointAnswer = { ok: true; body: Record<string, unknown> } | { ok: false; error: string };

/** Limits of one call. */
export interface EndpointOptions { timeoutMs: number; maxBytes: number; allowPrivate: boolean }

/** Defaults: 2 s, 64 KB, public addresses only. */
export const endpointDefaults: EndpointOptions = { timeoutMs: 2000, maxBytes: 64 * 1024, allowPrivate: false };

/** POSTs `payload` as JSON to `url`, signed with `secret` when there is one; resolves with the answer or an error. */
export function postEndpoint(url: string, payload: Record<string, unknown>, secret: string | null, options: EndpointOptions): Promise<EndpointAnswer> {
  return new Promise((resolve) => {
    let target: URL;
    try { target = new URL(url); } catch { resolve({ ok: false, error: 'invalid url' }); return; }
    if (target.protocol !== 'https:' && !(options.allowPrivate && target.protocol === 'http:')) { resolve({ ok: false, error: 'the endpoint must be https' }); return; }
    const kind = options.allowPrivate ? null : nonPublicKind(bareHost(target.hostname));
    if (kind) { resolve({ ok: false, error: `refused: a ${kind} address` }); return; }
    const body = JSON.stringify(payload);
    const headers: Record<string, string | number> = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'Tidings-Services/1' };
    if (secret) headers[signatureHeader] = signPayload(secret, body, Math.floor(Date.now() / 1000));
    const done = (a: EndpointAnswer) => { clearTimeout(timer); resolve(a); };
    const req = (target.protocol === 'https:' ? https : http).request(target, { method: 'POST', headers, lookup: options.allowPrivate ? undefined : guardedLookup }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('error', (e) => done({ ok: false, error: e.message }));
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > options.maxBytes) { req.destroy(); done({ ok: false, error: `answer larger than ${options.maxBytes} bytes` }); return; }
        chunks.push(c);
      });
      res.on('end', () => {
        if ((res.statusCode ?? 0) < 200 || (res.statusCode ?? 0) >= 300) { done({ ok: false, error: `HTTP ${res.statusCode}` }); return; }
        try {
          const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
          if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) { done({ ok: false, error: 'the answer is not a JSON object' }); return; }
          done({ ok: true, body: parsed as Record<string, unknown> });
        } catch { done({ ok: false, error: 'the answer is not JSON' }); }
      });
    });
    const timer = setTimeout(() => { req.destroy(); done({ ok: false, error: `no answer within ${options.timeoutMs} ms` }); }, options.timeoutMs);
    req.on('error', (e) => done({ ok: false, error: e.message }));
    req.end(body);
  });
}
