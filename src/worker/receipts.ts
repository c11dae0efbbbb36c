import type { Deps } from '../deps.ts';
import type { ChannelLogEntry, Receipt } from '../channels/channel.ts';
import type { Effects } from './effects.ts';
import { appendChannelLog, applyReceipts, takeMatchablePendingReceipts, type ReceiptUpdate } from '../store/repos/messages.ts';

const flushMs = 20;
const pendingSweepMs = 1000;

/**
 * Buffers delivery reports and carrier log lines from every channel and writes them in batches. A report whose
 * carrier id is not stored yet waits in pending_receipts and is matched on a later sweep.
 */
export class ReceiptWriter {
  private receipts: ReceiptUpdate[] = [];
  /** Resolvers of the buffered receipts, in the same order. */
  private stored: (() => void)[] = [];
  /** Carrier log lines buffered per message: each flush writes one row per message (lines joined). */
  private logs = new Map<string, [string, string, string, string]>();
  private timer: NodeJS.Timeout | null = null;
  private sweepTimer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();

  /** `before` runs ahead of each write: the dispatcher's flush, so carrier ids are stored before their receipts. */
  constructor(private readonly deps: Deps, private readonly effects: Effects, private readonly before: () => Promise<void>) {}

  /** Starts the flush and pending-match timers. */
  start(): void {
    this.timer = setInterval(() => { void this.flush(); }, flushMs);
    this.sweepTimer = setInterval(() => { void this.sweepPending(); }, pendingSweepMs);
  }

  /** Takes a receipt from a channel; resolves once it is stored (then the channel acknowledges it to the carrier). */
  receipt(channelId: string, r: Receipt): Promise<void> {
    return new Promise((resolve) => {
      this.receipts.push({ channelId, carrierId: r.carrierId, status: r.status, stat: r.stat, err: r.err, doneAt: r.doneAt ? r.doneAt.toISOString() : null, receivedAt: this.deps.now().toISOString() });
      this.stored.push(resolve);
    });
  }

  /** Takes a carrier log line from a channel. */
  log(_channelId: string, e: ChannelLogEntry): void {
    const line = `${e.direction === 'out' ? '→' : '←'} ${e.summary}`;
    const row = this.logs.get(e.messageId);
    if (row) row[3] += `\n${line}`;
    else this.logs.set(e.messageId, [e.messageId, e.at.toISOString(), e.direction, line]);
  }

  /** Writes what is buffered. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      const [receipts, stored, logs] = [this.receipts, this.stored, [...this.logs.values()]];
      this.receipts = []; this.stored = []; this.logs = new Map();
      try {
        if (receipts.length) await this.before();
        if (logs.length) await appendChannelLog(this.deps.store, logs);
        if (receipts.length) await this.apply(receipts);
        for (const done of stored) done();
      } catch (err) {
        this.deps.log.error({ err, receipts: receipts.length }, 'writing receipts failed; will retry');
        this.receipts.unshift(...receipts);
        this.stored.unshift(...stored);
      }
    });
    return this.flushing;
  }

  private async apply(receipts: ReceiptUpdate[]): Promise<void> {
    const effects = await applyReceipts(this.deps.store, receipts);
    // The receipts are stored now: a failure below must not put them back (they would be applied twice).
    if (effects.length) await this.effects.finished(effects).catch((err) => this.deps.log.error({ err, messages: effects.length }, 'after-effects of receipts failed'));
  }

  /** Matches receipts that arrived before their carrier id was stored. */
  async sweepPending(): Promise<void> {
    try {
      const ready = await takeMatchablePendingReceipts(this.deps.store);
      for (const r of ready) {
        this.receipts.push(r);
        this.stored.push(() => undefined);
      }
    } catch (err) {
      this.deps.log.warn({ err }, 'matching pending receipts failed');
    }
  }

  /** Stops the timers and writes what is left. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await this.sweepPending();
    await this.flush();
  }
}
