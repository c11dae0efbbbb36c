// The CMPP channel (login, windows, retries, status reports matched on 64-bit Msg_Ids) against the virtual
// carrier's CMPP side, without a database; compared with the bare SMPP reference of the same run.
import { CmppChannel } from '../src/channels/cmpp/client.ts';
import { parseCmppConfig } from '../src/channels/cmpp/config.ts';
import type { BenchContext } from './support/context.ts';
import { BENCH_ACCOUNT, BENCH_WINDOW, blastChannel, runAgainstSmsc } from './support/smsc.ts';

/** Our CMPP channel to the virtual carrier on `port`, as the bench runs it. */
function channelTo(port: number) {
  return new CmppChannel(parseCmppConfig({
    name: 'bench', type: 'cmpp', host: '127.0.0.1', port, spId: BENCH_ACCOUNT.systemId, sharedSecret: BENCH_ACCOUNT.password,
    serviceId: 'BENCH', serviceNumber: '10690', binds: 1, window: BENCH_WINDOW,
  }));
}

/** The 'cmpp' scenario: our CMPP channel with no storage, compared with 'bare'. */
export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  return runAgainstSmsc('cmpp', ctx.messages, () => ctx.reference(), (smsc) => blastChannel(channelTo(smsc.cmppPort!), ctx.messages), { protocol: 'cmpp' });
}
