import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from './support/databases.ts';
import { startHandsets, type Handsets } from './support/handsets.ts';
import type { TestServer, TestTenant } from './support/server.ts';
import { startReceiver, type Receiver } from './support/webhook-receiver.ts';
import type { Simulator } from '../src/channels/simulator/simulator.ts';
import { verifySignature } from '../src/domain/webhooks.ts';
import { queueMessages } from '../src/worker/outbox.ts';
import { until } from './support/until.ts';

describe.each(testDatabases)('two-way messaging end to end through SMPP and the virtual carrier on $name', (database) => {
  let rig: Handsets;
  let s: TestServer;
  let a: TestTenant;
  let sim: Simulator;
  let receiver: Receiver;
  let secret = '';
  const SHARED = '10690002';

  beforeAll(async () => {
    rig = await startHandsets(database, { shared: SHARED, code: '55', overrides: { webhookAllowPrivate: true } });
    ({ s, a, sim } = rig);
    receiver = await startReceiver();
    secret = (await s.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: a.headers, payload: { url: receiver.url, events: ['message.inbound'] } })).json().secret;
  }, 60_000);
  afterAll(async () => {
    await rig?.stop();
    await receiver?.close();
  });

  it('a handset answers "TD" to a campaign: opted out, one confirmation on the handset, pending marketing excluded, inbox thread, signed webhook', async () => {
    const phone = '+8613700137001';
    const first = await queueMessages(s.deps, { tenantId: a.id, recipients: [{ phone }], text: '【Shop】Spring sale', category: 'notification' });
    expect(first[0].status).toBe('queued');
    const got = await until('the campaign message on the handset', () => sim.inbox(phone).length > 0 && sim.inbox(phone));
    expect(got[0].from).toBe(`${SHARED}55`);
    // A marketing message waiting in the queue (e.g. deferred by quiet hours) when the refusal arrives.
    await s.deps.store.db.insertInto('messages').values({
      id: `pending-${database.name}`, tenant_id: a.id, campaign_id: null, contact_id: null, phone, sender: null, text: 'later', category: 'marketing',
      priority: 1, status: 'queued', reason: null, segments: 1, price: 0, channel_id: null, route_id: null, carrier: null, region: null, carrier_ids: null,
      parts_done: 0, carrier_stat: null, carrier_err: null, error: null, attempts: 0, resubmitted: 0, not_before: '2999-01-01T00:00:00.000Z',
      lease_owner: null, lease_until: null, created_at: new Date().toISOString(), submitted_at: null, done_at: null,
    }).execute();

    sim.sendMo({ from: phone.slice(1), to: got[0].from, text: 'TD' });
    sim.sendMo({ from: phone.slice(1), to: got[0].from, text: 'Ｔ Ｄ' });
    const confirmation = await until('the confirmation on the handset', () => sim.inbox(phone).length > 1 && sim.inbox(phone)[1]);
    expect(confirmation.text).toMatch(/退订|unsubscribed/);
    await new Promise((r) => setTimeout(r, 500));
    expect(sim.inbox(phone)).toHaveLength(2);

    const contact = await s.deps.store.db.selectFrom('contacts').selectAll().where('tenant_id', '=', a.id).where('phone', '=', phone).executeTakeFirstOrThrow();
    expect(contact.opted_out_at).not.toBeNull();
    const pending = await s.deps.store.db.selectFrom('messages').select(['status', 'reason']).where('id', '=', `pending-${database.name}`).executeTakeFirstOrThrow();
    expect(pending).toEqual({ status: 'excluded', reason: 'opted_out' });

    const inbox = (await s.app.inject({ url: '/api/v1/inbox', headers: a.headers })).json().conversations;
    const conv = inbox.find((c: { phone: string }) => c.phone === phone);
    const thread = (await s.app.inject({ url: `/api/v1/inbox/${conv.id}`, headers: a.headers })).json().messages;
    expect(thread.map((m: { direction: string; text: string }) => `${m.direction}:${m.text}`)).toEqual(expect.arrayContaining([
      'out:【Shop】Spring sale', 'in:TD', 'in:Ｔ Ｄ', `out:${confirmation.text}`,
    ]));

    const hooks = await receiver.waitFor(2, 20_000);
    for (const h of hooks) expect(verifySignature(h.headers['x-tidings-signature'] as string, secret, h.body, Math.floor(Date.now() / 1000))).toBe(true);
    expect(hooks.map((h) => h.json.data.text).sort()).toEqual(['TD', 'Ｔ Ｄ'].sort());
  }, 60_000);

  it('an MO to the bare shared number is attributed to the last sender; to an unknown number it reaches the admin inbox', async () => {
    const phone = '+8613700137002';
    await queueMessages(s.deps, { tenantId: a.id, recipients: [{ phone }], text: 'Your parcel has shipped', category: 'notification' });
    await until('delivery to the handset', () => sim.inbox(phone).length > 0);
    sim.sendMo({ from: phone.slice(1), to: SHARED, text: 'thanks' });
    sim.sendMo({ from: '8613700137003', to: '12345', text: 'who are you' });
    const rows = await until('both MO stored and routed', async () => {
      const r = await s.deps.store.db.selectFrom('inbound_messages').selectAll().where('text', 'in', ['thanks', 'who are you']).execute();
      return r.length === 2 && r.every((x) => x.action !== 'pending') && r;
    });
    expect(rows.find((r) => r.text === 'thanks')).toMatchObject({ tenant_id: a.id, attribution: 'last_sender' });
    expect(rows.find((r) => r.text === 'who are you')).toMatchObject({ tenant_id: null, action: 'unattributed' });
  }, 60_000);
});
