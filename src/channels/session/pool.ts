// Several binds per channel: each slot reconnects on its own with backoff; submits go round-robin to a
// bind with a free window slot, or wait in FIFO order for one (backpressure). The number of slots can change in
// place: new slots bind, removed ones take no more parts, drain their window and unbind; the others are untouched.
import { setTimeout as sleep } from 'node:timers/promises';
import { asSendError, retryable, type SendError } from '../errors.ts';
import { backoffDelay } from './backoff.ts';
import { Queue } from './queue.ts';

/** What the pool needs from a bound connection. */
export interface PoolMember {
  /** Free window slots now. */
  readonly free: number;
  /** Resolves with the reason when the bind ends. */
  readonly closed: Promise<string>;
}

/** How the pool opens binds and reports changes. */
export interface BindPoolOptions<M> {
  slots: number;
  /** Connects and binds slot `slot`; rejects with a SendError (kind 'config' for refused credentials). */
  open(slot: number): Promise<M>;
  /** Whether submits may use this slot (receivers may not); asked once per slot. */
  canSubmit(slot: number): boolean;
  reconnect: { minMs: number; maxMs: number };
  /** Wait after a config error: slow on purpose (never a tight loop against a refusing carrier). */
  configRetryMs: number;
  /** Called whenever the number of bound slots or the reason changes. */
  onChange(): void;
  /** Closes a bind that completed after the pool stopped (it was not among the members `stop` returned). */
  discard(member: M): Promise<void>;
  /** Ends the bind of a removed slot: waits for its window to drain, then unbinds it the protocol's way. */
  retire(member: M): Promise<void>;
}

/** One bind slot: its member when bound, whether submits may use it, and its reconnect loop. */
interface Slot<M> {
  member: M | null;
  /** options.canSubmit, asked once; false from the moment the slot is removed. */
  submit: boolean;
  /** Set when a resize removed the slot: its loop ends instead of reconnecting. */
  removed: boolean;
  readonly abort: AbortController;
  loop: Promise<void>;
}

/** A request for a window slot: `use` gets a member with a free slot, or `fail` says why none will come. */
export interface Waiter<M> {
  readonly deadline: number;
  use(member: M): void;
  fail(err: SendError): void;
}

/** A set of reconnecting binds with a shared backpressure queue. */
export class BindPool<M extends PoolMember> {
  private slots: Slot<M>[] = [];
  private readonly waiters = new Queue<Waiter<M>>();
  private cursor = 0;
  private sweeper: NodeJS.Timeout | null = null;
  private stopped = false;
  /** Resizes in order, one at a time. */
  private resizing: Promise<void> = Promise.resolve();
  /** Last failure, readable ("bind refused: ESME_RINVPASWD (0x0e)"). */
  lastError: SendError | null = null;
  /** Binds re-established after a loss. */
  reconnects = 0;
  /** Bind attempts made (successful or not). */
  attempts = 0;

  constructor(private readonly options: BindPoolOptions<M>) {}

  /** Slots the pool keeps bound (removed slots still draining not counted). */
  get size(): number {
    let n = 0;
    for (const s of this.slots) if (!s.removed) n++;
    return n;
  }

  /** Bound slots now (removed ones still draining included: the carrier still sees them). */
  get bound(): number {
    let n = 0;
    for (const s of this.slots) if (s.member) n++;
    return n;
  }

  /** Parts waiting for a window slot. */
  get waiting(): number {
    return this.waiters.length;
  }

  /** Bound members (for unbinding on stop). */
  boundMembers(): M[] {
    const members: M[] = [];
    for (const s of this.slots) if (s.member) members.push(s.member);
    return members;
  }

