import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from './support/databases.ts';
import { startTestServer, type TestServer, type TestTenant } from './support/server.ts';
import { credit, startCarrier, waitFor, type TestCarrier } from './support/carrier.ts';

describe.each(testDatabases)('send windows and frequency caps with an injected clock on $name', (database) => {
  let s: TestServer;
  let carrier: TestCarrier;
  let t: TestTenant;
  // Saturday 2026-11-28 23:00 in Shanghai.
  let clock = new Date('2026-11-28T15:00:00Z');

  beforeAll(async () => {
    s = await startTestServer(database, {}, { now: () => clock });
    carrier = await startCarrier(s);
    t = await s.tenant('clocked');
    await credit(s, carrier, t, 10000);
    // these campaigns send marketing as free text, which the operator allows per tenant
    expect((await s.app.inject({ method: 'PATCH', url: `/api/v1/admin/tenants/${t.slug}`, headers: carrier.platform, payload: { marketingFreeText: true } })).statusCode).toBe(200);
  });
  afterAll(async () => {
    await carrier?.stop();
    await s?.close();
  });

  const campaign = async (name: string, options: Record<string, unknown>, numbers: string[]) => {
    const c = await s.app.inject({ method: 'POST', url: '/api/v1/campaigns', headers: t.headers, payload: { name, audience: { numbers }, text: '周末特惠', category: 'marketing', options } });
    expect(c.statusCode, c.body).toBe(201);
    expect((await s.app.inject({ method: 'POST', url: `/api/v1/campaigns/${c.json().id}/start`, headers: t.headers })).statusCode).toBe(200);
    return c.json().id as string;
  };
  const messagesOf = async (id: string) => (await s.app.inject({ url: `/api/v1/messages?campaignId=${id}`, headers: t.headers })).json().messages;

  it('holds a message outside its window until the window opens in the recipient\'s zone, then sends it', async () => {
    const id = await campaign('window', { sendWindows: [{ days: [1, 2, 3, 4, 5], start: '10:30', end: '12:00' }] }, ['13800138000']);
    const [m] = await waitFor(async () => { const x = await messagesOf(id); return x.length && x; }, 'materialisation');
    expect(m.status).toBe('queued');
    expect(m.notBefore).toBe('2026-11-30T02:30:00.000Z');
    await new Promise((r) => setTimeout(r, 500));
    expect((await messagesOf(id))[0].status).toBe('queued');
    clock = new Date('2026-11-30T02:31:00Z');
    carrier.worker.dispatcher.poke();
    await waitFor(async () => (await messagesOf(id))[0].status === 'delivered', 'delivery once the window opened');
  });

  it('cancels a waiting campaign: its queued messages are excluded and their cost released', async () => {
    const balance = async () => BigInt((await s.app.inject({ url: '/api/v1/tenant', headers: t.headers })).json().balance);
    const before = await balance();
    const id = await campaign('cancel', { sendWindows: [{ days: [7], start: '10:00', end: '11:00' }] }, ['13700137000', '13700137001']);
    await waitFor(async () => (await messagesOf(id)).length === 2, 'materialisation');
    expect(await balance()).toBeLessThan(before);
    const cancelled = await s.app.inject({ method: 'POST', url: `/api/v1/campaigns/${id}/cancel`, headers: t.headers });
    expect(cancelled.json().status).toBe('cancelled');
    expect((await messagesOf(id)).map((m: { status: string; reason: string }) => `${m.status}:${m.reason}`)).toEqual(['excluded:cancelled', 'excluded:cancelled']);
    expect(await balance()).toBe(before);
    expect((await s.app.inject({ method: 'POST', url: `/api/v1/campaigns/${id}/resume`, headers: t.headers })).statusCode).toBe(409);
  });

  it('excludes a recipient over the frequency cap, and allows them again after the period', async () => {
    const cap = { frequencyCap: { max: 1, days: 14, category: 'marketing' } };
    const first = await campaign('cap-1', cap, ['13900139000']);
    await waitFor(async () => (await messagesOf(first))[0]?.status === 'delivered', 'first delivery');
    const second = await campaign('cap-2', cap, ['13900139000']);
    const [m] = await waitFor(async () => { const x = await messagesOf(second); return x.length && x; }, 'second materialisation');
    expect(m).toMatchObject({ status: 'excluded', reason: 'frequency_cap' });
    clock = new Date(clock.getTime() + 15 * 86_400_000);
    const third = await campaign('cap-3', cap, ['13900139000']);
    await waitFor(async () => (await messagesOf(third))[0]?.status === 'delivered', 'delivery after the period');
  });
});
