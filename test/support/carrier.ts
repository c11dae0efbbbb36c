import { Simulator } from '../../src/channels/simulator/simulator.ts';
import type { SimulatorConfig } from '../../src/channels/simulator/config.ts';
import { afterAll, beforeAll } from 'vitest';
import { startWorker, type Worker } from '../../src/worker/worker.ts';
import { startTestServer, type TestServer } from './server.ts';
import type { TestDatabase } from './databases.ts';

/** A virtual carrier in this process, wired as channel `name` with a catch-all route, and a running worker. */
export interface TestCarrier { simulator: Simulator; worker: Worker; platform: Record<string, string>; channelId: string; stop(): Promise<void> }

/** Polls `check` until it returns a truthy value or the time runs out. */
export async function waitFor<T>(check: () => Promise<T> | T, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts a simulator, registers it through the admin API with a route at `price`, and starts a worker. */
export async function startCarrier(s: TestServer, opts: { config?: Partial<SimulatorConfig>; price?: number; channel?: Record<string, unknown> } = {}): Promise<TestCarrier> {
  const simulator = new Simulator({ receiptDelayMs: 5, ...opts.config });
  const { port } = await simulator.start(0);
  const platform = { authorization: `Bearer ${await s.platformKey()}` };
  const created = await s.app.inject({ method: 'POST', url: '/api/v1/admin/channels', headers: platform, payload: { name: 'sim', type: 'smpp', host: '127.0.0.1', port, systemId: 'tidings', password: 'secret', window: 50, binds: 2, idFormat: { submit: 'hex', receipt: 'hex' }, ...opts.channel } });
  if (created.statusCode !== 201) throw new Error(`channel: ${created.body}`);
  const channelId = created.json().id as string;
  const route = await s.app.inject({ method: 'POST', url: '/api/v1/admin/routes', headers: platform, payload: { channel: 'sim', price: opts.price ?? 5 } });
  if (route.statusCode !== 201) throw new Error(`route: ${route.body}`);
  const worker = await startWorker(s.deps);
  await waitFor(() => worker.channels.upIds().includes(channelId), 'the channel to bind');
  await worker.channels.sync();
  s.deps.router.invalidate();
  return {
    simulator, worker, platform, channelId,
    async stop() {
      await worker.stop();
      await simulator.stop();
    },
  };
}

/** Tops up a tenant's balance through the platform API (minor units); throws unless it is accepted. */
export async function credit(s: TestServer, carrier: TestCarrier, tenant: { slug: string }, amount: number): Promise<void> {
  const r = await s.app.inject({ method: 'POST', url: `/api/v1/admin/tenants/${tenant.slug}/balance`, headers: carrier.platform, payload: { amount, note: 'test credit' } });
  if (r.statusCode !== 200) throw new Error(`credit: ${r.body}`);
}

/** Starts a test server with a carrier and a worker before the suite and stops them after; read them from the holder inside tests. */
export function withCarrier(database: TestDatabase): { s: TestServer; carrier: TestCarrier } {
  const rig = {} as { s: TestServer; carrier: TestCarrier };
  beforeAll(async () => {
    rig.s = await startTestServer(database);
    rig.carrier = await startCarrier(rig.s);
  });
  afterAll(async () => {
    await rig.carrier?.stop();
    await rig.s?.close();
  });
  return rig;
}
