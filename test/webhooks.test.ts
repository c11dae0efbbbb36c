import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from './support/databases.ts';
import { startTestServer, type TestServer, type TestTenant } from './support/server.ts';
import { startReceiver, type Receiver } from './support/webhook-receiver.ts';
import { verifySignature } from '../src/domain/webhooks.ts';
import { createWebhook, enqueueWebhookEvents, getDelivery, invalidateWebhookCache } from '../src/store/repos/webhooks.ts';
import { startWebhookDelivery } from '../src/worker/webhooks.ts';

async function until<T>(fn: () => Promise<T | undefined | false>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('condition not met in time');
}

describe.each(testDatabases)('webhooks on $name', (database) => {
  let s: TestServer;
  let a: TestTenant;
  let b: TestTenant;
  let clock = Date.now();
  let receiver: Receiver;
  beforeAll(async () => {
    s = await startTestServer(database, { webhookAllowPrivate: true }, { now: () => new Date(clock) });
    a = await s.tenant();
    b = await s.tenant();
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
    await s?.close();
  });

  it('creates a webhook with its secret shown once, validates the URL, and walls tenants off', async () => {
    const bad = await s.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: a.headers, payload: { url: 'ftp://x' } });
    expect(bad.statusCode).toBe(400);
    const created = await s.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: a.headers, payload: { url: receiver.url, events: ['message.inbound'] } });
    expect(created.statusCode).toBe(201);
    const hook = created.json();
    expect(hook.secret).toMatch(/^whsec_/);
    const list = await s.app.inject({ url: '/api/v1/webhooks', headers: a.headers });
    expect(list.json().webhooks).toHaveLength(1);
    expect(list.body).not.toContain(hook.secret);
    expect((await s.app.inject({ url: '/api/v1/webhooks', headers: b.headers })).json().webhooks).toHaveLength(0);
    for (const req of [
      { method: 'GET' as const, url: `/api/v1/webhooks/${hook.id}` },
      { method: 'GET' as const, url: `/api/v1/webhooks/${hook.id}/deliveries` },
      { method: 'PATCH' as const, url: `/api/v1/webhooks/${hook.id}`, payload: { enabled: false } },
      { method: 'POST' as const, url: `/api/v1/webhooks/${hook.id}/test` },
      { method: 'DELETE' as const, url: `/api/v1/webhooks/${hook.id}` },
    ]) {
      expect((await s.app.inject({ ...req, headers: b.headers })).statusCode).toBe(404);
    }
    const viewer = await s.tenant(undefined, 'viewer');
    expect((await s.app.inject({ url: '/api/v1/webhooks', headers: viewer.headers })).statusCode).toBe(403);
    await s.app.inject({ method: 'DELETE', url: `/api/v1/webhooks/${hook.id}`, headers: a.headers });
  });

  it('delivers subscribed events signed, with event and delivery headers; skips tenants without webhooks', async () => {
    const t = await s.tenant();
    const hook = (await s.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: t.headers, payload: { url: receiver.url, events: ['message.status'] } })).json();
    const before = receiver.received.length;
    await enqueueWebhookEvents(s.deps.store.db, [
      { tenantId: t.id, event: 'message.status', payload: { id: 'm1', status: 'delivered' } },
      { tenantId: t.id, event: 'message.inbound', payload: { id: 'i1' } },
      { tenantId: b.id, event: 'message.status', payload: { id: 'm2' } },
    ], new Date(clock));
    const worker = startWebhookDelivery(s.deps, { pollMs: 20 });
    try {
      const got = (await receiver.waitFor(before + 1)).slice(before);
      await new Promise((r) => setTimeout(r, 100));
      expect(receiver.received.length).toBe(before + 1);
      const r = got[0];
      expect(r.json).toMatchObject({ event: 'message.status', data: { id: 'm1', status: 'delivered' } });
      expect(r.headers['x-tidings-event']).toBe('message.status');
      expect(r.headers['x-tidings-delivery']).toBe(r.json.id);
      expect(verifySignature(r.headers['x-tidings-signature'] as string, hook.secret, r.body, Math.floor(clock / 1000))).toBe(true);
      expect(verifySignature(r.headers['x-tidings-signature'] as string, 'whsec_wrong', r.body, Math.floor(clock / 1000))).toBe(false);
      const log = await until(async () => {
        const d = (await s.app.inject({ url: `/api/v1/webhooks/${hook.id}/deliveries`, headers: t.headers })).json().deliveries;
        return d.length === 1 && d[0].status === 'delivered' && d;
      });
      expect(log[0].log).toEqual([expect.objectContaining({ attempt: 1, statusCode: 200, error: null })]);
      expect(log[0].data).toEqual({ id: 'm1', status: 'delivered' });
    } finally { await worker.stop(); }
  });

  it('retries failures with backoff and gives up after the attempts allowed, logging each attempt', async () => {
    const t = await s.tenant();
    const failing = await startReceiver(() => 503);
    const hook = (await s.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: t.headers, payload: { url: failing.url, events: '*' } })).json();
    const test = await s.app.inject({ method: 'POST', url: `/api/v1/webhooks/${hook.id}/test`, headers: t.headers });
    expect(test.statusCode).toBe(202);
    const { deliveryId } = test.json();
    const worker = startWebhookDelivery(s.deps, { pollMs: 10, maxAttempts: 3 });
    try {
      await failing.waitFor(1);
      const first = await until(async () => { const d = await getDelivery(s.deps.store.db, deliveryId); return d?.attempts === 1 && d.status === 'pending' && d; });
      const wait = Date.parse(first.nextAttemptAt!) - clock;
      expect(wait).toBeGreaterThanOrEqual(9_000);
      expect(wait).toBeLessThanOrEqual(11_000);
      await new Promise((r) => setTimeout(r, 100));
      expect(failing.received.length).toBe(1);
      clock += 11_000;
      worker.poke();
      await until(async () => (await getDelivery(s.deps.store.db, deliveryId))?.attempts === 2);
      clock += 40_000;
      worker.poke();
      const done = await until(async () => { const d = await getDelivery(s.deps.store.db, deliveryId); return d?.status === 'failed' && d; });
      expect(done.attempts).toBe(3);
      expect(done.lastStatusCode).toBe(503);
      expect(failing.received.map((r) => r.json.id)).toEqual([deliveryId, deliveryId, deliveryId]);
      const log = (await s.app.inject({ url: `/api/v1/webhooks/${hook.id}/deliveries`, headers: t.headers })).json().deliveries[0].log;
      expect(log.map((l: { attempt: number; statusCode: number }) => [l.attempt, l.statusCode])).toEqual([[1, 503], [2, 503], [3, 503]]);
    } finally {
      await worker.stop();
      await failing.close();
    }
  });

  it('records timeouts and connection errors as failed attempts', async () => {
    const t = await s.tenant();
    const closed = await startReceiver();
    await closed.close();
    const dead = (await s.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: t.headers, payload: { url: closed.url } })).json();
    const hung = http.createServer(() => { /* never answers */ });
    await new Promise<void>((r) => hung.listen(0, '127.0.0.1', () => r()));
    const hungUrl = `http://127.0.0.1:${(hung.address() as AddressInfo).port}/`;
    const stuck = (await s.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: t.headers, payload: { url: hungUrl } })).json();
    const d1 = (await s.app.inject({ method: 'POST', url: `/api/v1/webhooks/${dead.id}/test`, headers: t.headers })).json().deliveryId;
    const d2 = (await s.app.inject({ method: 'POST', url: `/api/v1/webhooks/${stuck.id}/test`, headers: t.headers })).json().deliveryId;
    const worker = startWebhookDelivery(s.deps, { pollMs: 10, timeoutMs: 300 });
    try {
      const x = await until(async () => { const d = await getDelivery(s.deps.store.db, d1); return d && d.attempts === 1 && d; });
      expect(x.status).toBe('pending');
      expect(x.lastError).toMatch(/ECONNREFUSED/);
      const y = await until(async () => { const d = await getDelivery(s.deps.store.db, d2); return d && d.attempts === 1 && d; });
      expect(y.lastError).toMatch(/timed out/);
    } finally {
      await worker.stop();
      hung.closeAllConnections();
      hung.close();
    }
  });

  it('shares deliveries between two workers without sending one twice', async () => {
    const t = await s.tenant();
    await s.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: t.headers, payload: { url: receiver.url, events: ['message.status'] } });
    invalidateWebhookCache();
    const before = receiver.received.length;
    await enqueueWebhookEvents(s.deps.store.db, Array.from({ length: 60 }, (_, i) => ({ tenantId: t.id, event: 'message.status', payload: { n: i } })), new Date(clock));
    const w1 = startWebhookDelivery(s.deps, { pollMs: 5, batch: 7, concurrency: 4 });
    const w2 = startWebhookDelivery(s.deps, { pollMs: 5, batch: 7, concurrency: 4 });
    try {
      await receiver.waitFor(before + 60);
      await new Promise((r) => setTimeout(r, 200));
      const ids = receiver.received.slice(before).map((r) => r.json.id);
      expect(ids).toHaveLength(60);
      expect(new Set(ids).size).toBe(60);
    } finally {
      await w1.stop();
      await w2.stop();
    }
  });
});

