// Reassembly of concatenated inbound messages: parts in any order, duplicates ignored, and after a
// timeout whatever arrived is delivered, marked incomplete. Every part learns when the message holding it
// has been handed on (and, for a durable receiver, stored), so it is acknowledged to the carrier only then.
import { Queue } from './queue.ts';

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
  /** Settles once the message is handed on: resolves when stored, rejects when storing failed. */
  stored: Promise<void>;
  settle: (outcome: Promise<void> | void) => void;
}

/** A handed-on message kept until its deadline, so a late (or redelivered) duplicate part is not taken for a new message. */
interface Done {
  texts: (string | undefined)[];
  until: number;
  stored: Promise<void>;
}

/** Collects parts keyed by (sender, recipient, reference, total); call sweep() periodically. */
export class Reassembler<M> {
  private readonly pending = new Map<string, Pending<M>>();
  private readonly order = new Queue<Pending<M>>();
  private readonly done = new Map<string, Done>();

  constructor(
    private readonly timeoutMs: number,
    /** Hands on a whole (or timed-out) message; a returned promise says when it is durably stored. */
    private readonly onMessage: (m: Assembled<M>) => Promise<void> | void,
  ) {}

  /** Parts being waited for. */
  get size(): number {
    return this.pending.size;
  }

  /**
   * Adds one part (a duplicate is not added again). The result settles once the message holding this part has been
   * handed on and stored, or rejects when storing it failed: only then may the part be acknowledged to the carrier.
   */
  add(key: string, total: number, seq: number, text: string, meta: M, now = Date.now()): Promise<void> {
    const k = `${key}\u0000${total}`;
    let entry = this.pending.get(k);
    if (!entry) {
      const done = this.done.get(k);
      if (done && done.texts[seq - 1] === text) return done.stored;
      entry = this.open(k, total, meta, now);
    }
    if (entry.texts[seq - 1] !== undefined) return entry.stored;
    entry.texts[seq - 1] = text;
    if (seq === 1) entry.meta = meta;
    const { stored } = entry;
    if (++entry.received === total) this.finish(entry, false);
    return stored;
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

  private open(k: string, total: number, meta: M, now: number): Pending<M> {
    let settle!: (outcome: Promise<void> | void) => void;
    // resolving with the store's promise adopts its outcome
    const stored = new Promise<void>((resolve) => (settle = resolve));
    const entry: Pending<M> = { key: k, texts: new Array<string | undefined>(total), received: 0, meta, deadline: now + this.timeoutMs, stored, settle };
    this.pending.set(k, entry);
    this.order.push(entry);
    return entry;
  }

  private finish(entry: Pending<M>, incomplete: boolean): void {
    const { key, stored } = entry;
    this.pending.delete(key);
    this.done.delete(key);
    this.done.set(key, { texts: entry.texts, until: entry.deadline, stored });
    // storing failed: the carrier will offer the parts again, and they must then make a new message, not duplicates
    stored.catch(() => {
      if (this.done.get(key)?.stored === stored) this.done.delete(key);
    });
    let outcome: Promise<void> | void;
    try {
      outcome = this.onMessage({ text: entry.texts.join(''), parts: entry.received, total: entry.texts.length, incomplete, meta: entry.meta });
    } catch (err) {
      outcome = Promise.reject(err);
    }
    entry.settle(outcome);
  }
}
