import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from './support/databases.ts';
import { waitFor } from './support/carrier.ts';
import { startTestServer, type TestServer, type TestTenant } from './support/server.ts';
import type { SgipChannel } from '../src/channels/sgip/client.ts';
import { SgipSimulator } from '../src/channels/simulator/sgip.ts';
import { SmgpSimulator } from '../src/channels/simulator/smgp.ts';
import { createServiceNumber, setTenantCode } from '../src/store/repos/service-numbers.ts';
import { startWorker, type Worker } from '../src/worker/worker.ts';

type Carrier = SgipSimulator | SmgpSimulator;

/** How each protocol's channel is configured against its virtual gateway. */
const protocols = [
  {
    name: 'smgp',
    gateway: () => new SmgpSimulator({ receiptDelayMs: 5, accounts: [{ systemId: 'SP0001', password: 'secret' }] }),
    channel: (port: number) => ({ type: 'smgp', host: '127.0.0.1', port, clientId: 'SP0001', secret: 'secret', serviceId: 'TIDINGS', binds: 2 }),
    secrets: ['secret'],
  },
  {
    name: 'sgip',
    gateway: () => new SgipSimulator({ receiptDelayMs: 5, accounts: [{ systemId: 'sp1', password: 'secret' }] }),
    channel: (port: number) => ({
      type: 'sgip', host: '127.0.0.1', port, loginName: 'sp1', password: 'secret', nodeId: 3010012345, corpId: '12345', serviceType: 'TIDINGS',
      listenHost: '127.0.0.1', listenPort: 0, listenLoginName: 'unicom', sharedSecret: 'back-secret', binds: 2,
    }),
    secrets: ['password', 'sharedSecret'],
  },
] as const;

