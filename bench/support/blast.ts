// Driving a Channel at full load: enough concurrent submits to keep its window full, done when every receipt is in.
import type { Channel } from '../../src/channels/channel.ts';
import { BENCH_WINDOW, benchNumber, benchText } from './smsc.ts';

/** Starts `channel`, submits `messages` benchmark messages from `from`, waits for every receipt, stops it. */
export async function blastChannel(channel: Channel, messages: number, from: string): Promise<void> {
  let receipts = 0;
  const allReceipts = new Promise<void>((resolve) => {
    channel.on('receipt', () => {
      if (++receipts === messages) resolve();
    });
  });
  await channel.start();
  let next = 0;
  const worker = async () => {
    while (next < messages) {
      const i = next++;
      await channel.submit({ id: String(i), from, to: benchNumber(i), text: benchText(i) });
    }
  };
  await Promise.all(Array.from({ length: BENCH_WINDOW * 2 }, worker));
  await allReceipts;
  await channel.stop();
}
