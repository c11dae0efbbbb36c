import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { testDatabases } from './support/databases.ts';
import { until } from './support/until.ts';
import { startTestServer, type TestServer, type TestTenant } from './support/server.ts';
import { CmppSimulator } from '../src/channels/simulator/cmpp.ts';
import { SmgpSimulator } from '../src/channels/simulator/smgp.ts';
import { openStore } from '../src/store/dialect.ts';
import { migrate } from '../src/store/migrations/index.ts';
import { createChannel } from '../src/store/repos/channels.ts';
import { createRoute } from '../src/store/repos/routes.ts';
import { createServiceNumber, setTenantCode } from '../src/store/repos/service-numbers.ts';
import { answering } from '../src/worker/outbox.ts';
import { startWorker, type Worker } from '../src/worker/worker.ts';

type Gateway = CmppSimulator | SmgpSimulator;

/** Each on-demand gateway against its virtual twin; `carries`: whether its submits can carry a LinkID back. */
const gateways = [
  {
    name: 'CMPP 3.0', carries: true,
    gateway: () => new CmppSimulator({ accounts: [{ systemId: '901234', password: 's3cret' }], receiptDelayMs: 10 }),
    channel: (port: number) => ({ type: 'cmpp', host: '127.0.0.1', port, spId: '901234', sharedSecret: 's3cret', serviceId: 'MJS001', serviceNumber: SHARED }),
  },
  {
    name: 'SMGP', carries: true,
    gateway: () => new SmgpSimulator({ accounts: [{ systemId: 'SP0001', password: 'secret' }], receiptDelayMs: 10 }),
    channel: (port: number) => ({ type: 'smgp', host: '127.0.0.1', port, clientId: 'SP0001', secret: 'secret', serviceId: 'TIDINGS', spNumber: SHARED }),
  },
  {
    // a CMPP 2.0 MO may come with octets in the Reserved field where 3.0 has its LinkID: a 2.0 submit never carries one
    name: 'CMPP 2.0', carries: false,
    gateway: () => new CmppSimulator({ accounts: [{ systemId: '901235', password: 's3cret' }], receiptDelayMs: 10 }),
    channel: (port: number) => ({ type: 'cmpp', version: '2.0', host: '127.0.0.1', port, spId: '901235', sharedSecret: 's3cret', serviceId: 'MJS001', serviceNumber: SHARED }),
  },
] as const;

const SHARED = '1065720';

