// The CMPP channel (login, windows, retries, status reports matched on 64-bit Msg_Ids) against the virtual
// carrier's CMPP side, without a database; compared with the bare SMPP reference of the same run.
import type { Receipt } from '../src/channels/channel.ts';
import { CmppChannel } from '../src/channels/cmpp/client.ts';
import { parseCmppConfig } from '../src/channels/cmpp/config.ts';
import type { BenchContext } from './support/context.ts';
import { BENCH_ACCOUNT, BENCH_WINDOW, benchNumber, benchText, runAgainstSmsc } from './support/smsc.ts';

/** Submits through CmppChannel with enough concurrent submits to keep its window full; done when every report is in. */
async function blast(port: number, messages: number): Promise<void> {
  const channel = new CmppChannel(parseCmppConfig({
    name: 'bench', type: 'cmpp', host: '127.0.0.1', port, spId: BENCH_ACCOUNT.systemId, sharedSecret: BENCH_ACCOUNT.password,
    serviceId: 'BENCH', serviceNumber: '10690', binds: 1, window: BENCH_WINDOW,
  }));
  let receipts = 0;
  const allReceipts = new Promise<void>((resolve) => {
    channel.on('receipt', (_r: Receipt) => {
      if (++receipts === messages) resolve();
    });
  });
  await channel.start();
  let next = 0;
  const worker = async () => {
    while (next < messages) {
      const i = next++;
      await channel.submit({ id: String(i), from: '10690', to: benchNumber(i), text: benchText(i) });
    }
  };
  await Promise.all(Array.from({ length: BENCH_WINDOW * 2 }, worker));
  await allReceipts;
  await channel.stop();
}

/** The 'cmpp' scenario: our CMPP channel with no storage, compared with 'bare'. */
export async function run(ctx: BenchContext): Promise<Record<string, unknown>> {
  return runAgainstSmsc('cmpp', ctx.messages, () => ctx.reference(), (smsc) => blast(smsc.cmppPort!, ctx.messages), 'cmpp');
}