describe.each(testDatabases)('China gateway channels end to end on $name', (database) => {
  describe.each(protocols)('$name', (protocol) => {
    let s: TestServer;
    let a: TestTenant;
    let gateway: Carrier;
    let worker: Worker;
    let channelId = '';
    const SHARED = '10655001';

    beforeAll(async () => {
      s = await startTestServer(database);
      a = await s.tenant();
      gateway = protocol.gateway();
      const { port } = await gateway.start(0);
      const platform = { authorization: `Bearer ${await s.platformKey()}` };
      const created = await s.app.inject({ method: 'POST', url: '/api/v1/admin/channels', headers: platform, payload: { name: 'cn', ...protocol.channel(port) } });
      expect(created.statusCode).toBe(201);
      channelId = created.json().id;
      // secrets are never shown
      for (const key of protocol.secrets) expect(created.json().config[key]).toBe('********');
      const bad = await s.app.inject({ method: 'POST', url: '/api/v1/admin/channels', headers: platform, payload: { name: 'cn-bad', ...protocol.channel(port), port: 'x' } });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.message).toMatch(/port/);
      expect((await s.app.inject({ method: 'POST', url: '/api/v1/admin/routes', headers: platform, payload: { channel: 'cn', price: 5 } })).statusCode).toBe(201);
      expect((await s.app.inject({ method: 'POST', url: `/api/v1/admin/tenants/${a.slug}/balance`, headers: platform, payload: { amount: 100_000, note: 'test credit' } })).statusCode).toBe(200);
      const now = new Date().toISOString();
      await createServiceNumber(s.deps.store.db, { number: SHARED }, now);
      await setTenantCode(s.deps.store.db, a.id, '77', now);
      worker = await startWorker(s.deps);
      await waitFor(() => worker.channels.upIds().includes(channelId), 'the channel to bind');
      if (gateway instanceof SgipSimulator) {
        const channel = worker.channels.get(channelId) as SgipChannel;
        gateway.configure({ callback: { host: '127.0.0.1', port: channel.listenPort, loginName: 'unicom', password: 'back-secret' } });
      }
      s.deps.router.invalidate();
    }, 60_000);

    afterAll(async () => {
      await worker?.stop();
      await gateway?.stop();
      await s?.close();
    });

    it('sends a long Chinese text from the tenant\'s service number + extension; every part\'s report marks it delivered', async () => {
      const long = '尊敬的客户，您的订单已发货。'.repeat(8);
      const res = await s.app.inject({ method: 'POST', url: '/api/v1/messages', headers: a.headers, payload: { to: ['13800138000', '13900139000'], text: long } });
      expect(res.statusCode).toBe(202);
      for (const m of res.json().messages) {
        const done = await waitFor(async () => {
          const x = (await s.app.inject({ url: `/api/v1/messages/${m.id}`, headers: a.headers })).json();
          return x.status === 'delivered' && x;
        }, 'delivery');
        expect(done.carrierMessageId.split(',')).toHaveLength(m.segments);
        expect(done.carrierStat).toBe('DELIVRD');
      }
      const inbox = gateway.inbox('8613800138000');
      expect(inbox.at(-1)).toMatchObject({ from: `${SHARED}77`, text: long });
    }, 60_000);

    it('an ASCII text of 150 characters is billed as the parts the protocol sends it in (8-bit ASCII: 140 octets a part)', async () => {
      const text = `Order 4711 shipped. ${'x'.repeat(130)}`;
      expect(text).toHaveLength(150);
      const before = gateway.stats().parts;
      const res = await s.app.inject({ method: 'POST', url: '/api/v1/messages', headers: a.headers, payload: { to: ['13700137000'], text } });
      expect(res.statusCode).toBe(202);
      const [m] = res.json().messages;
      // SMPP's GSM-7 count would say 1; SGIP and SMGP send ASCII as 8-bit, so two parts go out and two are billed
      expect(m.segments).toBe(2);
      const done = await waitFor(async () => {
        const x = (await s.app.inject({ url: `/api/v1/messages/${m.id}`, headers: a.headers })).json();
        return x.status === 'delivered' && x;
      }, 'delivery');
      expect(done.segments).toBe(2);
      expect(done.carrierMessageId.split(',')).toHaveLength(2);
      expect(gateway.stats().parts - before).toBe(2);
      expect(gateway.inbox('8613700137000').at(-1)).toMatchObject({ text });
    }, 60_000);

    it('an MO whose GBK does not decode is stored as received (hex) and flagged, the text keeping what did decode', async () => {
      // "好" in GBK (ba c3), then a lead octet with no valid trail (0x81 0x20), then "ok"
      const bytes = Buffer.from([0xba, 0xc3, 0x81, 0x20, 0x6f, 0x6b]);
      gateway.sendMo({ from: '8613600136000', to: `${SHARED}77`, text: '', octets: { coding: 15, bytes } });
      const row = await waitFor(async () => {
        const r = await s.deps.store.db.selectFrom('inbound_messages').selectAll().where('phone', '=', '+8613600136000').executeTakeFirst();
        return r && r.action !== 'pending' ? r : null;
      }, 'the garbled MO stored');
      expect(row).toMatchObject({ raw_content: 'bac381206f6b', data_coding: 15, tenant_id: a.id });
      expect(row!.text.startsWith('好')).toBe(true);
      expect(row!.text).toContain('\ufffd');
      // an MO that decodes has no raw copy
      gateway.sendMo({ from: '8613600136001', to: `${SHARED}77`, text: '好的ok' });
      const fine = await waitFor(() => s.deps.store.db.selectFrom('inbound_messages').selectAll().where('phone', '=', '+8613600136001').executeTakeFirst(), 'the clean MO stored');
      expect(fine).toMatchObject({ text: '好的ok', raw_content: null });
    }, 60_000);

    it('a long MO with a part whose GBK does not decode keeps the octets of every part, joined in order', async () => {
      const first = Buffer.from('c4e3bac3', 'hex'); // 你好
      const second = Buffer.from([0x81, 0x20, 0x6f, 0x6b]); // a lead octet with no valid trail, then "ok"
      expect(gateway.sendMo({ from: '8613600136002', to: `${SHARED}77`, text: '', octets: { coding: 15, bytes: [first, second] } })).toBe(2);
      const row = await waitFor(async () => {
        const r = await s.deps.store.db.selectFrom('inbound_messages').selectAll().where('phone', '=', '+8613600136002').executeTakeFirst();
        return r && r.action !== 'pending' ? r : null;
      }, 'the joined garbled MO stored');
      expect(row).toMatchObject({ parts: 2, raw_content: 'c4e3bac381206f6b', data_coding: 15, tenant_id: a.id });
      expect(row!.text.startsWith('你好')).toBe(true);
      expect(row!.text).toContain('\ufffd');
    }, 60_000);

    it('an MO to the service number + extension is stored and attributed to the tenant, two at once', async () => {
      gateway.sendMo({ from: '8613800138000', to: `${SHARED}77`, text: '收到，谢谢' });
      gateway.sendMo({ from: '8613900139000', to: `${SHARED}77`, text: '好的' });
      const rows = await waitFor(async () => {
        const r = await s.deps.store.db.selectFrom('inbound_messages').selectAll().where('text', 'in', ['收到，谢谢', '好的']).execute();
        return r.length === 2 && r.every((x) => x.action !== 'pending') ? r : null;
      }, 'both MO stored and routed');
      for (const r of rows ?? []) expect(r).toMatchObject({ tenant_id: a.id, attribution: 'extension' });
      expect(rows).toHaveLength(2);
    }, 60_000);
  });
});