describe.each(testDatabases)('LinkIDs of on-demand MO on $name', (database) => {
  describe.each(gateways)('$name', (g) => {
    let s: TestServer;
    let a: TestTenant;
    let gateway: Gateway;
    let worker: Worker;
    const to = `${SHARED}77`;
    const expected = (linkId: string) => (g.carries ? linkId : undefined);
    const api = async (method: 'GET' | 'POST', url: string, payload?: object) => {
      const r = await s.app.inject({ method, url, headers: a.headers, payload });
      expect(r.statusCode, r.body).toBeLessThan(300);
      return r.json();
    };
    // a handset's inbox by its international number holds what was sent to its national one too
    const handset = (phone: string, n: number) => until(`${n} message(s) on ${phone}`, () => gateway.inbox(`86${phone}`).length >= n && gateway.inbox(`86${phone}`), 8_000);
    const routed = (phone: string, n: number) => until(`${n} MO from ${phone} routed`, async () => {
      const rows = await s.deps.store.db.selectFrom('inbound_messages').selectAll().where('phone', '=', `+86${phone}`).orderBy('received_at').orderBy('id').execute();
      return rows.length >= n && rows.every((r) => r.action !== 'pending') && rows;
    }, 8_000);

    beforeAll(async () => {
      s = await startTestServer(database);
      a = await s.tenant();
      gateway = g.gateway();
      const { port } = await gateway.start(0);
      const now = new Date().toISOString();
      const ch = await createChannel(s.deps.store.db, { name: 'od', type: g.channel(port).type, config: { name: 'od', ...g.channel(port) } }, now);
      await createRoute(s.deps.store.db, { channelId: ch.id, price: 0n }, now);
      await createServiceNumber(s.deps.store.db, { number: SHARED }, now);
      await setTenantCode(s.deps.store.db, a.id, '77', now);
      await api('POST', '/api/v1/keywords/rules', { name: 'hi', match: 'exact', pattern: 'HI', reply: 'Hello!' });
      const svc = await api('POST', '/api/v1/services', { type: 'subscription', name: '天气', keywords: ['DYTQ'], config: {} });
      await api('POST', `/api/v1/services/${svc.id}/open`);
      worker = await startWorker(s.deps);
      await until('a bound channel', () => worker.channels.upIds().length > 0);
    }, 30_000);
    afterAll(async () => {
      await worker?.stop();
      await gateway?.stop();
      await s?.close();
    });

    it('a keyword reply and a service reply carry the MO\'s LinkID back; a reply to an MO without one carries none', async () => {
      gateway.sendMo({ from: '13700137201', to, text: 'HI', linkId: 'LK201' });
      gateway.sendMo({ from: '13700137202', to, text: 'DYTQ', linkId: 'LK202' });
      gateway.sendMo({ from: '13700137203', to, text: 'HI' });
      const [keyword] = await handset('13700137201', 1);
      const [service] = await handset('13700137202', 1);
      const [plain] = await handset('13700137203', 1);
      expect(keyword).toMatchObject({ from: to, text: 'Hello!' });
      expect(keyword.linkId).toBe(expected('LK201'));
      expect(service.text).toMatch(/订阅成功/);
      expect(service.linkId).toBe(expected('LK202'));
      expect(plain.text).toBe('Hello!');
      expect(plain.linkId).toBeUndefined();

      const [mo] = await routed('13700137201', 1);
      expect(mo.reply_message_id).not.toBeNull();
      const reply = await api('GET', `/api/v1/messages/${mo.reply_message_id}`);
      const shown = await api('GET', `/api/v1/inbound/${mo.id}`);
      if (g.carries) {
        expect(shown.linkId).toBe('LK201');
        expect(reply.linkId).toBe('LK201');
      }
      const [bare] = await routed('13700137203', 1);
      expect((await api('GET', `/api/v1/inbound/${bare.id}`)).linkId).toBeNull();
      expect((await api('GET', `/api/v1/messages/${bare.reply_message_id}`)).linkId).toBeNull();
    }, 15_000);

    it('a long MO keeps the LinkID its parts came with; an inbox reply answers the newest MO of the number', async () => {
      const long = '请问你们周末营业吗？我想带家人一起来，大概下午三点到，需要提前预约座位吗？谢谢！'.repeat(2);
      expect(gateway.sendMo({ from: '13700137204', to, text: long, linkId: 'LK204' })).toBeGreaterThan(1);
      const [joined] = await routed('13700137204', 1);
      expect(joined.parts).toBeGreaterThan(1);
      if (g.carries) expect(joined.link_id).toBe('LK204');
      gateway.sendMo({ from: '13700137204', to, text: 'still there?', linkId: 'LK205' });
      await routed('13700137204', 2);
      const conversation = joined.conversation_id!;
      const sent = await api('POST', `/api/v1/inbox/${conversation}/reply`, { text: 'Yes, open 9-18.' });
      const [answer] = await handset('13700137204', 1);
      expect(answer.text).toBe('Yes, open 9-18.');
      expect(answer.linkId).toBe(expected('LK205'));
      const thread = (await api('GET', `/api/v1/inbox/${conversation}`)).messages as { id: string; direction: string; linkId: string | null }[];
      if (g.carries) {
        expect(thread.filter((m) => m.direction === 'in').map((m) => m.linkId)).toEqual(['LK204', 'LK205']);
        expect(thread.find((m) => m.id === sent.message.id)?.linkId).toBe('LK205');
      }
    }, 15_000);
  });
});

describe('answering an MO', () => {
  it('gives the MO\'s contact and LinkID only to a message addressed to its sender', () => {
    const mo = { phone: '+8613700137201', contactId: 'c1', linkId: 'LK201' };
    expect(answering('+8613700137201', mo)).toEqual({ phone: '+8613700137201', contactId: 'c1', linkId: 'LK201' });
    expect(answering('+8613700137299', mo)).toEqual({ phone: '+8613700137299', contactId: null });
  });
});

describe.each(testDatabases)('migration 030 on $name', (database) => {
  it('is applied to a database that already has 031 and later (unordered), and only once', async () => {
    const created = await database.create();
    const store = openStore(created.url.startsWith('sqlite:') ? { dialect: 'sqlite', file: created.url.slice(7) } : { dialect: 'postgres', url: created.url });
    try {
      await migrate(store.db);
      // the database as the release before 030 left it: 031, 033 and 034 applied, no link_id columns
      for (const table of ['inbound_messages', 'inbound_parts', 'messages']) await sql`alter table ${sql.table(table)} drop column link_id`.execute(store.db);
      await sql`delete from tidings_migration where name = '030_link_ids'`.execute(store.db);
      expect(await migrate(store.db)).toEqual(['030_link_ids']);
      expect(await migrate(store.db)).toEqual([]);
      await sql`insert into inbound_parts (channel_id, source, destination, ref, total, seq, text, channel, data_coding, received_at, expires_at, link_id)
        values ('c', 's', 'd', 1, 2, 1, 'x', 'ch', 0, '2026-01-01', '2026-01-02', 'LK1')`.execute(store.db);
      const parts = await sql<{ link_id: string }>`select link_id from inbound_parts`.execute(store.db);
      expect(parts.rows).toEqual([{ link_id: 'LK1' }]);
    } finally {
      await store.close();
      await created.drop();
    }
  }, 30_000);
});
