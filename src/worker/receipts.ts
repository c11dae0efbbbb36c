import type { Deps } from '../deps.ts';
import type { Receipt } from '../channels/channel.ts';
import { IsoTimes } from './iso-times.ts';
import { takeMatchablePendingReceipts, type ReceiptUpdate } from '../store/repos/messages.ts';

const pendingSweepMs = 1000;

/** Receipts taken for one write, and the resolvers that acknowledge them to the carrier once it is committed. */
export interface ReceiptBatch { receipts: ReceiptUpdate[]; stored: (() => void)[] }

/**
 * Buffers delivery reports from every channel until the dispatcher's next flush writes them (folded into the write
 * of their submit when that is still buffered). A report whose carrier id is not stored yet waits in
 * pending_receipts and is matched on a later sweep.
 */
export class ReceiptWriter {
  private receipts: ReceiptUpdate[] = [];
  /** Resolvers of the buffered receipts, in the same order. */
  private stored: (() => void)[] = [];
  private sweepTimer: NodeJS.Timeout | null = null;
  private readonly doneAt = new IsoTimes();
  private readonly receivedAt = new IsoTimes();

  /** `flush` writes what is buffered (the dispatcher's flush, which takes the receipts from here). */
  constructor(private readonly deps: Deps, private readonly flush: () => Promise<void>) {}

  /** Starts the pending-match timer. */
  start(): void {
    this.sweepTimer = setInterval(() => { void this.sweepPending(); }, pendingSweepMs);
  }

  /** Takes a receipt from a channel; resolves once it is stored (then the channel acknowledges it to the carrier). */
  receipt(channelId: string, r: Receipt): Promise<void> {
    return new Promise((resolve) => {
      this.receipts.push({ channelId, carrierId: r.carrierId, status: r.status, stat: r.stat, err: r.err, doneAt: r.doneAt ? this.doneAt.of(r.doneAt) : null, receivedAt: this.receivedAt.of(this.deps.now()) });
      this.stored.push(resolve);
    });
  }

  /** Hands every buffered receipt to a write. */
  take(): ReceiptBatch {
    const batch = { receipts: this.receipts, stored: this.stored };
    this.receipts = [];
    this.stored = [];
    return batch;
  }

  /** Puts back the receipts of a write that failed, to be written again. */
  restore(batch: ReceiptBatch): void {
    this.receipts.unshift(...batch.receipts);
    this.stored.unshift(...batch.stored);
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

  /** Stops the timer and writes what is left. */
  async stop(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await this.sweepPending();
    await this.flush();
  }
}
