import { describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { testDatabases } from './support/databases.ts';
import { credit, waitFor, withCarrier } from './support/carrier.ts';

describe.each(testDatabases)('a dispatcher that is stopping on $name', (database) => {
  const rig = withCarrier(database);

  it('gives back the leases of messages handed to it instead of sending them (another worker sends them once)', async () => {
    const t = await rig.s.tenant();
    await credit(rig.s, rig.carrier, t, 1000);
    const sent = await rig.s.app.inject({ method: 'POST', url: '/api/v1/messages', headers: t.headers, payload: { to: '+8613800138123', text: '取件码 5521', scheduleAt: new Date(Date.now() + 3_600_000).toISOString() } });
    expect(sent.statusCode).toBe(202);
    const id = sent.json().messages[0].id as string;
    const db = rig.s.deps.store.db;
    const { dispatcher } = rig.carrier.worker;
    await db.updateTable('messages').set({ lease_owner: dispatcher.owner, lease_until: new Date(Date.now() + 60_000).toISOString() }).where('id', '=', id).execute();
    const row = await db.selectFrom('messages').select(['id', 'tenant_id', 'phone', 'sender', 'text', 'channel_id', 'segments']).where('id', '=', id).executeTakeFirstOrThrow();
    const before = rig.carrier.simulator.stats().submits;
    await dispatcher.stop();
    dispatcher.hand([{ id, tenantId: row.tenant_id, campaignId: null, contactId: null, phone: row.phone, sender: row.sender, text: row.text, channelId: row.channel_id!, segments: row.segments, attempts: 1, price: 5n }]);
    await waitFor(async () => (await db.selectFrom('messages').select('lease_owner').where('id', '=', id).executeTakeFirstOrThrow()).lease_owner === null, 'the lease to be given back');
    await sleep(200);
    expect(rig.carrier.simulator.stats().submits).toBe(before);
  });
});
