// The SMSC both SMPP scenarios run against: the virtual carrier in a child process, tuned for load.
import { forkSimulator, type SimulatorChild } from '../../src/channels/simulator/child.ts';
import type { SimulatorProcessOptions } from '../../src/channels/simulator/process.ts';
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

/** CPU microseconds (user + system) per message, one decimal. */
function perMessage(cpu: NodeJS.CpuUsage, messages: number): number {
  return Math.round(((cpu.user + cpu.system) / messages) * 10) / 10;
}

/** Forks the SMSC, runs `send` (which resolves once every receipt is in), and builds the result line. */
export async function runAgainstSmsc(
  scenario: string,
  messages: number,
  referencePerSecond: (own: number) => Promise<number>,
  send: (smsc: SimulatorChild) => Promise<void>,
  /** The protocol the carrier speaks (default SMPP) and settings of its own (e.g. SGIP's callback). */
  carrier: Pick<SimulatorProcessOptions, 'protocol' | 'config'> = {},
): Promise<BenchResult> {
  const smsc = await forkSimulator({
    protocol: carrier.protocol,
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
    const stats = await smsc.stats();
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
