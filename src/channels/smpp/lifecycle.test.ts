import { describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { Simulator } from '../simulator/simulator.ts';
import { SmppChannel } from './client.ts';
import { parseSmppConfig, type SmppConfigInput } from './config.ts';
import { until } from '../session/testing.ts';

/**
 * Keeps 200 messages outstanding through a channel of 2 binds (window 10, so every window stays full) and resizes it to
 * 4 binds, then to 1, while they go out; returns what the simulator and the channel saw.
 */
async function resizeWhileSending(cfg: Partial<SmppConfigInput>) {
  const simulator = new Simulator({ keepInbox: false, receiptDelayMs: 5 });
  const { port } = await simulator.start();
  const channel = new SmppChannel(parseSmppConfig({ name: 'sim', type: 'smpp', host: '127.0.0.1', port, systemId: 'tidings', password: 'secret', binds: 2, window: 10, ...cfg }));
  try {
    await channel.start();
    await until(() => channel.state().boundBinds === channel.state().binds);
    const initialBinds = simulator.stats().bindCount;
    let sent = 0;
    let pumping = true;
    const failures: unknown[] = [];
    const next = async (): Promise<void> => {
      while (pumping) {
        const i = sent++;
        await channel.submit({ id: `m${i}`, from: '10690', to: `86138${String(i).padStart(8, '0')}`, text: `resize ${i}` }).catch((err) => failures.push(err));
      }
    };
    const chains = Array.from({ length: 200 }, next);
    await until(() => simulator.stats().parts >= 500);
    await channel.resize(4, 0);
    await until(() => channel.state().boundBinds === 2 * initialBinds);
    const grown = { binds: channel.state().binds, bound: simulator.stats().bound };
    await until(() => simulator.stats().parts >= 1500);
    const inFlightAtShrink = channel.counters().inFlight;
    await channel.resize(1, 0);
    const shrunk = { binds: channel.state().binds, bound: simulator.stats().bound };
    await until(() => simulator.stats().parts >= 2500);
    pumping = false;
    await Promise.all(chains);
    return { sent, failures, grown, inFlightAtShrink, shrunk, initialBinds, stats: simulator.stats(), counters: channel.counters() };
  } finally {
    await channel.stop();
    await simulator.stop();
  }
}

describe('SmppChannel lifecycle', () => {
  it('a channel stopped while its binds are still opening closes them before stop returns, and leaves none bound', async () => {
    const simulator = new Simulator({});
    const { port } = await simulator.start();
    try {
      const channel = new SmppChannel(parseSmppConfig({ name: 'sim', type: 'smpp', host: '127.0.0.1', port, systemId: 'tidings', password: 'secret', binds: 4 }));
      const started = channel.start().catch(() => undefined);
      await channel.stop();
      // stop returns only once the binds that were opening are closed: none completes later
      const binds = simulator.stats().bindCount;
      await started;
      await sleep(300);
      expect(simulator.stats().bindCount).toBe(binds);
      expect(simulator.stats().bound).toBe(0);
      expect(channel.state().state).toBe('stopped');
    } finally {
      await simulator.stop();
    }
  });

  it.each([
    ['transceivers', { bindMode: 'transceiver' as const }, 1],
    ['transmitters and receivers', { bindMode: 'transmitter+receiver' as const }, 2],
  ])('resizes its %s in place while sending: kept binds stay, removed ones drain and unbind, nothing lost or sent twice', async (_, cfg, perBind) => {
    const r = await resizeWhileSending(cfg);
    const count = r.sent;
    expect(r.failures).toEqual([]);
    expect(r.initialBinds).toBe(2 * perBind);
    expect(r.grown).toEqual({ binds: 4 * perBind, bound: 4 * perBind });
    // parts were on the wire when the binds were removed, and every one of them was answered on the bind it went out on
    expect(r.inFlightAtShrink).toBeGreaterThan(0);
    expect(r.shrunk).toEqual({ binds: perBind, bound: perBind });
    expect(r.stats).toMatchObject({ parts: count, uniqueMessages: count, duplicates: 0, submits: count });
    // only the added binds were ever opened: the kept ones never reconnected
    expect(r.stats.bindCount).toBe(4 * perBind);
    expect(r.counters).toMatchObject({ submitted: count, submitFailed: 0, reconnects: 0, inFlight: 0 });
  });
});
