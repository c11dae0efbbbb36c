// An ESME blasting submit_sm into Tidings' SMPP server: every submit through the send path to the virtual carrier
// (a process of its own) and every receipt back to the ESME as deliver_sm. Reports the rate, its ratio to the
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
import { Connection } from '../src/channels/session/connection.ts';
import { smppProtocol } from '../src/channels/smpp/protocol.ts';
import { Cmd, EsmClass, Tag, type Pdu } from '../src/channels/smpp/pdus.ts';
import { tlvString } from '../src/channels/smpp/tlv.ts';
import { SmppServer } from '../src/smpp-server/server.ts';
import type { BenchContext } from './support/context.ts';
import { trackPeakRss } from './support/rss.ts';
import { BENCH_ACCOUNT, BENCH_WINDOW, benchNumber, benchText } from './support/smsc.ts';

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

    const receipts = new Set<string>();
    let duplicates = 0;
    let refused = 0;
    let resolveDone!: () => void;
    const done = new Promise<void>((r) => (resolveDone = r));
    const conn = await Connection.open<Pdu>('127.0.0.1', port, smppProtocol, { window: IN_FLIGHT, responseTimeoutMs: 60_000, keepaliveMs: 0 }, (c) => ({
      onRequest: (p) => {
        if (p.commandId !== Cmd.deliver_sm) return;
        c.send({ commandId: Cmd.deliver_sm_resp, status: 0, sequence: p.sequence, messageId: '' });
        if (!((p.esmClass ?? 0) & EsmClass.deliveryReceipt)) return;
        const id = tlvString(p, Tag.receipted_message_id) ?? '';
        if (receipts.has(id)) duplicates++;
        else receipts.add(id);
        if (receipts.size + refused >= n) resolveDone();
      },
      onBadPdu: () => undefined,
      onFree: () => undefined,
      onClose: () => undefined,
    }));
    const bound = await conn.request((sequence) => ({ commandId: Cmd.bind_transceiver, status: 0, sequence, systemId: 'esme', password: 'bench123', systemType: '', interfaceVersion: 0x34, addrTon: 0, addrNpi: 0, addressRange: '' }));
    if (bound.status !== 0) throw new Error(`bind refused: ${bound.status}`);
    const rss = trackPeakRss();
    const cpu = process.cpuUsage();
    const started = process.hrtime.bigint();
    let next = 0;
    const pump = async () => {
      while (next < n) {
        const i = next++;
        const resp = await conn.request((sequence) => ({
          commandId: Cmd.submit_sm, status: 0, sequence, sourceAddr: '10690', destAddrTon: 1, destinationAddr: benchNumber(i), registeredDelivery: 1,
          dataCoding: 0, shortMessage: Buffer.from(benchText(i), 'latin1'),
        }));
        if (resp.status !== 0) refused++;
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, pump));
    if (receipts.size + refused < n) await done;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const used = process.cpuUsage(cpu);
    const peakRssMb = rss.stop();
    conn.close('bench done');
    await worker.stop();
    const stats = await smsc.stats();
    const perSecond = Math.round(n / seconds);
    const dispatch = Number(process.env.TIDINGS_BENCH_DISPATCH ?? 0);
    return {
      scenario: 'smpp-server', messages: n, seconds: Math.round(seconds * 1000) / 1000, perSecond,
      ...(dispatch > 0 ? { dispatchPerSecond: dispatch, ratioToDispatch: Math.round((perSecond / dispatch) * 100) / 100 } : { ratioToDispatch: null }),
      // this process: server, worker and the ESME (the virtual carrier runs apart); survives a busy machine
      cpuMicrosPerMessage: Math.round((used.user + used.system) / n),
      peakRssMb, refused, lost: Math.max(0, n - stats.uniqueMessages), duplicates: duplicates + stats.duplicates, receipts: receipts.size,
    };
  } finally {
    await server.stop();
    await closeDeps(deps);
    await smsc.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
