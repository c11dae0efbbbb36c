import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from './support/databases.ts';
import { startTestServer, type TestServer, type TestTenant } from './support/server.ts';
import { startCarrier, waitFor } from './support/carrier.ts';
import { approvedSignature } from './support/signatures.ts';

describe.each(testDatabases)('what a send may carry on $name', (database) => {
  let s: TestServer;
  let a: TestTenant;
  let platform: Record<string, string>;
  let marketingTemplate: string;
  let noticeTemplate: string;
  const inject = (method: 'GET' | 'POST' | 'PATCH', url: string, headers: Record<string, string>, payload?: Record<string, unknown>) => s.app.inject({ method, url, headers, payload });
  const send = (payload: Record<string, unknown>) => inject('POST', '/api/v1/messages', a.headers, { to: '+8613800138000', ...payload });
  const campaign = (payload: Record<string, unknown>) => inject('POST', '/api/v1/campaigns', a.headers, { name: 'c', audience: { numbers: ['+8613800138000'] }, ...payload });

  beforeAll(async () => {
    s = await startTestServer(database);
    a = await s.tenant('policy-a');
    platform = { authorization: `Bearer ${await s.platformKey()}` };
    expect((await inject('POST', `/api/v1/admin/tenants/${a.slug}/balance`, platform, { amount: 100_000 })).statusCode).toBe(200);
    marketingTemplate = (await inject('POST', '/api/v1/templates', a.headers, { name: '会员日', category: 'marketing', text: '会员日全场8折' })).json().id;
    await inject('POST', `/api/v1/templates/${marketingTemplate}/submit`, a.headers);
    expect((await inject('POST', `/api/v1/admin/templates/${marketingTemplate}/approve`, platform, {})).statusCode).toBe(200);
    noticeTemplate = (await inject('POST', '/api/v1/templates', a.headers, { name: '到货', category: 'notification', text: '您的订单已到货' })).json().id;
  });
  afterAll(async () => s?.close());

  it('refuses marketing as free text, naming the field, but takes it from an approved template', async () => {
    for (const r of [await send({ text: '双十一全场5折', category: 'marketing' }), await campaign({ text: '双十一全场5折' }), await campaign({ text: '双十一全场5折', category: 'marketing' })]) {
      expect(r.statusCode).toBe(400);
      expect(r.json().error.message).toMatch(/approved template/);
      expect(r.json().error.details).toMatchObject({ field: 'text' });
    }
    expect((await send({ text: '您的验证码是 1234' })).statusCode).toBe(202);
    expect((await send({ templateId: marketingTemplate })).statusCode).toBe(202);
    const c = await campaign({ templateId: marketingTemplate });
    expect(c.statusCode).toBe(201);
    expect(c.json().category).toBe('marketing');
    const n = await campaign({ templateId: noticeTemplate });
    expect(n.json().category).toBe('notification');
  });

  it('sends a template under its own category only', async () => {
    const disguised = await send({ templateId: marketingTemplate, category: 'verification' });
    expect(disguised.statusCode).toBe(400);
    expect(disguised.json().error).toMatchObject({ message: expect.stringMatching(/会员日 is a marketing template/), details: { field: 'category' } });
    expect((await campaign({ templateId: noticeTemplate, category: 'marketing' })).statusCode).toBe(400);
  });

  it('checks a campaign again when it starts: a template that became marketing, or a permission withdrawn', async () => {
    const notice = (await inject('POST', '/api/v1/templates', a.headers, { name: '通知', category: 'notification', text: '明天停水' })).json().id;
    const c = (await campaign({ templateId: notice })).json();
    expect(c.category).toBe('notification');
    expect((await inject('PATCH', `/api/v1/templates/${notice}`, a.headers, { category: 'marketing', text: '明天全场5折' })).statusCode).toBe(200);
    await inject('POST', `/api/v1/templates/${notice}/submit`, a.headers);
    expect((await inject('POST', `/api/v1/admin/templates/${notice}/approve`, platform, {})).statusCode).toBe(200);
    const start = await inject('POST', `/api/v1/campaigns/${c.id}/start`, a.headers);
    expect(start.statusCode).toBe(400);
    expect(start.json().error.details).toMatchObject({ field: 'category' });
  });

  it('allows free marketing text only when the platform operator says so', async () => {
    const self = await inject('PATCH', '/api/v1/tenant/settings', a.headers, { marketingFreeText: true });
    expect(self.statusCode).toBe(403);
    expect(self.json().error.details).toMatchObject({ field: 'marketingFreeText' });
    const allowed = await inject('PATCH', `/api/v1/admin/tenants/${a.slug}`, platform, { marketingFreeText: true });
    expect(allowed.statusCode).toBe(200);
    expect(allowed.json().settings.marketingFreeText).toBe(true);
    expect((await send({ text: '双十一全场5折', category: 'marketing' })).statusCode).toBe(202);
    expect((await campaign({ text: '双十一全场5折' })).statusCode).toBe(201);
    const free = (await campaign({ text: '双十一全场5折' })).json();
    expect((await inject('PATCH', `/api/v1/admin/tenants/${a.slug}`, platform, { marketingFreeText: false })).statusCode).toBe(200);
    expect((await inject('POST', `/api/v1/campaigns/${free.id}/start`, a.headers)).statusCode).toBe(400);
    expect((await inject('PATCH', `/api/v1/admin/tenants/${a.slug}`, platform, { marketingFreeText: true })).statusCode).toBe(200);
    // an unchanged value in a settings form is not a change
    await approvedSignature(s, a, '【好店】');
    expect((await inject('PATCH', '/api/v1/tenant/settings', a.headers, { marketingFreeText: true, signature: '【好店】' })).statusCode).toBe(200);
  });

  it('pauses a scheduled campaign at its run when free marketing text is no longer allowed, naming why', async () => {
    const carrier = await startCarrier(s);
    try {
      expect((await inject('PATCH', `/api/v1/admin/tenants/${a.slug}`, platform, { marketingFreeText: true })).statusCode).toBe(200);
      const c = (await campaign({ text: '周五特惠', scheduleAt: new Date(Date.now() + 1500).toISOString() })).json();
      expect((await inject('POST', `/api/v1/campaigns/${c.id}/start`, a.headers)).json().status).toBe('scheduled');
      expect((await inject('PATCH', `/api/v1/admin/tenants/${a.slug}`, platform, { marketingFreeText: false })).statusCode).toBe(200);
      const paused = await waitFor(async () => {
        const x = (await inject('GET', `/api/v1/campaigns/${c.id}`, a.headers)).json();
        return x.status === 'paused' && x;
      }, 'the campaign to pause');
      expect(paused.pauseReason).toMatch(/approved template/);
      expect(paused.stats.total).toBe(0);
    } finally {
      await carrier.stop();
    }
  });
});