  /** Starts every slot; resolves when one is bound, rejects with the first failure once every slot failed its first attempt. */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      let failures = 0;
      let settled = false;
      for (let slot = 0; slot < this.options.slots; slot++) {
        this.open((err) => {
          if (settled) return;
          if (!err) {
            settled = true;
            resolve();
          } else if (++failures === this.options.slots) {
            settled = true;
            reject(err);
          }
        });
      }
    });
  }

  /**
   * Changes the number of slots in place: slots past `slots` take no more parts, drain their window and unbind (then
   * resolves; the carrier no longer sees them), new slots start binding. The slots kept are not touched.
   */
  resize(slots: number): Promise<void> {
    if (!Number.isInteger(slots) || slots < 1) throw new RangeError(`a pool needs a whole number of slots, at least 1 (got ${slots})`);
    this.resizing = this.resizing.then(() => this.applySize(slots));
    return this.resizing;
  }

  /** Calls `use` synchronously with a member that has a free slot (now, or later in FIFO order); `fail` when the deadline passes or the pool stops. */
  lease(deadline: number, use: (member: M) => void, fail: (err: SendError) => void): void {
    this.acquire({ deadline, use, fail });
  }

  /** lease() for a caller that is its own Waiter (no closures per request). */
  acquire(waiter: Waiter<M>): void {
    if (this.stopped) return waiter.fail(retryable('channel stopped', 'stopped'));
    if (this.waiters.length === 0) {
      const m = this.pick();
      if (m) return waiter.use(m);
    }
    this.waiters.push(waiter);
    if (!this.sweeper) {
      this.sweeper = setInterval(() => this.sweep(), 100);
      this.sweeper.unref();
    }
  }

  /** Hands free slots to waiting parts; call when a window slot frees up or a bind comes up. */
  wake(): void {
    while (this.waiters.length > 0) {
      const m = this.pick();
      if (!m) return;
      this.waiters.shift()!.use(m);
    }
  }

  /** Resolves once every slot has stopped trying: a bind that was still opening at `stop` has been discarded. */
  async ended(): Promise<void> {
    await this.resizing;
    await Promise.all(this.slots.map((s) => s.loop));
  }

  /** Stops reconnecting and fails every waiting part; returns the members still bound (of the slots kept). */
  stop(): M[] {
    this.stopped = true;
    for (const s of this.slots) s.abort.abort();
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    for (const w of this.waiters.removeWhere(() => true)) w.fail(retryable('channel stopped', 'stopped'));
    // removed slots still draining are unbound by their resize, which ended() waits for
    return this.slots.filter((s) => !s.removed && s.member).map((s) => s.member!);
  }

  private async applySize(size: number): Promise<void> {
    if (this.stopped) return;
    const live = this.slots.filter((s) => !s.removed);
    for (let n = live.length; n < size; n++) this.open(() => undefined);
    const removed = live.slice(size);
    for (const s of removed) {
      s.removed = true;
      s.submit = false;
      s.abort.abort();
    }
    if (removed.length) this.options.onChange();
    await Promise.all(removed.map(async (s) => {
      if (s.member) await this.options.retire(s.member);
      await s.loop;
    }));
    this.slots = this.slots.filter((s) => !removed.includes(s));
    if (this.cursor >= this.slots.length) this.cursor = 0;
    this.options.onChange();
  }

  /** Adds a slot and starts its reconnect loop. */
  private open(firstOutcome: (err: SendError | null) => void): void {
    const index = this.slots.length;
    const slot: Slot<M> = { member: null, submit: this.options.canSubmit(index), removed: false, abort: new AbortController(), loop: Promise.resolve() };
    this.slots.push(slot);
    slot.loop = this.run(slot, index, firstOutcome);
  }

  private pick(): M | null {
    const slots = this.slots;
    const n = slots.length;
    for (let i = 0, at = this.cursor; i < n; i++, at = at + 1 === n ? 0 : at + 1) {
      const s = slots[at];
      const m = s.member;
      if (m && s.submit && m.free > 0) {
        this.cursor = at + 1 === n ? 0 : at + 1;
        return m;
      }
    }
    return null;
  }

  private sweep(): void {
    const now = Date.now();
    const expired = this.waiters.removeWhere((w) => w.deadline <= now);
    const reason = this.lastError ? `: ${this.lastError.message}` : '';
    for (const w of expired) w.fail(retryable(`no bind with a free window before the deadline${reason}`, 'no-bind'));
    if (this.waiters.length === 0 && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = null;
    }
  }

  private async run(slot: Slot<M>, index: number, firstOutcome: (err: SendError | null) => void): Promise<void> {
    let failures = 0;
    let everBound = false;
    while (!this.stopped && !slot.removed) {
      let error: SendError;
      try {
        this.attempts++;
        const member = await this.options.open(index);
        if (this.stopped || slot.removed) {
          await this.options.discard(member);
          return firstOutcome(retryable('channel stopped', 'stopped'));
        }
        if (everBound) this.reconnects++;
        everBound = true;
        failures = 0;
        slot.member = member;
        this.lastError = null;
        this.options.onChange();
        firstOutcome(null);
        this.wake();
        const reason = await member.closed;
        slot.member = null;
        error = retryable(`bind lost: ${reason}`, 'closed');
      } catch (err) {
        error = asSendError(err);
        failures++;
        firstOutcome(error);
      }
      if (this.stopped || slot.removed) return;
      this.lastError = error;
      this.options.onChange();
      const { minMs, maxMs } = this.options.reconnect;
      const delay = error.kind === 'config' ? this.options.configRetryMs : backoffDelay(failures, minMs, maxMs);
      try {
        await sleep(delay, undefined, { signal: slot.abort.signal });
      } catch {
        return;
      }
    }
  }
}
