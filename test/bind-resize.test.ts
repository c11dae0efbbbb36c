// A change of a channel's bind count while a campaign is sending resizes the bind pool in place (issue 19 item 6):
// binds are added or removed without dropping the others, nothing is lost or sent twice, the kept binds never
// reconnect. Over real sockets against the virtual carrier, on every database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { testDatabases } from './support/databases.ts';
import { startTestServer, type TestServer, type TestTenant } from './support/server.ts';
import { credit, startCarrier, waitFor, type TestCarrier } from './support/carrier.ts';

const recipients = 3000;

describe.each(testDatabases)('resizing the binds of a sending channel on $name', (database) => {
  let s: TestServer;
  let carrier: TestCarrier;
  let a: TestTenant;

  beforeAll(async () => {
    s = await startTestServer(database);
    // 2 binds of window 50; 300 segments/s keeps the campaign sending for the whole test
    carrier = await startCarrier(s, { config: { keepInbox: false }, channel: { tps: 300 } });
    a = await s.tenant('resize');
    await credit(s, carrier, a, recipients * 10);
  });
  afterAll(async () => {
    await carrier?.stop();
    await s?.close();
  });

  /** Sets the channel's bind count through the admin API and lets the worker follow it at once. */
  async function setBinds(binds: number): Promise<void> {
    const r = await s.app.inject({ method: 'PATCH', url: `/api/v1/admin/channels/${carrier.channelId}`, headers: carrier.platform, payload: { binds } });
    expect(r.statusCode, r.body).toBe(200);
    await carrier.worker.channels.sync();
  }

  it('goes from 2 to 4 to 1 binds mid-campaign: every message once, the kept bind never reconnects', async () => {
    const { simulator } = carrier;
    const channel = () => carrier.worker.channels.get(carrier.channelId)!;
    const first = channel();
    expect(simulator.stats()).toMatchObject({ bound: 2, bindCount: 2 });
    const numbers = Array.from({ length: recipients }, (_, i) => `1390000${String(i).padStart(4, '0')}`);
    const created = await s.app.inject({ method: 'POST', url: '/api/v1/campaigns', headers: a.headers, payload: { name: '扩容', audience: { numbers }, text: '会员日通知', category: 'notification' } });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    const started = await s.app.inject({ method: 'POST', url: `/api/v1/campaigns/${id}/start`, headers: a.headers });
    expect(started.statusCode, started.body).toBe(200);

    await waitFor(() => simulator.stats().uniqueMessages >= 300, 'the campaign to be sending');
    await setBinds(4);
    await waitFor(() => simulator.stats().bound === 4, 'two more binds');
    expect(carrier.worker.channels.windowOf(carrier.channelId)).toBe(4 * 50);
    const atFour = simulator.stats().uniqueMessages;
    await waitFor(() => simulator.stats().uniqueMessages >= atFour + 300, 'sending over four binds');

    await setBinds(1);
    // sync returns once the removed binds have drained and unbound
    expect(simulator.stats().bound).toBe(1);
    expect(carrier.worker.channels.windowOf(carrier.channelId)).toBe(50);
    expect(simulator.stats().uniqueMessages).toBeLessThan(recipients);

    await waitFor(async () => (await s.app.inject({ url: `/api/v1/campaigns/${id}`, headers: a.headers })).json().status === 'completed', 'the campaign to complete', 120_000);
    // the same channel object all along, and only the two added binds were ever opened besides the first two
    expect(channel()).toBe(first);
    expect(channel().counters()).toMatchObject({ reconnects: 0, submitFailed: 0 });
    expect(simulator.stats()).toMatchObject({ uniqueMessages: recipients, parts: recipients, duplicates: 0, bindCount: 4, bound: 1 });
    const counts = await s.deps.store.db.selectFrom('messages')
      .select([sql<number>`count(*)`.as('total'), sql<number>`sum(case when status = 'delivered' then 1 else 0 end)`.as('delivered'), sql<number>`coalesce(sum(resubmitted), 0)`.as('resubmitted')])
      .where('campaign_id', '=', id).executeTakeFirstOrThrow();
    expect({ total: Number(counts.total), delivered: Number(counts.delivered), resubmitted: Number(counts.resubmitted) }).toEqual({ total: recipients, delivered: recipients, resubmitted: 0 });
  });
});