describe.each(testDatabases)('webhook targets on $name, with default settings', (database) => {
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer(database); });
  afterAll(async () => { await s?.close(); });

  it('refuses loopback, private, link-local and metadata targets when created, naming why', async () => {
    const t = await s.tenant();
    for (const [url, why] of [
      ['http://127.0.0.1:8080/hook', /127\.0\.0\.1 is a loopback address/], ['http://localhost/hook', /loopback name/],
      ['http://[::1]/hook', /::1 is a loopback address/], ['http://169.254.169.254/latest/meta-data', /link-local/],
      ['https://10.1.2.3/hook', /private/], ['http://2130706433/', /127\.0\.0\.1 is a loopback/],
    ] as const) {
      const res = await s.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: t.headers, payload: { url } });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.message, url).toMatch(why);
    }
    const ok = await s.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: t.headers, payload: { url: 'https://crm.example.com/hook' } });
    expect(ok.statusCode).toBe(201);
    const moved = await s.app.inject({ method: 'PATCH', url: `/api/v1/webhooks/${ok.json().id}`, headers: t.headers, payload: { url: 'http://192.168.1.10/' } });
    expect(moved.statusCode).toBe(400);
  });

  it('refuses at delivery a name that resolves to a non-public address, and never connects', async () => {
    const receiver = await startReceiver();
    const t = await s.tenant();
    const port = new URL(receiver.url).port;
    const now = new Date().toISOString();
    await createWebhook(s.deps.store.db, t.id, { url: `http://localhost:${port}/by-name`, events: '*' }, now);
    await createWebhook(s.deps.store.db, t.id, { url: `http://127.0.0.1:${port}/by-address`, events: '*' }, now);
    invalidateWebhookCache();
    const [byName, byAddress] = await enqueueWebhookEvents(s.deps.store.db, [{ tenantId: t.id, event: 'webhook.test', payload: {} }], new Date())
      .then(async () => (await s.deps.store.db.selectFrom('webhook_deliveries').select(['id', 'webhook_id']).where('tenant_id', '=', t.id).execute()))
      .then(async (rows) => {
        const hooks = await s.deps.store.db.selectFrom('webhooks').select(['id', 'url']).where('tenant_id', '=', t.id).execute();
        const idOf = (suffix: string) => rows.find((r) => r.webhook_id === hooks.find((h) => h.url.endsWith(suffix))!.id)!.id;
        return [idOf('/by-name'), idOf('/by-address')];
      });
    const worker = startWebhookDelivery(s.deps, { pollMs: 10 });
    try {
      const a = await until(async () => { const d = await getDelivery(s.deps.store.db, byName); return d?.attempts === 1 && d; });
      expect(a.lastError).toMatch(/^refused: localhost resolves to (127\.0\.0\.1|::1), a loopback address .*TIDINGS_WEBHOOK_ALLOW_PRIVATE/);
      const b = await until(async () => { const d = await getDelivery(s.deps.store.db, byAddress); return d?.attempts === 1 && d; });
      expect(b.lastError).toMatch(/^refused: 127\.0\.0\.1 is a loopback address/);
      expect(receiver.received).toHaveLength(0);
    } finally {
      await worker.stop();
      await receiver.close();
    }
  });
});
