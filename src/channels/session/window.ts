// The sliding window: requests awaiting their response, oldest first, each with a deadline.
import { retryable, type SendError } from '../errors.ts';

/** Who waits for a response: told exactly once, with the response or with why there will be none. */
export interface ResponseHandler<P> {
  onResponse(response: P): void;
  onError(err: SendError): void;
}

interface Pending<P> {
  handler: ResponseHandler<P>;
  deadline: number;
  /** Counted against the window (keepalives are not). */
  counted: boolean;
}

/** A ResponseHandler settling a promise (the convenient form, for requests off the hot path). */
class Settle<P> implements ResponseHandler<P> {
  constructor(
    readonly onResponse: (response: P) => void,
    readonly onError: (err: SendError) => void,
  ) {}
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
    return new Promise<P>((resolve, reject) => this.track(sequence, new Settle(resolve, reject), counted, now));
  }

  /** Registers a request whose outcome goes to `handler` (synchronously, from settle / expire / failAll): no promise per request. */
  track(sequence: number, handler: ResponseHandler<P>, counted: boolean, now: number): void {
    this.pending.set(sequence, { handler, deadline: now + this.timeoutMs, counted });
    if (counted) this.countedSize++;
  }

  /** Settles the request with this sequence; false when nothing was waiting for it. */
  settle(sequence: number, response: P): boolean {
    const entry = this.take(sequence);
    if (!entry) return false;
    entry.handler.onResponse(response);
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
      entry.handler.onError(retryable(`no response within ${this.timeoutMs} ms`, 'timeout'));
    }
    return { expired, keepalives };
  }

  /** Rejects everything still in flight with the same error. */
  failAll(err: SendError): void {
    const entries = [...this.pending.values()];
    this.pending.clear();
    this.countedSize = 0;
    for (const entry of entries) entry.handler.onError(err);
  }

  private take(sequence: number): Pending<P> | undefined {
    const entry = this.pending.get(sequence);
    if (!entry) return undefined;
    this.pending.delete(sequence);
    if (entry.counted) this.countedSize--;
    return entry;
  }
}
