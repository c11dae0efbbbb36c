// Reassembly of concatenated inbound messages: parts in any order, duplicates ignored, and after a
// timeout whatever arrived is delivered, marked incomplete.
import { Queue } from '../session/queue.ts';

/** A reassembled (or timed-out) message: the part texts in order, the first part's metadata. */
export interface Assembled<M> {
  text: string;
  parts: number;
  total: number;
  incomplete: boolean;
  meta: M;
}

interface Pending<M> {
  key: string;
  texts: (string | undefined)[];
  received: number;
  meta: M;
  deadline: number;
}

/** Collects parts keyed by (sender, recipient, reference, total); call sweep() periodically. */
export class Reassembler<M> {
  private readonly pending = new Map<string, Pending<M>>();
  private readonly order = new Queue<Pending<M>>();
  /** Recently completed messages, so a late duplicate part is not taken for the start of a new message. */
  private readonly done = new Map<string, { texts: (string | undefined)[]; until: number }>();

  constructor(
    private readonly timeoutMs: number,
    private readonly onMessage: (m: Assembled<M>) => void,
  ) {}

  /** Parts being waited for. */
  get size(): number {
    return this.pending.size;
  }

  /** Adds one part; returns false for a duplicate. Emits the message as soon as every part is in. */
  add(key: string, total: number, seq: number, text: string, meta: M, now = Date.now()): boolean {
    const k = `${key}\u0000${total}`;
    let entry = this.pending.get(k);
    if (!entry && this.done.get(k)?.texts[seq - 1] === text) return false;
    if (!entry) {
      entry = { key: k, texts: new Array<string | undefined>(total), received: 0, meta, deadline: now + this.timeoutMs };
      this.pending.set(k, entry);
      this.order.push(entry);
    }
    if (entry.texts[seq - 1] !== undefined) return false;
    entry.texts[seq - 1] = text;
    if (seq === 1) entry.meta = meta;
    if (++entry.received === total) this.finish(entry, false);
    return true;
  }

  /** Delivers, marked incomplete, every message older than the timeout. */
  sweep(now = Date.now()): void {
    for (const [k, d] of this.done) {
      if (d.until > now) break;
      this.done.delete(k);
    }
    for (let head = this.order.peek(); head && (head.deadline <= now || this.pending.get(head.key) !== head); head = this.order.peek()) {
      this.order.shift();
      if (this.pending.get(head.key) === head) this.finish(head, true);
    }
  }

  /** Delivers everything pending now (on stop). */
  flush(): void {
    this.sweep(Infinity);
  }

  private finish(entry: Pending<M>, incomplete: boolean): void {
    this.pending.delete(entry.key);
    this.done.delete(entry.key);
    this.done.set(entry.key, { texts: entry.texts, until: entry.deadline });
    this.onMessage({ text: entry.texts.join(''), parts: entry.received, total: entry.texts.length, incomplete, meta: entry.meta });
  }
}
