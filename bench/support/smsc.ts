// The SMSC the channel scenarios run against: the virtual carrier in a child process, tuned for load.
import type { Channel, Receipt } from '../../src/channels/channel.ts';
import { forkSimulator, type SimulatorChild } from '../../src/channels/simulator/child.ts';
import type { SimulatorProcessOptions } from '../../src/channels/simulator/process.ts';
import type { CarrierProtocol } from '../../src/channels/simulator/protocols.ts';
import type { BenchResult } from './context.ts';
import { trackPeakRss } from './rss.ts';

/** Window and binds shared by the bare reference and the full channel, so the comparison is fair. */
export const BENCH_WINDOW = 200;
/** Credentials the benchmark SMSC accepts. */
export const BENCH_ACCOUNT = { systemId: 'bench', password: 'bench' };

/** Destination of message i: distinct numbers, so the SMSC can spot duplicates. */
export function benchNumber(i: number): string {
  return `86138${String(i).padStart(8, '0')}`;
}

/** Text of message i (single part, GSM-7). */
export function benchText(i: number): string {
  return `Tidings benchmark message ${i}`;
}

/** Submits (from `from`) through a channel with enough concurrent submits to keep its window full; done when every receipt is in. */
export async function blastChannel(channel: Channel, messages: number, from = '10690'): Promise<void> {
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
      await channel.submit({ id: String(i), from, to: benchNumber(i), text: benchText(i) });
    }
  };
  await Promise.all(Array.from({ length: BENCH_WINDOW * 2 }, worker));
  await allReceipts;
  await channel.stop();
}

/** CPU microseconds (user + system) per message, one decimal. */
function perMessage(cpu: NodeJS.CpuUsage, messages: number): number {
  return Math.round(((cpu.user + cpu.system) / messages) * 10) / 10;
}

/**
 * Forks the SMSC, runs `send` (which resolves once every receipt is in), and builds the result line. The
 * counters reported are those of the `carrier` side driven.
 */
export async function runAgainstSmsc(
  scenario: string,
  messages: number,
  referencePerSecond: (own: number) => Promise<number>,
  send: (smsc: SimulatorChild) => Promise<void>,
  /**
   * The carrier side the scenario drives: SMPP by default, 'cmpp' (the simulator's CMPP side, its port in
   * `smsc.cmppPort`), or SGIP / SMGP on the main port; and settings of its own (e.g. SGIP's callback).
   */
  carrier: { protocol?: CarrierProtocol | 'cmpp'; config?: SimulatorProcessOptions['config'] } = {},
): Promise<BenchResult> {
  const { protocol } = carrier;
  const smsc = await forkSimulator({
    ...(protocol === 'cmpp' ? { cmppPort: 0 } : { protocol }),
    config: { accounts: [BENCH_ACCOUNT], keepInbox: false, receiptDelayMs: 0, idStyle: { radix: 16 }, receiptIdStyle: { radix: 10 }, ...carrier.config },
  });
  try {
    const rss = trackPeakRss();
    const smscCpu = await smsc.cpuUsage();
    const cpu = process.cpuUsage();
    const started = process.hrtime.bigint();
    await send(smsc);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const used = process.cpuUsage(cpu);
    const smscCpuAfter = await smsc.cpuUsage();
    const peakRssMb = rss.stop();
    const stats = await smsc.stats(protocol === 'cmpp' ? 'cmpp' : undefined);
    const perSecond = Math.round(messages / seconds);
    const reference = await referencePerSecond(perSecond);
    return {
      scenario,
      messages,
      seconds: Math.round(seconds * 1000) / 1000,
      perSecond,
      referencePerSecond: reference,
      ratio: Math.round((perSecond / reference) * 100) / 100,
      peakRssMb,
      lost: Math.max(0, messages - stats.uniqueMessages),
      duplicates: stats.duplicates,
      cpuMicrosPerMessage: perMessage(used, messages),
      smscCpuMicrosPerMessage: perMessage({ user: smscCpuAfter.user - smscCpu.user, system: smscCpuAfter.system - smscCpu.system }, messages),
    };
  } finally {
    await smsc.stop();
  }
}
