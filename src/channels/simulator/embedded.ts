// The virtual carrier of an embedded install (`npm start`): its SMSC (SMPP) on the configured port, and an ISMG
// (CMPP), an SMG (SGIP) and an SMGW (SMGP) on free ports, so a channel of each protocol can be tried offline.
import net from 'node:net';
import { VirtualCarriers } from './carriers.ts';
import { CmppSimulator } from './cmpp.ts';
import type { SimulatorConfig } from './config.ts';
import { SgipSimulator } from './sgip.ts';
import { Simulator } from './simulator.ts';
import { SmgpSimulator } from './smgp.ts';

/** Accounts the embedded gateways accept, and the channels pointing at them log in with. */
export const EMBEDDED_ACCOUNTS = {
  cmpp: { systemId: '901234', password: 'secret' },
  sgip: { systemId: 'tidings', password: 'secret' },
  smgp: { systemId: 'tidings', password: 'secret' },
  /** The login the SMG uses to connect back to the SGIP channel's listener. */
  sgipBack: { loginName: 'unicom', password: 'secret' },
} as const;

/** Where each side listens (and where the SGIP channel listens for the SMG). */
export interface EmbeddedPorts {
  smpp: number;
  cmpp: number;
  sgip: number;
  smgp: number;
  sgipListen: number;
}

/** The running virtual carrier of an embedded install. */
export interface EmbeddedCarrier {
  carriers: VirtualCarriers;
  ports: EmbeddedPorts;
  stop(): Promise<void>;
}

/** A port free right now on loopback (for the SGIP channel's listener, which the SMG must know before it starts). */
async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', resolve);
  });
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Starts all four sides; `startSmpp` listens the SMSC on its configured port (its errors are the caller's to word). */
export async function startEmbeddedCarrier(startSmpp: (sim: Simulator) => Promise<{ port: number }>): Promise<EmbeddedCarrier> {
  const shared: Partial<SimulatorConfig> = { outcomes: { delivered: 0.97, undelivered: 0.02, expired: 0.01 }, receiptDelayMs: 500 };
  const smpp = new Simulator(shared);
  const cmpp = new CmppSimulator({ ...shared, accounts: [EMBEDDED_ACCOUNTS.cmpp] });
  const smgp = new SmgpSimulator({ ...shared, accounts: [EMBEDDED_ACCOUNTS.smgp] });
  const sgipListen = await freePort();
  const sgip = new SgipSimulator({ ...shared, accounts: [EMBEDDED_ACCOUNTS.sgip], callback: { host: '127.0.0.1', port: sgipListen, ...EMBEDDED_ACCOUNTS.sgipBack } });
  const started: Array<{ stop(): Promise<void> }> = [];
  const stop = async () => { await Promise.all(started.map((s) => s.stop())); };
  try {
    const smppPort = (await startSmpp(smpp)).port;
    started.push(smpp);
    const ports: EmbeddedPorts = { smpp: smppPort, cmpp: 0, sgip: 0, smgp: 0, sgipListen };
    for (const [name, sim] of [['cmpp', cmpp], ['sgip', sgip], ['smgp', smgp]] as const) {
      ports[name] = (await sim.start(0)).port;
      started.push(sim);
    }
    const carriers = new VirtualCarriers([
      { protocol: 'smpp', side: smpp }, { protocol: 'cmpp', side: cmpp }, { protocol: 'sgip', side: sgip }, { protocol: 'smgp', side: smgp },
    ]);
    return { carriers, ports, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
