import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from './support/databases.ts';
import { startTestServer, type TestServer, type TestTenant } from './support/server.ts';
import { credit, startCarrier, waitFor, type TestCarrier } from './support/carrier.ts';
import { AutomationEngine } from '../src/automations/engine.ts';

describe.each(testDatabases)('the tenant switch forcing double opt-in, on $name', (database) => {
  let s: TestServer;
  let carrier: TestCarrier;
  let t: TestTenant;
  // a Monday 11:00 in Shanghai: outside the marketing quiet hours
  const clock = new Date('2027-05-10T03:00:00Z');
  const phones = { confirmed: '+8613600000301', pending: '+8613600000302', none: '+8613600000303' };
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    s = await startTestServer(database, {}, { now: () => clock });
    carrier = await startCarrier(s);
    t = await s.tenant();
    await credit(s, carrier, t, 100000);
    expect((await s.app.inject({ method: 'PATCH', url: `/api/v1/admin/tenants/${t.slug}`, headers: carrier.platform, payload: { marketingFreeText: true } })).statusCode).toBe(200);
  }, 60_000);
  afterAll(async () => {
    await carrier?.stop();
    await s?.close();
  });

  const api = async (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
    s.app.inject({ method, url, headers: t.headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  const consents = async (id: string) => (await api('GET', `/api/v1/contacts/${id}/consents`)).json().consents as { status: string; source: string }[];

  it('with double opt-in on, a marketing consent from a web form starts pending and counts only once confirmed by SMS', async () => {
    expect((await api('PATCH', '/api/v1/tenant/settings', { doubleOptIn: true })).statusCode).toBe(200);
    for (const [k, phone] of Object.entries(phones)) ids[k] = (await api('POST', '/api/v1/contacts', { phone })).json().id as string;
    for (const k of ['confirmed', 'pending']) {
      const r = await api('POST', `/api/v1/contacts/${ids[k]}/consents`, { purpose: 'marketing', source: 'web_form:/signup', textShown: '同意接收优惠信息' });
      expect(r.statusCode, r.body).toBe(201);
      expect(r.json().status).toBe('pending');
    }
    const request = await waitFor(() => carrier.simulator.inbox(phones.confirmed)[0], 'the confirmation request on the handset');
    expect(request.text).toContain('回复 Y');
    await waitFor(() => carrier.simulator.inbox(phones.pending)[0], 'the second confirmation request');
    carrier.simulator.sendMo({ from: phones.confirmed.slice(1), to: request.from, text: '确认' });
    await waitFor(async () => (await consents(ids.confirmed))[0]?.status === 'granted', 'the consent confirmed');
    expect((await consents(ids.pending)).map((c) => c.status)).toEqual(['pending']);
  }, 60_000);

  it('a campaign: pre-flight counts the pending and the missing consents apart, and its excluded messages keep the reason', async () => {
    const c = await api('POST', '/api/v1/campaigns', { name: '五月促销', audience: { numbers: Object.values(phones) }, text: '五月会员日全场八折', category: 'marketing' });
    expect(c.statusCode, c.body).toBe(201);
    const pre = (await api('POST', `/api/v1/campaigns/${c.json().id}/preflight`)).json();
    expect(pre).toMatchObject({ total: 3, queued: 1, excluded: { consent_pending: 1, no_consent: 1 } });
    expect((await api('POST', `/api/v1/campaigns/${c.json().id}/start`)).statusCode).toBe(200);
    const messages = async () => (await api('GET', `/api/v1/messages?campaignId=${c.json().id}`)).json().messages as { to: string; status: string; reason: string | null }[];
    await waitFor(async () => (await messages()).some((m) => m.to === phones.confirmed && m.status === 'delivered'), 'the confirmed contact\'s delivery');
    const byPhone = Object.fromEntries((await messages()).map((m) => [m.to, [m.status, m.reason]]));
    expect(byPhone).toEqual({ [phones.confirmed]: ['delivered', null], [phones.pending]: ['excluded', 'consent_pending'], [phones.none]: ['excluded', 'no_consent'] });
  }, 60_000);

  it('an API send: only the confirmed number is queued, the others answered excluded with the reason; notifications are not held back', async () => {
    const r = await api('POST', '/api/v1/messages', { to: Object.values(phones), text: '限时优惠', category: 'marketing' });
    expect(r.statusCode, r.body).toBe(202);
    expect(r.json().messages.map((m: { to: string; status: string; reason: string | null }) => [m.to, m.status, m.reason])).toEqual([
      [phones.confirmed, 'queued', null], [phones.pending, 'excluded', 'consent_pending'], [phones.none, 'excluded', 'no_consent'],
    ]);
    const n = await api('POST', '/api/v1/messages', { to: [phones.none], text: '您的订单已发货', category: 'notification' });
    expect(n.json().messages[0].status).toBe('queued');
  });

  it('an automation send: the occurrences of unconfirmed contacts end excluded with the reason, the confirmed one is sent', async () => {
    const a = await api('POST', '/api/v1/automations', { name: '活动提醒', category: 'marketing', trigger: { type: 'event', eventType: 'promo' }, steps: [{ text: '会员专享活动今晚开始' }] });
    expect(a.statusCode, a.body).toBe(201);
    expect((await api('POST', `/api/v1/automations/${a.json().id}/on`)).statusCode).toBe(200);
    const events = Object.values(phones).map((phone, i) => ({ type: 'promo', contact: { phone }, idempotencyKey: `promo-${i}`, data: {} }));
    expect((await api('POST', '/api/v1/events/batch', { events })).statusCode).toBe(202);
    await new AutomationEngine(s.deps, 'optin-node').round();
    const occurrences = async () => (await api('GET', `/api/v1/automations/${a.json().id}/occurrences`)).json().occurrences as { phone: string; status: string; reason: string | null }[];
    await waitFor(async () => (await occurrences()).every((o) => o.status !== 'pending'), 'the occurrences to be sent or excluded');
    expect(Object.fromEntries((await occurrences()).map((o) => [o.phone, [o.status, o.reason]]))).toEqual({
      [phones.confirmed]: ['sent', null], [phones.pending]: ['excluded', 'consent_pending'], [phones.none]: ['excluded', 'no_consent'],
    });
    // turned off again: a consent on record is enough once more, and a new one is granted at once
    expect((await api('PATCH', '/api/v1/tenant/settings', { doubleOptIn: false })).statusCode).toBe(200);
    expect((await api('POST', `/api/v1/contacts/${ids.none}/consents`, { purpose: 'marketing', source: 'paper' })).json().status).toBe('granted');
  }, 60_000);
});
