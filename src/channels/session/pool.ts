// Several binds per channel: each slot reconnects on its own with backoff; submits go round-robin to a
// bind with a free window slot, or wait in FIFO order for one (backpressure).
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
}

/** A request for a window slot: `use` gets a member with a free slot, or `fail` says why none will come. */
export interface Waiter<M> {
  readonly deadline: number;
  use(member: M): void;
  fail(err: SendError): void;
}

/** A set of reconnecting binds with a shared backpressure queue. */
export class BindPool<M extends PoolMember> {
  private readonly members: (M | null)[];
  /** options.canSubmit per slot, asked once. */
  private readonly submitSlots: boolean[];
  private readonly waiters = new Queue<Waiter<M>>();
  private readonly abort = new AbortController();
  private cursor = 0;
  private sweeper: NodeJS.Timeout | null = null;
  private stopped = false;
  /** Each slot's reconnect loop, ended after stop. */
  private readonly loops: Promise<void>[] = [];
  /** Last failure, readable ("bind refused: ESME_RINVPASWD (0x0e)"). */
  lastError: SendError | null = null;
  /** Binds re-established after a loss. */
  reconnects = 0;
  /** Bind attempts made (successful or not). */
  attempts = 0;

  constructor(private readonly options: BindPoolOptions<M>) {
    this.members = new Array<M | null>(options.slots).fill(null);
    this.submitSlots = Array.from({ length: options.slots }, (_, slot) => options.canSubmit(slot));
  }

  /** Bound slots now. */
  get bound(): number {
    let n = 0;
    for (const m of this.members) if (m) n++;
    return n;
  }

  /** Parts waiting for a window slot. */
  get waiting(): number {
    return this.waiters.length;
  }

  /** Bound members (for unbinding on stop). */
  boundMembers(): M[] {
    return this.members.filter((m): m is M => m !== null);
  }

  /** Starts every slot; resolves when one is bound, rejects with the first failure once every slot failed its first attempt. */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      let failures = 0;
      let settled = false;
      for (let slot = 0; slot < this.options.slots; slot++) {
        this.loops.push(this.run(slot, (err) => {
          if (settled) return;
          if (!err) {
            settled = true;
            resolve();
          } else if (++failures === this.options.slots) {
            settled = true;
            reject(err);
          }
        }));
      }
    });
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
    await Promise.all(this.loops);
  }

  /** Stops reconnecting and fails every waiting part; returns the members still bound. */
  stop(): M[] {
    this.stopped = true;
    this.abort.abort();
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
    for (const w of this.waiters.removeWhere(() => true)) w.fail(retryable('channel stopped', 'stopped'));
    return this.boundMembers();
  }

  private pick(): M | null {
    const n = this.members.length;
    for (let i = 0, slot = this.cursor; i < n; i++, slot = slot + 1 === n ? 0 : slot + 1) {
      const m = this.members[slot];
      if (m && this.submitSlots[slot] && m.free > 0) {
        this.cursor = slot + 1 === n ? 0 : slot + 1;
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

  private async run(slot: number, firstOutcome: (err: SendError | null) => void): Promise<void> {
    let failures = 0;
    let everBound = false;
    while (!this.stopped) {
      let error: SendError;
      try {
        this.attempts++;
        const member = await this.options.open(slot);
        if (this.stopped) {
          await this.options.discard(member);
          return firstOutcome(retryable('channel stopped', 'stopped'));
        }
        if (everBound) this.reconnects++;
        everBound = true;
        failures = 0;
        this.members[slot] = member;
        this.lastError = null;
        this.options.onChange();
        firstOutcome(null);
        this.wake();
        const reason = await member.closed;
        this.members[slot] = null;
        error = retryable(`bind lost: ${reason}`, 'closed');
      } catch (err) {
        error = asSendError(err);
        failures++;
        firstOutcome(error);
      }
      if (this.stopped) return;
      this.lastError = error;
      this.options.onChange();
      const { minMs, maxMs } = this.options.reconnect;
      const delay = error.kind === 'config' ? this.options.configRetryMs : backoffDelay(failures, minMs, maxMs);
      try {
        await sleep(delay, undefined, { signal: this.abort.signal });
      } catch {
        return;
      }
    }
  }
}
