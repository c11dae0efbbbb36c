// @tidings/sdk against a real running server (the app listening on loopback, a worker and the virtual carrier):
// idempotent sends and safe retries, pagination, campaign watch, import progress, inbox, webhook verification.
import http from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import express from 'express';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expressWebhook, fastifyWebhook, nodeWebhookHandler, Tidings, TidingsError, unwrap, verifyWebhook, WebhookVerificationError,
  type CampaignProgress, type ImportJob, type RetryEvent, type WebhookEvent,
} from '../packages/sdk/src/index.ts';
import { testDatabases } from './support/databases.ts';
import { startTestServer, type TestServer, type TestTenant } from './support/server.ts';
import { credit, startCarrier, waitFor, type TestCarrier } from './support/carrier.ts';
import { startGateway } from './support/gateway.ts';

const fast = { baseDelayMs: 20, maxDelayMs: 100 };

describe.each(testDatabases)('@tidings/sdk against a running server on $name', (database) => {
  let s: TestServer;
  let carrier: TestCarrier;
  let url: string;
  let a: TestTenant;
  let sdk: Tidings;
  const dir = mkdtempSync(path.join(tmpdir(), 'tidings-sdk-'));

  beforeAll(async () => {
    s = await startTestServer(database, { webhookAllowPrivate: true });
    carrier = await startCarrier(s);
    await s.app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(s.app.server.address() as AddressInfo).port}`;
    a = await s.tenant();
    await credit(s, carrier, a, 100_000);
    sdk = new Tidings({ baseUrl: url, apiKey: a.key, retry: fast });
  });
  afterAll(async () => {
    await carrier?.stop();
    await s?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const countTo = async (phone: string) => {
    let n = 0;
    for await (const m of sdk.messages.list({ phone })) if (m.to === phone) n++;
    return n;
  };

  it('sends under an automatic idempotency key, and the same key twice is one message', async () => {
    const first = await sdk.messages.send({ to: '13800138001', text: 'code 1234' }, { idempotencyKey: 'order-1' });
    const again = await sdk.messages.send({ to: '13800138001', text: 'code 1234' }, { idempotencyKey: 'order-1' });
    expect(again.messages.map((m) => m.id)).toEqual(first.messages.map((m) => m.id));
    expect(await countTo('+8613800138001')).toBe(1);
    const other = await sdk.messages.send({ to: '13800138001', text: 'code 1234' });
    expect(other.messages[0].id).not.toBe(first.messages[0].id);
    expect(await countTo('+8613800138001')).toBe(2);
    const conflict = await sdk.messages.send({ to: '13800138001', text: 'another body' }, { idempotencyKey: 'order-1' }).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(TidingsError);
    expect(conflict).toMatchObject({ code: 'conflict', status: 409 });
    const bad = await sdk.messages.send({ to: [], text: 'x' }).catch((e: unknown) => e) as TidingsError;
    expect(bad).toMatchObject({ code: 'invalid_request', status: 400 });
  });

  it('retries a send whose answer a gateway lost (503, Retry-After) under the same key: one message', async () => {
    const gw = await startGateway(url, ({ method, path: p, n }) => (method === 'POST' && p === '/api/v1/messages' && n === 1 ? { status: 503, headers: { 'retry-after': '1' }, lose: true } : null));
    const retries: RetryEvent[] = [];
    try {
      const viaGw = new Tidings({ baseUrl: gw.url, apiKey: a.key, retry: fast, onRetry: (e) => retries.push(e) });
      const started = Date.now();
      const r = await viaGw.messages.send({ to: '13800138002', text: 'lost answer' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
      expect(retries).toMatchObject([{ attempt: 1, status: 503, delayMs: 1000, method: 'POST' }]);
      expect(gw.seen.map((x) => x.status)).toEqual([503, 202]);
      expect(r.messages).toHaveLength(1);
      expect(await countTo('+8613800138002')).toBe(1);
    } finally {
      await gw.close();
    }
  });

  it('backs off on 429 (Retry-After as an HTTP date) for reads, and never retries a call that has no key', async () => {
    const gw = await startGateway(url, ({ method, path: p, n }) => {
      if (method === 'GET' && p.startsWith('/api/v1/messages?') && n <= 2) return { status: 429, headers: { 'retry-after': new Date(Date.now() + 1000).toUTCString() } };
      if (method === 'GET' && p.startsWith('/api/v1/inbox')) return { status: 429, headers: { 'retry-after': '3600' } };
      if (method === 'POST' && p === '/api/v1/campaigns') return { status: 502 };
      return null;
    });
    const retries: RetryEvent[] = [];
    try {
      const viaGw = new Tidings({ baseUrl: gw.url, apiKey: a.key, retry: fast, onRetry: (e) => retries.push(e) });
      const page = await viaGw.api.GET('/api/v1/messages', { params: { query: { limit: 1 } } });
      expect(page.response.status).toBe(200);
      expect(retries.map((e) => e.status)).toEqual([429, 429]);
      for (const e of retries) expect(e.delayMs).toBeGreaterThan(0);
      const campaign = await viaGw.campaigns.create({ name: 'never twice', audience: { numbers: ['13800138003'] }, text: 'x', category: 'notification' }).catch((e: unknown) => e);
      expect(campaign).toMatchObject({ status: 502 });
      expect(gw.seen.filter((x) => x.path === '/api/v1/campaigns')).toHaveLength(1);
      expect(retries).toHaveLength(2);
      // a Retry-After longer than the policy allows is not waited for: the error comes back at once
      const started = Date.now();
      const long = await (async () => { for await (const c of viaGw.inbox.list()) return c; })().catch((e: unknown) => e);
      expect(long).toMatchObject({ code: 'rate_limited', status: 429 });
      expect(Date.now() - started).toBeLessThan(5000);
      expect(gw.seen.filter((x) => x.path.startsWith('/api/v1/inbox'))).toHaveLength(1);
    } finally {
      await gw.close();
    }
  });

  it('iterates lists over more than one page, and platform keys act on a tenant named by X-Tenant', async () => {
    const numbers = Array.from({ length: 7 }, (_, i) => `1380013810${i}`);
    const sent = await sdk.messages.send({ to: numbers, text: 'paged' });
    const requests: string[] = [];
    const counting = new Tidings({ baseUrl: url, apiKey: a.key, fetch: (r) => { requests.push(r.url); return fetch(r); } });
    const seen: string[] = [];
    for await (const m of counting.messages.list({ pageSize: 3 })) seen.push(m.id);
    expect(new Set(seen).size).toBe(seen.length);
    for (const m of sent.messages) expect(seen).toContain(m.id);
    expect(requests.length).toBeGreaterThanOrEqual(Math.ceil(seen.length / 3));
    expect(requests.filter((r) => r.includes('before=')).length).toBe(requests.length - 1);

    const platform = new Tidings({ baseUrl: url, apiKey: await s.platformKey(), tenant: a.slug });
    const got = await platform.messages.get(sent.messages[0].id!);
    expect(got.to).toBe('+8613800138100');
    const noTenant = new Tidings({ baseUrl: url, apiKey: await s.platformKey() });
    await expect(noTenant.messages.get(sent.messages[0].id!)).rejects.toMatchObject({ code: 'invalid_request', message: expect.stringContaining('X-Tenant') });
    const other = await s.tenant();
    await expect(new Tidings({ baseUrl: url, apiKey: other.key }).messages.get(sent.messages[0].id!)).rejects.toMatchObject({ code: 'not_found', status: 404 });
    await expect(new Tidings({ baseUrl: url, apiKey: 'tk_wrong' }).messages.get('x')).rejects.toMatchObject({ code: 'unauthenticated', status: 401 });
  });

  it('creates, starts and watches a campaign to done against the virtual carrier, with progress events', async () => {
    const numbers = Array.from({ length: 25 }, (_, i) => `1390000${String(i).padStart(4, '0')}`);
    const created = await sdk.campaigns.create({ name: 'SDK watch', audience: { numbers }, text: '您好，您的订单已发货', category: 'notification' });
    expect(created.status).toBe('draft');
    const pre = await sdk.campaigns.preflight(created.id);
    expect(pre.total).toBe(25);
    await sdk.campaigns.start(created.id);
    const events: CampaignProgress[] = [];
    for await (const e of sdk.campaigns.watch(created.id, { intervalMs: 100, receipts: true })) events.push(e);
    const last = events[events.length - 1];
    expect(last.done).toBe(true);
    expect(events.filter((e) => e.done)).toHaveLength(1);
    expect(last.campaign.status).toBe('completed');
    expect(last.campaign.stats).toMatchObject({ total: 25, delivered: 25, awaitingReceipt: 0 });
    expect(last.processed).toBe(25);
    for (let i = 1; i < events.length; i++) expect(events[i].processed).toBeGreaterThanOrEqual(events[i - 1].processed);
    const listed: string[] = [];
    for await (const c of sdk.campaigns.list({ pageSize: 1 })) listed.push(c.id);
    expect(listed).toContain(created.id);
    const ended = await sdk.campaigns.waitUntilDone(created.id, { intervalMs: 50 });
    expect(ended.status).toBe('completed');
  });

  it('imports a file with progress, then pages through the contacts', async () => {
    const file = path.join(dir, '通讯录.csv');
    const rows = Array.from({ length: 1200 }, (_, i) => `1370000${String(i).padStart(4, '0')},客户${i}`);
    writeFileSync(file, `phone,name\n${rows.join('\n')}\n13700009999,bad,\nnot-a-number,坏\n`);
    const progress: ImportJob[] = [];
    const job = await sdk.imports.run(file, { group: 'SDK 导入', intervalMs: 50, onProgress: (j) => progress.push(j) });
    expect(job).toMatchObject({ status: 'done', imported: 1201, invalid: 1 });
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress[progress.length - 1]).toEqual(job);
    for (let i = 1; i < progress.length; i++) expect(progress[i].imported + progress[i].updated).toBeGreaterThanOrEqual(progress[i - 1].imported + progress[i - 1].updated);
    expect(new TextDecoder().decode(await sdk.imports.report(job.id))).toContain('not-a-number');
    let n = 0;
    const ids = new Set<string>();
    for await (const c of sdk.contacts.list({ pageSize: 500 })) { n++; ids.add(c.id); }
    expect(n).toBe(1201);
    expect(ids.size).toBe(1201);
    expect((await sdk.contacts.findByPhone('137 0000 0005'))?.name).toBe('客户5');
    const bytes = await sdk.imports.run(new TextEncoder().encode('13600000001\n13600000002\n'), { fileName: 'more.csv', intervalMs: 50 });
    expect(bytes).toMatchObject({ status: 'done', imported: 2 });
  });

  it('lists the inbox and replies in a conversation', async () => {
    const out = await sdk.messages.send({ to: '13800138555', text: '请回复 1 确认' });
    expect(out.messages).toHaveLength(1);
    const onHandset = await waitFor(() => carrier.simulator.inbox('+8613800138555')[0], 'the message on the handset');
    carrier.simulator.sendMo({ from: '8613800138555', to: onHandset.from, text: '1' });
    const conv = (await waitFor(async () => {
      for await (const c of sdk.inbox.list()) if (c.phone === '+8613800138555' && c.lastDirection === 'in') return c;
      return undefined;
    }, 'the reply in the inbox'))!;
    const r = await sdk.inbox.reply(conv.id, '已确认，谢谢');
    expect(r.message).toMatchObject({ to: '+8613800138555', status: 'queued' });
    const thread = await sdk.inbox.get(conv.id);
    expect(thread.messages.map((x) => x.text)).toEqual(expect.arrayContaining(['1', '已确认，谢谢']));
    await sdk.inbox.markRead(conv.id);
  });

  it('verifies real webhook deliveries in Node http, Express and Fastify receivers, and refuses a tampered body', async () => {
    const got: Record<'node' | 'express' | 'fastify', WebhookEvent[]> = { node: [], express: [], fastify: [] };
    // one webhook, moved from receiver to receiver: all three verify with its secret, known once it is created
    const opts = (name: keyof typeof got) => ({ secret: 'unset', onEvent: (e: WebhookEvent) => { got[name].push(e); } });
    const o = { node: opts('node'), express: opts('express'), fastify: opts('fastify') };
    const captured: { body: Buffer; signature: string }[] = [];
    const nodeHandler = nodeWebhookHandler(o.node);
    const nodeServer = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        captured.push({ body, signature: String(req.headers['x-tidings-signature']) });
        void nodeHandler(Object.assign(Readable.from([body]), { method: req.method, headers: req.headers }) as unknown as http.IncomingMessage, res);
      });
    });
    const app = express();
    app.post('/hooks', expressWebhook(o.express));
    app.post('/parsed', express.json(), expressWebhook({ secret: 'x', onEvent: () => {} }));
    app.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => { res.status(500).json({ error: err.message }); });
    const expressServer = http.createServer(app);
    const f = Fastify();
    await f.register(fastifyWebhook({ ...o.fastify, path: '/hooks', get secret() { return o.fastify.secret; } }));
    f.post('/json', async (req) => ({ parsed: req.body }));
    await f.listen({ port: 0, host: '127.0.0.1' });
    for (const srv of [nodeServer, expressServer]) await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const at = (srv: http.Server, p = '/hooks') => `http://127.0.0.1:${(srv.address() as AddressInfo).port}${p}`;
    const targets = { node: at(nodeServer), express: at(expressServer), fastify: at(f.server) };
    try {
      const t = await s.tenant();
      await credit(s, carrier, t, 10_000);
      const tsdk = new Tidings({ baseUrl: url, apiKey: t.key });
      const hook = unwrap(await tsdk.api.POST('/api/v1/webhooks', { body: { url: targets.node, events: ['message.status', 'webhook.test'] } }));
      expect(hook.secret).toMatch(/^whsec_/);
      for (const x of Object.values(o)) x.secret = hook.secret!;

      const sent = await tsdk.messages.send({ to: '13800138777', text: 'webhook me' });
      const id = sent.messages[0].id!;
      await waitFor(() => got.node.some((e) => e.event === 'message.status' && (e.data as { id?: string }).id === id), 'a verified message.status delivery in the Node receiver', 30_000);
      for (const name of ['express', 'fastify'] as const) {
        unwrap(await tsdk.api.PATCH('/api/v1/webhooks/{id}', { params: { path: { id: hook.id } }, body: { url: targets[name] } }));
        unwrap(await tsdk.api.POST('/api/v1/webhooks/{id}/test', { params: { path: { id: hook.id } } }));
        await waitFor(() => got[name].some((e) => e.event === 'webhook.test'), `a verified webhook.test delivery in the ${name} receiver`, 30_000);
      }

      const real = captured.find((c) => c.body.toString().includes(id))!;
      expect(verifyWebhook(real.body, real.signature, hook.secret!)).toMatchObject({ event: 'message.status', data: { id } });
      const tampered = Buffer.from(real.body.toString().replace('"to":"+86', '"to":"+87'));
      expect(tampered.equals(real.body)).toBe(false);
      expect(() => verifyWebhook(tampered, real.signature, hook.secret!)).toThrow(WebhookVerificationError);
      expect(() => verifyWebhook(real.body, real.signature, 'whsec_wrong')).toThrow(/does not match/);
      expect(() => verifyWebhook(real.body, real.signature, hook.secret!, { nowSec: Math.floor(Date.now() / 1000) + 3600 })).toThrow(/replay/);
      expect(() => verifyWebhook(real.body, undefined, hook.secret!)).toThrow(/missing/);
      const post = (target: string, body: Buffer, signature: string) => fetch(target, { method: 'POST', headers: { 'content-type': 'application/json', 'x-tidings-signature': signature }, body });
      for (const target of Object.values(targets)) {
        const r = await post(target, tampered, real.signature);
        expect(r.status).toBe(400);
        expect((await r.json() as { error: string }).error).toContain('does not match');
      }
      const counts = { express: got.express.length, fastify: got.fastify.length };
      expect((await post(targets.express, real.body, real.signature)).status).toBe(204);
      expect((await post(targets.fastify, real.body, real.signature)).status).toBe(204);
      expect(got.express.length).toBe(counts.express + 1);
      expect(got.fastify.length).toBe(counts.fastify + 1);
      const parsed = await post(at(expressServer, '/parsed'), real.body, real.signature);
      expect(parsed.status).toBe(500);
      expect(await parsed.text()).toContain('express.raw');
      const elsewhere = await fetch(at(f.server, '/json'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
      expect(await elsewhere.json()).toEqual({ parsed: { a: 1 } });
    } finally {
      await f.close();
      for (const srv of [nodeServer, expressServer]) { srv.closeAllConnections(); await new Promise((r) => srv.close(r)); }
    }
  });
});
