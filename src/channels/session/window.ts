// The sliding window: requests awaiting their response, oldest first, each with a deadline.
import { retryable, type SendError } from '../errors.ts';

interface Pending<P> {
  resolve: (p: P) => void;
  reject: (e: SendError) => void;
  deadline: number;
  /** Counted against the window (keepalives are not). */
  counted: boolean;
}

/** In-flight requests keyed by sequence number; one sweep finds the timed-out ones (Map order = send order = deadline order). */
export class Window<P> {
  private readonly pending = new Map<number, Pending<P>>();
  private countedSize = 0;

  constructor(
    /** How many counted requests may be in flight. */
    public limit: number,
    private readonly timeoutMs: number,
  ) {}

  /** Counted requests in flight. */
  get size(): number {
    return this.countedSize;
  }

  /** Free counted slots (never negative). */
  get free(): number {
    return Math.max(0, this.limit - this.countedSize);
  }

  /** Registers a request; the promise settles with its response, a timeout or the connection's end. */
  add(sequence: number, counted: boolean, now: number): Promise<P> {
    return new Promise<P>((resolve, reject) => {
      this.pending.set(sequence, { resolve, reject, deadline: now + this.timeoutMs, counted });
      if (counted) this.countedSize++;
    });
  }

  /** Settles the request with this sequence; false when nothing was waiting for it. */
  settle(sequence: number, response: P): boolean {
    const entry = this.take(sequence);
    if (!entry) return false;
    entry.resolve(response);
    return true;
  }

  /** Rejects requests past their deadline; returns how many of them were uncounted (keepalives). */
  expire(now: number): { expired: number; keepalives: number } {
    let expired = 0;
    let keepalives = 0;
    for (const [seq, entry] of this.pending) {
      if (entry.deadline > now) break;
      this.take(seq);
      expired++;
      if (!entry.counted) keepalives++;
      entry.reject(retryable(`no response within ${this.timeoutMs} ms`, 'timeout'));
    }
    return { expired, keepalives };
  }

  /** Rejects everything still in flight with the same error. */
  failAll(err: SendError): void {
    const entries = [...this.pending.values()];
    this.pending.clear();
    this.countedSize = 0;
    for (const entry of entries) entry.reject(err);
  }

  private take(sequence: number): Pending<P> | undefined {
    const entry = this.pending.get(sequence);
    if (!entry) return undefined;
    this.pending.delete(sequence);
    if (entry.counted) this.countedSize--;
    return entry;
  }
}
