// The SMGP channel (China Telecom) against the virtual SMGW: login, submits with a full window, every status report
// read and matched by its BCD MsgID; compared with the bare SMPP reference.
import { SmgpChannel } from '../src/channels/smgp/client.ts';
import { parseSmgpConfig } from '../src/channels/smgp/config.ts';
import type { BenchContext } from './support/context.ts';
import { BENCH_ACCOUNT, BENCH_WINDOW, blastChannel, runAgainstSmsc } from './support/smsc.ts';

/** The 'smgp' scenario. */
export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  return runAgainstSmsc('smgp', ctx.messages, () => ctx.reference(), (smgw) => blastChannel(new SmgpChannel(parseSmgpConfig({
    name: 'bench', type: 'smgp', host: '127.0.0.1', port: smgw.port, clientId: BENCH_ACCOUNT.systemId, secret: BENCH_ACCOUNT.password,
    binds: 1, window: BENCH_WINDOW, spNumber: '1181234',
  })), ctx.messages, '1181234'), { protocol: 'smgp' });
}
