// The SGIP channel (China Unicom) against the virtual SMG: submits on our Bind, every Report coming back through our
// listener on the SMG's own connections; compared with the bare SMPP reference.
import net from 'node:net';
import { SgipChannel } from '../src/channels/sgip/client.ts';
import { parseSgipConfig } from '../src/channels/sgip/config.ts';
import type { BenchContext } from './support/context.ts';
import { BENCH_ACCOUNT, BENCH_WINDOW, blastChannel, runAgainstSmsc } from './support/smsc.ts';

/** A port free right now on loopback (the SMG must be told where our listener is before it starts). */
async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** The 'sgip' scenario (the window is SGIP's largest, 32: the spec allows no more commands awaiting answers). */
export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  const listenPort = await freePort();
  const back = { loginName: 'smg', password: 'back' };
  return runAgainstSmsc('sgip', ctx.messages, () => ctx.reference(), (smg) => blastChannel(new SgipChannel(parseSgipConfig({
    name: 'bench', type: 'sgip', host: '127.0.0.1', port: smg.port, loginName: BENCH_ACCOUNT.systemId, password: BENCH_ACCOUNT.password,
    nodeId: 3010012345, spNumber: '10655001', binds: Math.ceil(BENCH_WINDOW / 32), window: 32,
    listenHost: '127.0.0.1', listenPort, listenLoginName: back.loginName, sharedSecret: back.password,
  })), ctx.messages, '10655001'), { protocol: 'sgip', config: { callback: { host: '127.0.0.1', port: listenPort, ...back } } });
}
