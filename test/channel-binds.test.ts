import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import pino from 'pino';
import { testDatabases } from './support/databases.ts';
import { waitFor } from './support/carrier.ts';
import { loadConfig } from '../src/config.ts';
import { buildDeps, closeDeps, type Deps } from '../src/deps.ts';
import { Simulator } from '../src/channels/simulator/simulator.ts';
import { createChannel, findChannel } from '../src/store/repos/channels.ts';
import { ChannelManager } from '../src/worker/channels.ts';
import { newNodeName } from '../src/worker/node-name.ts';

const quiet = { receipt: async () => undefined, inbound: async () => undefined, part: async () => undefined, log: () => undefined };
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

async function rig(database: (typeof testDatabases)[number], binds: number) {
  const created = await database.create();
  const deps = await buildDeps(loadConfig({ TIDINGS_DATABASE_URL: created.url, TIDINGS_DATA_DIR: created.dataDir, TIDINGS_LEASE_SECONDS: '2' }, {}), { log: pino({ level: 'silent' }) });
  const simulator = new Simulator({ receiptDelayMs: 5, keepInbox: false });
  const { port } = await simulator.start(0);
  const channel = await createChannel(deps.store.db, { name: 'sim', type: 'smpp', config: { name: 'sim', type: 'smpp', host: '127.0.0.1', port, systemId: 'tidings', password: 'secret', binds, tps: 100 } }, new Date().toISOString());
  cleanups.push(async () => { await simulator.stop(); await closeDeps(deps); await created.drop(); });
  return { deps, simulator, channelId: channel.id };
}

function manager(deps: Deps): ChannelManager {
  const m = new ChannelManager(deps, quiet);
  cleanups.push(() => m.stop());
  return m;
}

async function held(deps: Deps, node: string): Promise<number[]> {
  const rows = await deps.store.db.selectFrom('channel_binds').select('slot').where('node_id', '=', node).orderBy('slot').execute();
  return rows.map((r) => Number(r.slot));
}

describe.each(testDatabases)('carrier binds shared by worker nodes on $name', (database) => {
  it('two nodes open the configured binds between them, and one takes them all when the other stops', async () => {
    const r = await rig(database, 4);
    const a = manager(r.deps);
    const b = manager(r.deps);
    await a.sync();
    await b.sync();
    await a.sync();
    await b.sync();
    expect(await held(r.deps, a.node)).toEqual([0, 1]);
    expect(await held(r.deps, b.node)).toEqual([2, 3]);
    await waitFor(() => r.simulator.stats().bound === 4, 'four binds in all').catch((e) => { throw new Error(`${e.message}: ${r.simulator.stats().bound}`); });
    expect(a.get(r.channelId)!.state().binds).toBe(2);
    expect(b.get(r.channelId)!.state().binds).toBe(2);
    // the channel shows what both nodes see: four binds bound in all
    await waitFor(async () => { await a.sync(); await b.sync(); return (await findChannel(r.deps.store.db, r.channelId))!.counters?.boundBinds === 4; }, 'the combined state');
    expect(await findChannel(r.deps.store.db, r.channelId)).toMatchObject({ state: 'bound', counters: { binds: 4, boundBinds: 4 } });

    const kept = b.get(r.channelId)!;
    const opened = r.simulator.stats().bindCount;
    await a.stop();
    expect(await held(r.deps, a.node)).toEqual([]);
    await waitFor(() => r.simulator.stats().bound === 2, 'the stopped node to unbind');
    await b.sync();
    expect(await held(r.deps, b.node)).toEqual([0, 1, 2, 3]);
    await waitFor(() => r.simulator.stats().bound === 4, 'the remaining node to open all four');
    // its larger share resized the running channel: its two binds stayed up, only two more were opened
    expect(b.get(r.channelId)).toBe(kept);
    expect(r.simulator.stats().bindCount).toBe(opened + 2);
    expect(kept.counters().reconnects).toBe(0);
    await b.stop();
    expect(await findChannel(r.deps.store.db, r.channelId)).toMatchObject({ state: 'stopped', stateReason: 'no worker node runs this channel' });
  });

  it('never opens more binds than configured: a node without a free slot waits, and takes over when a lease lapses', async () => {
    const r = await rig(database, 1);
    const a = manager(r.deps);
    const b = manager(r.deps);
    await a.sync();
    await b.sync();
    expect(await held(r.deps, a.node)).toEqual([0]);
    expect(b.get(r.channelId)).toBeUndefined();
    await waitFor(() => r.simulator.stats().bound === 1, 'one bind');
    // a node that stopped answering: its lease and its announcement lapse, then the other node takes the slot
    await r.deps.store.db.updateTable('channel_binds').set({ lease_until: '2000-01-01T00:00:00.000Z' }).execute();
    await r.deps.store.db.updateTable('worker_nodes').set({ seen_until: '2000-01-01T00:00:00.000Z' }).where('id', '=', a.node).execute();
    await b.sync();
    expect(await held(r.deps, b.node)).toEqual([0]);
    expect(b.get(r.channelId)!.state().binds).toBe(1);
  });

  it('takes the slots of a process of this host that exited at once, without waiting for its lease', async () => {
    const r = await rig(database, 2);
    const exited = spawnSync(process.execPath, ['-e', '']).pid;
    const ghost = newNodeName(exited);
    const until = new Date(Date.now() + 3_600_000).toISOString();
    await r.deps.store.db.insertInto('worker_nodes').values({ id: ghost, started_at: new Date().toISOString(), seen_until: until }).execute();
    await r.deps.store.db.insertInto('channel_binds').values([0, 1].map((slot) => ({ channel_id: r.channelId, slot, node_id: ghost, lease_until: until }))).execute();
    const a = manager(r.deps);
    await a.sync();
    expect(await held(r.deps, a.node)).toEqual([0, 1]);
    expect(await r.deps.store.db.selectFrom('worker_nodes').select('id').where('id', '=', ghost).execute()).toEqual([]);
  });

  it('closes its binds when it cannot renew their leases, before another node may take them', async () => {
    const r = await rig(database, 2);
    let clock = Date.now();
    const deps: Deps = { ...r.deps, store: { ...r.deps.store }, now: () => new Date(clock) };
    const a = manager(deps);
    await a.sync();
    await waitFor(() => r.simulator.stats().bound === 2, 'two binds');
    const working = deps.store.db;
    deps.store.db = new Proxy(working, { get: () => { throw new Error('database unreachable'); } });
    await a.sync(); // a failure inside the lease keeps the binds
    expect(r.simulator.stats().bound).toBe(2);
    clock += 9_000; // the lease is at least 9 s: past it, less one poll, the node fences itself
    await a.sync();
    expect(a.get(r.channelId)).toBeUndefined();
    await waitFor(() => r.simulator.stats().bound === 0, 'the binds to close');
    deps.store.db = working;
    await a.sync();
    await waitFor(() => r.simulator.stats().bound === 2, 'the binds to reopen once the database answers');
  });
});
