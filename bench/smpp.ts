// The full SMPP channel (windows, retries, receipts parsed and normalised) against the same SMSC as
// 'bare', without a database: how much the channel layer costs.
import { SmppChannel } from '../src/channels/smpp/client.ts';
import { parseSmppConfig } from '../src/channels/smpp/config.ts';
import { blastChannel } from './support/blast.ts';
import type { BenchContext } from './support/context.ts';
import { BENCH_ACCOUNT, BENCH_WINDOW, runAgainstSmsc } from './support/smsc.ts';

/** Submits through SmppChannel with enough concurrent submits to keep its window full; done when every receipt is in. */
function blast(port: number, messages: number): Promise<void> {
  const channel = new SmppChannel(parseSmppConfig({
    name: 'bench', type: 'smpp', host: '127.0.0.1', port, ...BENCH_ACCOUNT,
    binds: 1, window: BENCH_WINDOW, idFormat: { submit: 'hex', receipt: 'decimal' },
  }));
  return blastChannel(channel, messages, '10690');
}

/** The 'smpp' scenario: our Channel with no storage, compared with 'bare'. */
export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  return runAgainstSmsc('smpp', ctx.messages, () => ctx.reference(), (smsc) => blast(smsc.port, ctx.messages));
}
