import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from './support/carrier.ts';
import { testDatabases } from './support/databases.ts';
import { startTestServer, type TestServer, type TestTenant } from './support/server.ts';
import { CmppSimulator } from '../src/channels/simulator/cmpp.ts';
import { startWorker, type Worker } from '../src/worker/worker.ts';
import { queueMessages } from '../src/worker/outbox.ts';
import { createChannel } from '../src/store/repos/channels.ts';
import { createRoute } from '../src/store/repos/routes.ts';
import { createServiceNumber, setTenantCode } from '../src/store/repos/service-numbers.ts';

describe.each(testDatabases)('a CMPP channel through the worker and the virtual ISMG on $name', (database) => {
  let s: TestServer;
  let a: TestTenant;
  let sim: CmppSimulator;
  let worker: Worker;
  const SHARED = '1065710';

  beforeAll(async () => {
    s = await startTestServer(database, {});
    a = await s.tenant();
    sim = new CmppSimulator({ accounts: [{ systemId: '901234', password: 's3cret' }], receiptDelayMs: 10 });
    const { port } = await sim.start(0);
    const now = new Date().toISOString();
    const config = { name: 'cm', type: 'cmpp', host: '127.0.0.1', port, spId: '901234', sharedSecret: 's3cret', serviceId: 'MJS001', serviceNumber: SHARED };
    const ch = await createChannel(s.deps.store.db, { name: 'cm', type: 'cmpp', config }, now);
    await createRoute(s.deps.store.db, { channelId: ch.id, price: 0n }, now);
    await createServiceNumber(s.deps.store.db, { number: SHARED }, now);
    await setTenantCode(s.deps.store.db, a.id, '77', now);
    worker = await startWorker(s.deps);
    await waitFor(() => worker.channels.upIds().length > 0, 'a bound channel');
  }, 60_000);
  afterAll(async () => {
    await worker?.stop();
    await sim?.stop();
    await s?.close();
  });

  it('sends from the service number + tenant extension and stores the report on the exact 64-bit Msg_Id, also when the report comes first', async () => {
    const phone = '+8613700137101';
    const [queued] = await queueMessages(s.deps, { tenantId: a.id, recipients: [{ phone }], text: '您的验证码是 4711', category: 'notification' });
    const got = await waitFor(() => sim.inbox('13700137101').length > 0 ? sim.inbox('13700137101') : undefined, 'the message on the handset');
    expect(got![0]).toMatchObject({ from: `${SHARED}77`, text: '您的验证码是 4711', dataCoding: 8 });
    const row = await waitFor(async () => {
      const m = await s.deps.store.db.selectFrom('messages').selectAll().where('id', '=', queued.id).executeTakeFirst();
      return m?.status === 'delivered' ? m : undefined;
    }, 'delivered');
    expect(row!.carrier_stat).toBe('DELIVRD');
    const msgId = String(row!.carrier_ids);
    expect(msgId).toMatch(/^\d+$/);
    expect(BigInt(msgId) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);

    sim.configure({}, { reportBeforeResponse: true });
    const [early] = await queueMessages(s.deps, { tenantId: a.id, recipients: [{ phone: '+8613700137102' }], text: 'report first', category: 'notification' });
    await waitFor(async () => {
      const m = await s.deps.store.db.selectFrom('messages').select('status').where('id', '=', early.id).executeTakeFirst();
      return m?.status === 'delivered';
    }, 'delivered though the report came before the response');
    sim.configure({}, { reportBeforeResponse: false });
  }, 60_000);

  it('attributes a long MO to the tenant by its extension and opts a contact out on "TD", as with SMPP', async () => {
    const long = '请问你们周末营业吗？我想带家人一起来，大概下午三点到，需要提前预约座位吗？谢谢！'.repeat(2);
    sim.sendMo({ from: '13700137101', to: `${SHARED}77`, text: long });
    sim.sendMo({ from: '13700137101', to: `${SHARED}77`, text: 'TD' });
    const rows = await waitFor(async () => {
      const r = await s.deps.store.db.selectFrom('inbound_messages').selectAll().where('to_number', '=', `${SHARED}77`).execute();
      return r.length === 2 && r.every((x) => x.action !== 'pending') ? r : undefined;
    }, 'both MO stored and routed');
    expect(rows!.find((r) => r.text === long)).toMatchObject({ tenant_id: a.id, attribution: 'extension', parts: 2, channel: 'cm' });
    const contact = await waitFor(async () => {
      const c = await s.deps.store.db.selectFrom('contacts').selectAll().where('tenant_id', '=', a.id).where('phone', '=', '+8613700137101').executeTakeFirst();
      return c?.opted_out_at ? c : undefined;
    }, 'opted out');
    expect(contact!.opted_out_at).not.toBeNull();
  }, 60_000);

  it('a long MO with a part whose GBK does not decode keeps the octets of every part, joined in order', async () => {
    const first = Buffer.from('c4e3bac3', 'hex'); // 你好
    const second = Buffer.from([0x81, 0x20, 0x6f, 0x6b]); // a lead octet with no valid trail, then "ok"
    expect(sim.sendMo({ from: '13700137103', to: `${SHARED}77`, text: '', octets: { coding: 15, bytes: [first, second] } })).toBe(2);
    const row = await waitFor(async () => {
      const r = await s.deps.store.db.selectFrom('inbound_messages').selectAll().where('phone', '=', '+8613700137103').executeTakeFirst();
      return r && r.action !== 'pending' ? r : undefined;
    }, 'the joined garbled MO stored');
    expect(row).toMatchObject({ parts: 2, raw_content: 'c4e3bac381206f6b', data_coding: 15, tenant_id: a.id });
    expect(row!.text).toContain('\ufffd');
  }, 60_000);
});
