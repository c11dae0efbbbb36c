import { describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { Simulator } from '../simulator/simulator.ts';
import { SmppChannel } from './client.ts';
import { parseSmppConfig } from './config.ts';

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
});
