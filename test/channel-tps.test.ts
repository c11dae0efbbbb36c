// A change of a channel's TPS alone is applied in place: the running binds (real SMPP sessions with the virtual
// carrier) stay bound and the same channel object keeps sending at the new rate; other changes still restart it.
import { describe, expect, it, vi } from 'vitest';
import { testDatabases } from './support/databases.ts';
import { credit, waitFor, withCarrier } from './support/carrier.ts';

describe.each(testDatabases)('changing a channel\'s TPS on $name', (database) => {
  const rig = withCarrier(database);

  /** Changes the channel through the admin API and lets the worker follow at once. */
  async function patch(payload: Record<string, unknown>): Promise<void> {
    const r = await rig.s.app.inject({ method: 'PATCH', url: `/api/v1/admin/channels/${rig.carrier.channelId}`, headers: rig.carrier.platform, payload });
    expect(r.statusCode, r.body).toBe(200);
    await rig.carrier.worker.channels.sync();
  }

  it('keeps the sessions bound when only the TPS changes, and restarts on another change', async () => {
    const { simulator, worker, channelId } = rig.carrier;
    const first = worker.channels.get(channelId)!;
    expect(simulator.stats()).toMatchObject({ bound: 2, bindCount: 2 });
    const resize = vi.spyOn(first, 'resize');

    await patch({ tps: 40 });
    expect(worker.channels.get(channelId)).toBe(first);
    expect(resize).toHaveBeenCalledWith(2, 40);
    expect(simulator.stats()).toMatchObject({ bound: 2, bindCount: 2 });
    expect(first.counters()).toMatchObject({ reconnects: 0 });

    const t = await rig.s.tenant();
    await credit(rig.s, rig.carrier, t, 100);
    const sent = await rig.s.app.inject({ method: 'POST', url: '/api/v1/messages', headers: t.headers, payload: { to: ['+8613900001111'], text: '限速已改' } });
    expect(sent.statusCode, sent.body).toBe(202);
    await waitFor(() => simulator.stats().uniqueMessages >= 1, 'the message to go out on the kept binds');
    expect(simulator.stats().bindCount).toBe(2);

    await patch({ window: 20 });
    await waitFor(() => worker.channels.upIds().includes(channelId), 'the channel to bind again');
    expect(worker.channels.get(channelId)).not.toBe(first);
    expect(simulator.stats().bindCount).toBe(4);
  });
});
