import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from './support/databases.ts';
import { startTestServer, type TestServer, type TestTenant } from './support/server.ts';
import { credit, startCarrier, waitFor, type TestCarrier } from './support/carrier.ts';
import { recordOutcomes } from '../src/store/repos/messages.ts';

describe.each(testDatabases)('hardening on $name', (database) => {
  let s: TestServer;
  let carrier: TestCarrier;
  let a: TestTenant;
  let b: TestTenant;

  beforeAll(async () => {
    s = await startTestServer(database);
    carrier = await startCarrier(s);
    a = await s.tenant('harden-a');
    b = await s.tenant('harden-b');
    for (const t of [a, b]) await credit(s, carrier, t, 10000);
  });
  afterAll(async () => {
    await carrier?.stop();
    await s?.close();
  });

  it('applies a repeated final receipt once: no second refund, no second webhook event', async () => {
    const sent = (await s.app.inject({ method: 'POST', url: '/api/v1/messages', headers: a.headers, payload: { to: '13800138000', text: 'once' } })).json().messages[0];
    const m = await waitFor(async () => { const x = (await s.app.inject({ url: `/api/v1/messages/${sent.id}`, headers: a.headers })).json(); return x.doneAt && x; }, 'delivery');
    const receipt = { channelId: carrier.channelId, carrierId: m.carrierMessageId, status: 'undelivered', stat: 'UNDELIV', err: '001', doneAt: null, receivedAt: new Date().toISOString() };
    const again = await recordOutcomes(s.deps.store, { submitted: [], requeued: [], finished: [], receipts: [receipt] });
    expect(again).toEqual([]);
    expect((await s.app.inject({ url: `/api/v1/messages/${sent.id}`, headers: a.headers })).json().status).toBe('delivered');
  });

  it('keeps platform controls with the platform: refund policy, quiet hours, opt-out wording', async () => {
    const tenant = (await s.app.inject({ url: '/api/v1/tenant', headers: a.headers })).json();
    const refund = await s.app.inject({ method: 'PATCH', url: '/api/v1/tenant/settings', headers: a.headers, payload: { refundPolicy: 'undelivered' } });
    expect(refund.statusCode).toBe(403);
    expect((await s.app.inject({ method: 'PATCH', url: '/api/v1/tenant/settings', headers: a.headers, payload: { quietHours: null } })).statusCode).toBe(403);
    const optOut = await s.app.inject({ method: 'PATCH', url: '/api/v1/tenant/settings', headers: a.headers, payload: { optOutTexts: { 'zh-CN': '.' } } });
    expect(optOut.statusCode).toBe(400);
    expect((await s.app.inject({ method: 'PATCH', url: '/api/v1/tenant/settings', headers: a.headers, payload: { timezone: 'Not/AZone' } })).statusCode).toBe(400);
    const byPlatform = await s.app.inject({ method: 'PATCH', url: `/api/v1/admin/tenants/${tenant.id}`, headers: carrier.platform, payload: { refundPolicy: 'undelivered' } });
    expect(byPlatform.json().settings.refundPolicy).toBe('undelivered');
  });

  it('refuses keyword patterns that could backtrack for ever', async () => {
    const bad = await s.app.inject({ method: 'POST', url: '/api/v1/keywords/rules', headers: a.headers, payload: { name: 'evil', match: 'pattern', pattern: '(a+)+$', reply: 'x' } });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json())).toMatch(/nest quantifiers/);
  });

  it('lets a tenant reply from a virtual handset only as its own recipients', async () => {
    s.deps.simulator = carrier.simulator;
    const mo = await s.app.inject({ method: 'POST', url: '/api/v1/simulator/mo', headers: b.headers, payload: { from: '8613800138000', to: '10690000', text: 'START' } });
    expect(mo.statusCode).toBe(403);
    expect(mo.json().error.details.field).toBe('from');
  });

  it('shuts a suspended tenant out of the API and keeps its work from running', async () => {
    const tenant = (await s.app.inject({ url: '/api/v1/tenant', headers: b.headers })).json();
    await s.app.inject({ method: 'PATCH', url: `/api/v1/admin/tenants/${tenant.id}`, headers: carrier.platform, payload: { status: 'suspended' } });
    const r = await s.app.inject({ url: '/api/v1/tenant', headers: b.headers });
    expect(r.statusCode).toBe(403);
    expect(r.json().error.message).toMatch(/suspended/);
    await s.app.inject({ method: 'PATCH', url: `/api/v1/admin/tenants/${tenant.id}`, headers: carrier.platform, payload: { status: 'active' } });
    expect((await s.app.inject({ url: '/api/v1/tenant', headers: b.headers })).statusCode).toBe(200);
  });
});
