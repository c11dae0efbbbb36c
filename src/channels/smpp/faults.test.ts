import { afterEach, describe, expect, it } from 'vitest';
import type { ChannelState } from '../channel.ts';
import type { SimulatorConfig } from '../simulator/config.ts';
import { Simulator } from '../simulator/simulator.ts';
import { SmppChannel } from './client.ts';
import { parseSmppConfig, type SmppConfigInput } from './config.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(sim: Partial<SimulatorConfig> = {}, cfg: Partial<SmppConfigInput> = {}) {
  const simulator = new Simulator(sim);
  const { port } = await simulator.start();
  cleanups.push(() => simulator.stop());
  const channel = new SmppChannel(parseSmppConfig({
    name: 'faulty', type: 'smpp', host: '127.0.0.1', port, systemId: 'tidings', password: 'secret',
    reconnect: { minMs: 20, maxMs: 100 }, responseTimeoutMs: 1000, ...cfg,
  }));
  const states: ChannelState[] = [];
  channel.on('state', (s: ChannelState) => states.push(s));
  cleanups.push(() => channel.stop());
  return { simulator, channel, states };
}

const submits = (channel: SmppChannel, n: number) =>
  Array.from({ length: n }, (_, i) => channel.submit({ id: `m${i}`, from: '', to: `1555${String(i).padStart(5, '0')}`, text: `message ${i}` }));
const sendMany = (channel: SmppChannel, n: number) => Promise.all(submits(channel, n));

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('SmppChannel under faults', () => {
  it('loses nothing when the SMSC drops the connection with a full window in flight', async () => {
    const { simulator, channel } = await setup({ dropEvery: 97 }, { window: 20, binds: 2 });
    await channel.start();
    const results = await sendMany(channel, 600);
    expect(results.every((r) => r.carrierIds.length === 1)).toBe(true);
    const stats = simulator.stats();
    expect(stats.dropped).toBeGreaterThanOrEqual(5);
    expect(stats.uniqueMessages).toBe(600);
    // at most a window per drop can be resubmitted after its answer was lost with the connection
    expect(stats.duplicates).toBeLessThanOrEqual(stats.dropped * 20);
    expect(channel.counters()).toMatchObject({ submitted: 600, submitFailed: 0, inFlight: 0 });
    expect(channel.counters().reconnects).toBeGreaterThanOrEqual(5);
  });

  it('gets everything through, later, while the SMSC answers ESME_RTHROTTLED', async () => {
    const { simulator, channel } = await setup({ throttleEvery: 1 }, { window: 10 });
    await channel.start();
    const sending = sendMany(channel, 100);
    await until(() => simulator.stats().throttled >= 10);
    simulator.configure({ throttleEvery: 0, throttleTps: 400 });
    const results = await sending;
    expect(results).toHaveLength(100);
    expect(simulator.stats().uniqueMessages).toBe(100);
    expect(channel.counters().throttled).toBeGreaterThanOrEqual(10);
  });

  it('paces submits to the configured TPS (segments per second)', async () => {
    const { channel } = await setup({}, { tps: 100 });
    await channel.start();
    const started = Date.now();
    await sendMany(channel, 40);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('fails with a retryable timeout when the SMSC never answers', async () => {
    const { simulator, channel } = await setup({}, { responseTimeoutMs: 150, maxAttempts: 2 });
    await channel.start();
    simulator.configure({ silent: true });
    await expect(channel.submit({ id: 't', from: '', to: '1555', text: 'anyone?' })).rejects.toMatchObject({ kind: 'retryable', code: 'timeout' });
    expect(simulator.stats().submits).toBe(2);
    expect(channel.counters().inFlight).toBe(0);
  });

  it('goes down with a readable reason on a wrong password, without a tight reconnect loop', async () => {
    const { simulator, channel, states } = await setup({}, { password: 'wrong' });
    await expect(channel.start()).rejects.toMatchObject({ kind: 'config', code: 'ESME_RINVPASWD (0x0e)' });
    expect(channel.state()).toMatchObject({ state: 'down', boundBinds: 0 });
    expect(channel.state().reason).toMatch(/bind_transceiver as tidings refused: ESME_RINVPASWD/);
    expect(states.at(-1)?.state).toBe('down');
    await new Promise((r) => setTimeout(r, 1500));
    expect(simulator.stats().bindAttempts).toBe(1);
  });

  it('closes on garbage bytes, says why, and reconnects', async () => {
    const { simulator, channel, states } = await setup();
    await channel.start();
    simulator.injectGarbage();
    await until(() => channel.counters().reconnects === 1 && channel.state().state === 'bound');
    expect(states.some((s) => /bad data from peer: frame length/.test(s.reason ?? ''))).toBe(true);
    const r = await channel.submit({ id: 'after', from: '', to: '1555', text: 'still here' });
    expect(r.carrierIds).toHaveLength(1);
  });

  it('drains in-flight parts on stop and unbinds', async () => {
    const { simulator, channel } = await setup({}, { window: 50 });
    await channel.start();
    const sending = submits(channel, 50);
    await channel.stop();
    const settled = await Promise.allSettled(sending);
    const ok = settled.filter((s) => s.status === 'fulfilled').length;
    expect(simulator.stats().parts).toBe(ok);
    expect(channel.state().state).toBe('stopped');
    await until(() => simulator.stats().bound === 0);
  });
});
