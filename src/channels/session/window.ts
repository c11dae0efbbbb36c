// The sliding window: requests awaiting their response, oldest first, each with a deadline.
//
// Stored in an open-addressing table keyed by sequence number (linear probing, backward-shift deletion) whose
// arrays are only replaced when it grows. A Map would do the same job, but a Map rehashes into a new table every few
// hundred inserts and the old table keeps pointing at the new one and at the requests it held: once one of those old
// tables sits in the old generation, every later table and every request in flight is copied and promoted by each
// scavenge, which at full load cost more CPU than the rest of the channel together.
import { retryable, type SendError } from '../errors.ts';

/** Who waits for a response: told exactly once, with the response or with why there will be none. */
export interface ResponseHandler<P> {
  onResponse(response: P): void;
  onError(err: SendError): void;
}

/** A ResponseHandler settling a promise (the convenient form, for requests off the hot path). */
class Settle<P> implements ResponseHandler<P> {
  constructor(
    readonly onResponse: (response: P) => void,
    readonly onError: (err: SendError) => void,
  ) {}
}

/** Initial table size (a power of two); the table doubles whenever it is half full. */
const INITIAL_CAPACITY = 64;

/** In-flight requests keyed by sequence number, each with its deadline; timed-out and failed ones are told in send order. */
export class Window<P> {
  private mask = INITIAL_CAPACITY - 1;
  /** Per slot: the request's handler (undefined = free slot), sequence, deadline, send order and whether it is counted. */
  private handlers: (ResponseHandler<P> | undefined)[] = new Array<ResponseHandler<P> | undefined>(INITIAL_CAPACITY).fill(undefined);
  private sequences = new Float64Array(INITIAL_CAPACITY);
  private deadlines = new Float64Array(INITIAL_CAPACITY);
  private orders = new Float64Array(INITIAL_CAPACITY);
  private counteds = new Uint8Array(INITIAL_CAPACITY);
  private entries = 0;
  /**
   * No entry sits further than this past its home slot (a bound kept since the table was last emptied or rebuilt), so a
   * deletion stops shifting there: with consecutive sequences it is 0, and the run of requests in flight is not walked.
   */
  private maxShift = 0;
  private countedSize = 0;
  private nextOrder = 0;

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
    let slot = this.find(sequence);
    if (slot >= 0) {
      // the same sequence again replaces the earlier request (as a Map would)
      if (this.counteds[slot]) this.countedSize--;
    } else {
      if ((this.entries + 1) * 2 > this.mask + 1) this.grow();
      slot = this.probe(sequence);
      this.entries++;
    }
    this.handlers[slot] = handler;
    this.sequences[slot] = sequence;
    this.deadlines[slot] = now + this.timeoutMs;
    this.orders[slot] = this.nextOrder++;
    this.counteds[slot] = counted ? 1 : 0;
    if (counted) this.countedSize++;
  }

  /** Settles the request with this sequence; false when nothing was waiting for it. */
  settle(sequence: number, response: P): boolean {
    const slot = this.find(sequence);
    if (slot < 0) return false;
    this.take(slot).onResponse(response);
    return true;
  }

  /** The handler waiting for `sequence` (left in place), or undefined. */
  waiting(sequence: number): ResponseHandler<P> | undefined {
    const slot = this.find(sequence);
    return slot < 0 ? undefined : this.handlers[slot];
  }

  /** Removes the request with this sequence without telling its handler (its owner settles it); true when it was counted. */
  release(sequence: number): boolean {
    const slot = this.find(sequence);
    if (slot < 0) return false;
    const counted = this.counteds[slot] === 1;
    this.take(slot);
    return counted;
  }

  /** Rejects requests past their deadline, oldest first; returns how many of them were uncounted (keepalives). */
  expire(now: number): { expired: number; keepalives: number } {
    const due = this.slotsInOrder((slot) => this.deadlines[slot] <= now);
    if (due.length === 0) return { expired: 0, keepalives: 0 };
    let keepalives = 0;
    // taking an entry may move others (backward shift): look each one up again by its sequence
    const handlers = due.map((slot) => this.sequences[slot]).map((sequence) => {
      const slot = this.find(sequence);
      if (!this.counteds[slot]) keepalives++;
      return this.take(slot);
    });
    for (const handler of handlers) handler.onError(retryable(`no response within ${this.timeoutMs} ms`, 'timeout'));
    return { expired: handlers.length, keepalives };
  }

  /** Rejects everything still in flight with the same error. */
  failAll(err: SendError): void {
    const handlers = this.slotsInOrder(() => true).map((slot) => this.handlers[slot]!);
    this.handlers.fill(undefined);
    this.entries = 0;
    this.maxShift = 0;
    this.countedSize = 0;
    for (const handler of handlers) handler.onError(err);
  }

  /** The slot holding `sequence`, or -1. */
  private find(sequence: number): number {
    const mask = this.mask;
    for (let slot = sequence & mask; this.handlers[slot] !== undefined; slot = (slot + 1) & mask) {
      if (this.sequences[slot] === sequence) return slot;
    }
    return -1;
  }

  /** Occupied slots matching `keep`, in send order. */
  private slotsInOrder(keep: (slot: number) => boolean): number[] {
    const slots: number[] = [];
    for (let slot = 0; slot <= this.mask; slot++) if (this.handlers[slot] !== undefined && keep(slot)) slots.push(slot);
    return slots.sort((a, b) => this.orders[a] - this.orders[b]);
  }

  /** Removes the entry at `slot` and returns its handler (backward-shift deletion: later entries of the probe run move up, so lookups need no tombstones). */
  private take(slot: number): ResponseHandler<P> {
    const handler = this.handlers[slot]!;
    if (this.counteds[slot]) this.countedSize--;
    this.entries--;
    const mask = this.mask;
    let hole = slot;
    for (let next = (hole + 1) & mask; this.handlers[next] !== undefined && ((next - hole) & mask) <= this.maxShift; next = (next + 1) & mask) {
      const home = this.sequences[next] & mask;
      // the entry at `next` may fill the hole unless its home lies cyclically in (hole, next]
      const stays = hole <= next ? home > hole && home <= next : home > hole || home <= next;
      if (stays) continue;
      this.handlers[hole] = this.handlers[next];
      this.sequences[hole] = this.sequences[next];
      this.deadlines[hole] = this.deadlines[next];
      this.orders[hole] = this.orders[next];
      this.counteds[hole] = this.counteds[next];
      hole = next;
    }
    this.handlers[hole] = undefined;
    return handler;
  }

  /** The first free slot from the home of `sequence`, widening maxShift when it lies further than any so far. */
  private probe(sequence: number): number {
    const mask = this.mask;
    const home = sequence & mask;
    let slot = home;
    while (this.handlers[slot] !== undefined) slot = (slot + 1) & mask;
    const shift = (slot - home) & mask;
    if (shift > this.maxShift) this.maxShift = shift;
    return slot;
  }

  /** Doubles the table, re-inserting every entry. */
  private grow(): void {
    const { handlers, sequences, deadlines, orders, counteds } = this;
    const capacity = (this.mask + 1) * 2;
    this.mask = capacity - 1;
    this.handlers = new Array<ResponseHandler<P> | undefined>(capacity).fill(undefined);
    this.sequences = new Float64Array(capacity);
    this.deadlines = new Float64Array(capacity);
    this.orders = new Float64Array(capacity);
    this.counteds = new Uint8Array(capacity);
    this.maxShift = 0;
    for (let old = 0; old < handlers.length; old++) {
      if (handlers[old] === undefined) continue;
      const slot = this.probe(sequences[old]);
      this.handlers[slot] = handlers[old];
      this.sequences[slot] = sequences[old];
      this.deadlines[slot] = deadlines[old];
      this.orders[slot] = orders[old];
      this.counteds[slot] = counteds[old];
    }
  }
}
