import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from './support/databases.ts';
import { waitFor } from './support/carrier.ts';
import { until } from './support/until.ts';
import { startTestServer, type TestServer, type TestTenant } from './support/server.ts';
import { startEmbeddedCarrier, type EmbeddedCarrier } from '../src/channels/simulator/embedded.ts';
import { ensureProtocolChannels, ensureVirtualChannel } from '../src/store/bootstrap.ts';
import { findChannel, listChannels } from '../src/store/repos/channels.ts';
import { listRoutes } from '../src/store/repos/routes.ts';
import { startWorker, type Worker } from '../src/worker/worker.ts';

describe.each(testDatabases)('embedded virtual carrier: a channel per protocol on $name', (database) => {
  let s: TestServer;
  let a: TestTenant;
  let carrier: EmbeddedCarrier;
  let worker: Worker;
  let platform: Record<string, string>;

  beforeAll(async () => {
    s = await startTestServer(database);
    a = await s.tenant();
    carrier = await startEmbeddedCarrier((sim) => sim.start(0));
    s.deps.simulator = carrier.carriers;
    const now = new Date().toISOString();
    await ensureVirtualChannel(s.deps.store.db, carrier.ports.smpp, now);
    await ensureProtocolChannels(s.deps.store.db, carrier.ports, now);
    platform = { authorization: `Bearer ${await s.platformKey()}` };
    expect((await s.app.inject({ method: 'POST', url: `/api/v1/admin/tenants/${a.slug}/balance`, headers: platform, payload: { amount: 100_000, note: 'test credit' } })).statusCode).toBe(200);
    worker = await startWorker(s.deps);
    const ids = (await listChannels(s.deps.store.db)).map((c) => c.id);
    await waitFor(() => ids.every((id) => worker.channels.upIds().includes(id)), 'all four virtual channels bound');
    s.deps.router.invalidate();
  }, 60_000);

  afterAll(async () => {
    await worker?.stop();
    await carrier?.stop();
    await s?.close();
  });

  it('creates one channel per protocol pointing at its side, each with a route behind the SMPP one; a restart on new ports follows them', async () => {
    const db = s.deps.store.db;
    const channels = await listChannels(db);
    expect(channels.map((c) => [c.name, c.type]).sort()).toEqual([['virtual', 'smpp'], ['virtual-cmpp', 'cmpp'], ['virtual-sgip', 'sgip'], ['virtual-smgp', 'smgp']]);
    expect((await findChannel(db, 'virtual-cmpp'))!.config.port).toBe(carrier.ports.cmpp);
    expect((await findChannel(db, 'virtual-sgip'))!.config).toMatchObject({ port: carrier.ports.sgip, listenPort: carrier.ports.sgipListen });
    const routes = await listRoutes(db);
    expect(routes).toHaveLength(4);
    expect(routes.find((r) => r.position === 1000)!.channelId).toBe((await findChannel(db, 'virtual'))!.id);
    // a second start with other ports updates them, and adds nothing
    await ensureProtocolChannels(db, { ...carrier.ports, cmpp: 1, sgipListen: 2 }, new Date().toISOString());
    expect((await findChannel(db, 'virtual-cmpp'))!.config.port).toBe(1);
    expect((await findChannel(db, 'virtual-sgip'))!.config.listenPort).toBe(2);
    expect(await listRoutes(db)).toHaveLength(4);
    await ensureProtocolChannels(db, carrier.ports, new Date().toISOString());
  });

  it.each(['cmpp', 'sgip', 'smgp'] as const)('%s: a message pinned to its channel is delivered, the handset shows the protocol, a reply comes back over it', async (protocol) => {
    const to = { cmpp: '13800138001', sgip: '13800138002', smgp: '13800138003' }[protocol];
    const res = await s.app.inject({ method: 'POST', url: '/api/v1/messages', headers: a.headers, payload: { to: [to], text: `hello over ${protocol}`, channel: `virtual-${protocol}` } });
    expect(res.statusCode).toBe(202);
    const [m] = res.json().messages;
    await waitFor(async () => (await s.app.inject({ url: `/api/v1/messages/${m.id}`, headers: a.headers })).json().status === 'delivered', 'delivery');
    expect((await s.app.inject({ url: '/api/v1/simulator/handsets', headers: a.headers })).json().handsets).toContain(`86${to}`);
    const inbox = (await s.app.inject({ url: `/api/v1/simulator/handsets/86${to}`, headers: a.headers })).json();
    const got = inbox.messages.find((x: { text: string }) => x.text === `hello over ${protocol}`);
    expect(got).toMatchObject({ protocol });
    // the handset answers the address the message came from, over the protocol that reached it
    const mo = await s.app.inject({ method: 'POST', url: '/api/v1/simulator/mo', headers: a.headers, payload: { from: `86${to}`, to: got.from, text: `reply ${protocol}` } });
    expect(mo.statusCode).toBe(202);
    const row = await waitFor(() => s.deps.store.db.selectFrom('inbound_messages').selectAll().where('text', '=', `reply ${protocol}`).executeTakeFirst(), 'the reply stored');
    expect(row).toMatchObject({ channel: `virtual-${protocol}` });
    // the handset shows what it sent after what it received (finding 22); another tenant sees neither
    type Shown = { direction: string; from: string; to: string; text: string; protocol: string };
    const shown = async (headers: Record<string, string>) => (await s.app.inject({ url: `/api/v1/simulator/handsets/86${to}`, headers })).json().messages as Shown[];
    const both = await until('the sent MO on the handset', async () => { const l = await shown(a.headers); return l.some((x) => x.direction === 'sent') && l; });
    const texts = both.map((x) => `${x.direction}:${x.text}`);
    expect(texts.indexOf(`sent:reply ${protocol}`)).toBeGreaterThan(texts.indexOf(`received:hello over ${protocol}`));
    expect(texts.indexOf(`received:hello over ${protocol}`)).toBeGreaterThanOrEqual(0);
    expect(both.find((x) => x.direction === 'sent')).toMatchObject({ from: `86${to}`, to: got.from, protocol });
    const other = await s.tenant();
    expect(await shown(other.headers)).toEqual([]);
  }, 60_000);
});
