// Matching receipts to messages in memory, including the race where a receipt arrives before the
// submit response that carries its id: such a receipt is parked and handed over when the id lands.

/** The part of a receipt the matcher needs. */
export interface MatchableReceipt {
  channel: string;
  carrierId: string;
}

interface Entry<T> {
  value: T;
  at: number;
}

/** In-memory (channel, carrierId) → message id with parked early receipts; both sides expire after ttlMs. */
export class ReceiptMatcher<R extends MatchableReceipt> {
  private readonly known = new Map<string, Entry<string>>();
  private readonly parked = new Map<string, Entry<R[]>>();

  constructor(private readonly ttlMs = 10 * 60_000) {}

  /** Receipts parked now. */
  get parkedCount(): number {
    let n = 0;
    for (const e of this.parked.values()) n += e.value.length;
    return n;
  }

  /** The submit response gave `carrierId` to `messageId`: returns receipts that were waiting for it. */
  submitted(channel: string, carrierId: string, messageId: string, now = Date.now()): R[] {
    const key = `${channel}\u0000${carrierId}`;
    this.known.set(key, { value: messageId, at: now });
    const waiting = this.parked.get(key);
    if (!waiting) return [];
    this.parked.delete(key);
    return waiting.value;
  }

  /** A receipt arrived: the message id when known, else undefined and the receipt is parked. */
  receipt(r: R, now = Date.now()): string | undefined {
    const key = `${r.channel}\u0000${r.carrierId}`;
    const known = this.known.get(key);
    if (known) return known.value;
    const waiting = this.parked.get(key);
    if (waiting) waiting.value.push(r);
    else this.parked.set(key, { value: [r], at: now });
    return undefined;
  }

  /** Forgets ids and parked receipts older than the ttl; returns the receipts that never found their message. */
  sweep(now = Date.now()): R[] {
    const cutoff = now - this.ttlMs;
    for (const [key, e] of this.known) {
      if (e.at > cutoff) break;
      this.known.delete(key);
    }
    const orphans: R[] = [];
    for (const [key, e] of this.parked) {
      if (e.at > cutoff) break;
      this.parked.delete(key);
      orphans.push(...e.value);
    }
    return orphans;
  }
}
