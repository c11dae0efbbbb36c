// An ESME (a process of its own, bench/support/esme.ts) blasting submit_sm into Tidings' SMPP server: every submit
// through the send path to the virtual carrier (another process) and every receipt back to the ESME as deliver_sm. Reports the rate, its ratio to the
// 'dispatch' scenario of the same run (when it ran), what was lost, receipts seen twice, and peak RSS.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../src/config.ts';
import { buildDeps, closeDeps } from '../src/deps.ts';
import { startWorker } from '../src/worker/worker.ts';
import { createTenant } from '../src/store/repos/tenants.ts';
import { moveBalance } from '../src/store/repos/billing.ts';
import { createChannel } from '../src/store/repos/channels.ts';
import { createRoute } from '../src/store/repos/routes.ts';
import { createSmppAccount } from '../src/store/repos/smpp-accounts.ts';
import { forkSimulator } from '../src/channels/simulator/child.ts';
import { SmppServer } from '../src/smpp-server/server.ts';
import type { BenchContext } from './support/context.ts';
import { trackPeakRss } from './support/rss.ts';
import { BENCH_ACCOUNT, BENCH_WINDOW } from './support/smsc.ts';
import { bindEsme, type BoundEsme } from './support/esme.ts';

/** Submits the ESME keeps in flight. */
const IN_FLIGHT = 500;

/** The 'smpp-server' scenario (issue 15): target ≥ 0.5 × 'dispatch', nothing lost, no receipt twice, RSS < 400 MB. */
export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  const n = ctx.messages;
  const dir = mkdtempSync(path.join(tmpdir(), 'tidings-bench-'));
  const smsc = await forkSimulator({ config: { accounts: [BENCH_ACCOUNT], keepInbox: false, receiptDelayMs: 0, idStyle: { radix: 16 }, receiptIdStyle: { radix: 10 } } });
  const config = loadConfig({}, { dataDir: dir, logLevel: 'warn', simulator: false });
  const deps = await buildDeps(config, { log: pino({ level: 'warn' }) });
  const server = new SmppServer(deps);
  let esme: BoundEsme | undefined;
  try {
    const now = new Date().toISOString();
    const tenant = await createTenant(deps.store.db, { slug: 'bench', settings: { quietHours: null } });
    await moveBalance(deps.store.db, tenant.id, BigInt(n) * 100n, { kind: 'topup', note: 'bench' }, now);
    const channel = await createChannel(deps.store.db, { name: 'bench', type: 'smpp', config: { name: 'bench', type: 'smpp', host: '127.0.0.1', port: smsc.port, ...BENCH_ACCOUNT, binds: 1, window: BENCH_WINDOW, idFormat: { submit: 'hex', receipt: 'decimal' } } }, now);
    await createRoute(deps.store.db, { channelId: channel.id, price: 5n }, now);
    await createSmppAccount(deps.store.db, tenant.id, { systemId: 'esme', password: 'bench123', tps: 0, window: IN_FLIGHT * 2, maxBinds: 1 }, now);
    const worker = await startWorker(deps);
    while (!worker.channels.upIds().length) await new Promise((r) => setTimeout(r, 20));
    // as in a node running both: receipts go out as their messages finish, the periodic scan (default 250 ms) finds the rest
    server.watch(worker.effects);
    const { port } = await server.start({ port: 0, host: '127.0.0.1' });

    esme = await bindEsme({ port, systemId: 'esme', password: 'bench123', messages: n, inFlight: IN_FLIGHT });
    const rss = trackPeakRss();
    const cpu = process.cpuUsage();
    const started = process.hrtime.bigint();
    const { receipts, duplicates, refused } = await esme.start();
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const used = process.cpuUsage(cpu);
    const peakRssMb = rss.stop();
    await worker.stop();
    const stats = await smsc.stats();
    const perSecond = Math.round(n / seconds);
    const dispatch = Number(process.env.TIDINGS_BENCH_DISPATCH ?? 0);
    return {
      scenario: 'smpp-server', messages: n, seconds: Math.round(seconds * 1000) / 1000, perSecond,
      ...(dispatch > 0 ? { dispatchPerSecond: dispatch, ratioToDispatch: Math.round((perSecond / dispatch) * 100) / 100 } : { ratioToDispatch: null }),
      // this process: server and worker (the ESME and the virtual carrier run apart); survives a busy machine
      cpuMicrosPerMessage: Math.round((used.user + used.system) / n),
      peakRssMb, refused, lost: Math.max(0, n - stats.uniqueMessages), duplicates: duplicates + stats.duplicates, receipts,
    };
  } finally {
    esme?.stop();
    await server.stop();
    await closeDeps(deps);
    await smsc.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
