import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from './support/databases.ts';
import { startTestServer, type TestServer, type TestTenant } from './support/server.ts';
import { credit, startCarrier, waitFor, type TestCarrier } from './support/carrier.ts';
import { inboundRow } from '../src/worker/inbound.ts';
import { recordFeedback } from '../src/worker/complaints.ts';
import { insertInbound } from '../src/store/repos/inbound.ts';
import { bulkOn } from '../src/store/bulk.ts';

describe.each(testDatabases)('complaint and opt-out monitoring on $name', (database) => {
  let s: TestServer;
  let carrier: TestCarrier;
  let platform: Record<string, string>;
  let a: TestTenant;
  let campaignId: string;
  const inject = (method: 'GET' | 'POST' | 'PUT', url: string, headers: Record<string, string>, payload?: unknown) =>
    s.app.inject({ method, url, headers, payload: payload as Record<string, unknown> | undefined });
  const numbers = Array.from({ length: 10 }, (_, i) => `+86137001${String(37100 + i)}`);

  beforeAll(async () => {
    s = await startTestServer(database);
    carrier = await startCarrier(s, { price: 5 });
    platform = carrier.platform;
    a = await s.tenant();
    await credit(s, carrier, a, 10_000);
  });
  afterAll(async () => {
    await carrier?.stop();
    await s?.close();
  });

  it('counts opt-outs and complaint words from real MO per campaign, channel and tenant, and pauses the campaign past its threshold', async () => {
    const policy = await inject('PUT', `/api/v1/admin/complaints/tenants/${a.slug}/policy`, platform, { optOutRate: 0.1, complaintRate: 0.5, minSample: 3 });
    expect(policy.statusCode, policy.body).toBe(200);
    expect(policy.json().policy).toMatchObject({ optOutRate: 0.1, minSample: 3, windowDays: 7 });
    expect(policy.json().policy.keywords).toContain('投诉');

    const c = await inject('POST', '/api/v1/campaigns', a.headers, { name: '到货通知', category: 'notification', text: '您的订单已到货', audience: { numbers }, options: { perMinute: 120 } });
    campaignId = c.json().id;
    expect((await inject('POST', `/api/v1/campaigns/${campaignId}/start`, a.headers, {})).statusCode).toBe(200);
    await waitFor(async () => (await inject('GET', `/api/v1/campaigns/${campaignId}`, a.headers)).json().stats.submitted >= 3, 'three messages sent');

    carrier.simulator.sendMo({ from: numbers[0].slice(1), to: '10690000', text: '你们再发我就投诉到12321' });
    carrier.simulator.sendMo({ from: numbers[1].slice(1), to: '10690000', text: 'TD' });
    const paused = await waitFor(async () => {
      const x = (await inject('GET', `/api/v1/campaigns/${campaignId}`, a.headers)).json();
      return x.status === 'paused' && x;
    }, 'the campaign to pause itself');
    expect(paused.pauseReason).toMatch(/^opt-out rate [\d.]+% \(1 of \d+ sent\) passed 10%$/);
    await waitFor(async () => (await inject('GET', '/api/v1/complaints', a.headers)).json().complaints.length === 2, 'both reactions recorded');

    const events = (await inject('GET', '/api/v1/complaints', a.headers)).json().complaints;
    expect(events.map((e: { kind: string; phone: string; keyword: string; campaignId: string; channelId: string }) => [e.kind, e.phone, e.keyword, e.campaignId, e.channelId]).sort()).toEqual([
      ['complaint', numbers[0], '投诉', campaignId, carrier.channelId],
      ['opt_out', numbers[1], 'TD', campaignId, carrier.channelId],
    ]);
    const stats = (await inject('GET', '/api/v1/complaints/stats', a.headers)).json();
    expect(stats.thresholds).toMatchObject({ optOutRate: 0.1, complaintRate: 0.5, minSample: 3 });
    expect(stats.total).toMatchObject({ optOuts: 1, complaints: 1 });
    expect(stats.total.sent).toBeGreaterThanOrEqual(3);
    expect(stats.total.above).toEqual(['opt_out']);
    expect(stats.byChannel).toEqual([expect.objectContaining({ channel: 'sim', optOuts: 1, complaints: 1 })]);
    expect(stats.byCampaign).toEqual([expect.objectContaining({ campaignId, name: '到货通知', status: 'paused', optOuts: 1, complaints: 1, above: ['opt_out'] })]);
    expect(stats.byCampaign[0].optOutRate).toBeCloseTo(1 / stats.byCampaign[0].sent);

    // the other tenant sees nothing; a tenant cannot see the platform's watch list
    const b = await s.tenant();
    expect((await inject('GET', '/api/v1/complaints', b.headers)).json().complaints).toEqual([]);
    expect((await inject('GET', '/api/v1/complaints/stats', b.headers)).json().total).toMatchObject({ sent: 0, optOuts: 0, complaints: 0, optOutRate: null, above: [] });
    expect((await inject('GET', '/api/v1/admin/complaints', a.headers)).statusCode).toBe(403);
  });

  it('records one opt-out and one complaint per MO even when it is handled twice at the same moment', async () => {
    const { row } = inboundRow(s.deps, carrier.channelId, { channel: 'sim', from: numbers[2].slice(1), to: '10690000', text: '退订，再发举报你们', receivedAt: new Date(), dataCoding: 0, parts: 1 });
    Object.assign(row, { tenant_id: a.id, campaign_id: campaignId, action: 'opt_out', keyword: '退订' });
    await insertInbound(bulkOn(s.deps.store), row);
    await Promise.all([recordFeedback(s.deps, row), recordFeedback(s.deps, row)]);
    const mine = await s.deps.store.db.selectFrom('complaints').select(['kind', 'keyword']).where('inbound_id', '=', row.id).orderBy('kind').execute();
    expect(mine).toEqual([{ kind: 'complaint', keyword: '举报' }, { kind: 'opt_out', keyword: '退订' }]);
    // the same person saying it again, in another message, is still one opt-out and one complaint of the campaign
    const { row: again } = inboundRow(s.deps, carrier.channelId, { channel: 'sim', from: numbers[2].slice(1), to: '10690000', text: 'TD 投诉', receivedAt: new Date(), dataCoding: 0, parts: 1 });
    Object.assign(again, { tenant_id: a.id, campaign_id: campaignId, action: 'opt_out', keyword: 'TD' });
    await insertInbound(bulkOn(s.deps.store), again);
    await recordFeedback(s.deps, again);
    const ofPhone = await s.deps.store.db.selectFrom('complaints').select('kind').where('tenant_id', '=', a.id).where('phone', '=', numbers[2]).execute();
    expect(ofPhone).toHaveLength(2);
  });

  it('shows the platform the tenants above their thresholds; suspending marketing pauses and refuses it until lifted; all audited', async () => {
    const watch = await inject('GET', '/api/v1/admin/complaints?above=true', platform);
    expect(watch.statusCode).toBe(200);
    const mine = watch.json().tenants.find((t: { slug: string }) => t.slug === a.slug);
    expect(mine).toMatchObject({ above: expect.arrayContaining(['opt_out']), thresholds: { optOutRate: 0.1, minSample: 3 }, suspension: null });

    expect((await s.app.inject({ method: 'PATCH', url: `/api/v1/admin/tenants/${a.slug}`, headers: platform, payload: { marketingFreeText: true } })).statusCode).toBe(200);
    const later = new Date(Date.now() + 3_600_000).toISOString();
    const promo = (await inject('POST', '/api/v1/campaigns', a.headers, { name: '促销', category: 'marketing', text: '周末全场5折', audience: { numbers: numbers.slice(0, 2) }, scheduleAt: later })).json();
    expect((await inject('POST', `/api/v1/campaigns/${promo.id}/start`, a.headers, {})).json().status).toBe('scheduled');

    const queuedPromo = (await inject('POST', '/api/v1/messages', a.headers, { to: numbers[4], text: '周末全场5折', category: 'marketing', scheduleAt: later })).json().messages[0].id;
    const leaseOf = async () => (await s.deps.store.db.selectFrom('messages').select('lease_owner').where('id', '=', queuedPromo).executeTakeFirstOrThrow()).lease_owner;
    expect(await leaseOf()).toBeNull();
    expect((await inject('POST', `/api/v1/admin/complaints/tenants/${a.slug}/suspend`, platform, {})).statusCode).toBe(400);
    const suspended = await inject('POST', `/api/v1/admin/complaints/tenants/${a.slug}/suspend`, platform, { reason: '投诉率超标' });
    expect(suspended.statusCode, suspended.body).toBe(200);
    expect(suspended.json()).toMatchObject({ suspension: { reason: '投诉率超标' }, pausedCampaigns: [promo.id], heldMessages: 1 });
    expect(await leaseOf()).toBe('paused');
    expect((await inject('POST', `/api/v1/admin/complaints/tenants/${a.slug}/suspend`, platform, { reason: 'again' })).statusCode).toBe(409);

    const refusedSend = await inject('POST', '/api/v1/messages', a.headers, { to: numbers[3], text: '周末全场5折', category: 'marketing' });
    expect(refusedSend.statusCode).toBe(403);
    expect(refusedSend.json().error).toMatchObject({ code: 'marketing_suspended', details: { reason: '投诉率超标' } });
    expect((await inject('POST', `/api/v1/campaigns/${promo.id}/resume`, a.headers, {})).json().error.code).toBe('marketing_suspended');
    expect((await inject('POST', '/api/v1/campaigns', a.headers, { name: 'p2', category: 'marketing', text: '周末全场5折', audience: { numbers } })).statusCode).toBe(403);
    expect((await inject('POST', '/api/v1/messages', a.headers, { to: numbers[3], text: '您的验证码是 1234', category: 'verification' })).statusCode).toBe(202);
    expect((await inject('GET', '/api/v1/complaints/stats', a.headers)).json().suspension).toMatchObject({ reason: '投诉率超标' });

    expect((await inject('POST', `/api/v1/admin/complaints/tenants/${a.slug}/lift`, platform, { note: '已整改' })).statusCode).toBe(200);
    expect((await inject('POST', `/api/v1/admin/complaints/tenants/${a.slug}/lift`, platform, {})).statusCode).toBe(409);
    expect(await leaseOf()).toBeNull();
    expect((await inject('POST', '/api/v1/messages', a.headers, { to: numbers[3], text: '周末全场5折', category: 'marketing' })).statusCode).toBe(202);
    expect((await inject('POST', `/api/v1/admin/complaints/tenants/nobody-${Date.now()}/lift`, platform, {})).statusCode).toBe(404);

    const tenantAudit = (await inject('GET', '/api/v1/audit', a.headers)).json().entries.map((e: { action: string }) => e.action);
    expect(tenantAudit).toEqual(expect.arrayContaining(['marketing.suspend', 'marketing.lift', 'complaints.tenantPolicy']));
    const platformAudit = (await inject('GET', '/api/v1/admin/audit', platform)).json().entries.map((e: { action: string }) => e.action);
    expect(platformAudit).toEqual(expect.arrayContaining(['marketing.suspend', 'marketing.lift', 'complaints.tenantPolicy']));
  });

  it('validates the platform policy and keeps what is not given', async () => {
    expect((await inject('PUT', '/api/v1/admin/complaints/policy', platform, { optOutRate: 2 })).statusCode).toBe(400);
    expect((await inject('PUT', '/api/v1/admin/complaints/policy', platform, { keywords: ['x'.repeat(51)] })).statusCode).toBe(400);
    expect((await inject('PUT', '/api/v1/admin/complaints/policy', platform, { keywords: ['投诉', 'constructor', '__proto__'] })).json()).toMatchObject({ keywords: ['投诉', 'constructor', '__proto__'], optOutRate: 0.03 });
    expect((await inject('GET', '/api/v1/admin/complaints/policy', platform)).json()).toMatchObject({ keywords: ['投诉', 'constructor', '__proto__'], minSample: 200 });
    expect((await inject('PUT', '/api/v1/admin/complaints/policy', a.headers, {})).statusCode).toBe(403);
  });
});
