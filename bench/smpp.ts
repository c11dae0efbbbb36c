// The full SMPP channel (windows, retries, receipts parsed and normalised) against the same SMSC as
// 'bare', without a database: how much the channel layer costs.
import { SmppChannel } from '../src/channels/smpp/client.ts';
import { parseSmppConfig } from '../src/channels/smpp/config.ts';
import type { BenchContext } from './support/context.ts';
import { BENCH_ACCOUNT, BENCH_WINDOW, blastChannel, runAgainstSmsc } from './support/smsc.ts';

/** Our SMPP channel to the virtual carrier on `port`, as the bench runs it. */
function channelTo(port: number) {
  return new SmppChannel(parseSmppConfig({
    name: 'bench', type: 'smpp', host: '127.0.0.1', port, ...BENCH_ACCOUNT,
    binds: 1, window: BENCH_WINDOW, idFormat: { submit: 'hex', receipt: 'decimal' },
  }));
}

/** The 'smpp' scenario: our Channel with no storage, compared with 'bare'. */
export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  return runAgainstSmsc('smpp', ctx.messages, () => ctx.reference(), (smsc) => blastChannel(channelTo(smsc.port), ctx.messages));
}
