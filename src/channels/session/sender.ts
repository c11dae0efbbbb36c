// The outbound side every binary-protocol channel shares: each part waits for TPS, then for a window slot on a
// bind (backpressure), goes out, and its answer settles it; temporary failures retry the same part (throttling
// also halves the window and the rate), stop() waits for what is in flight.
import { setTimeout as sleep } from 'node:timers/promises';
import { asSendError, permanent, type SendError } from '../errors.ts';
import { backoffDelay } from './backoff.ts';
import type { Connection } from './connection.ts';
import type { BindPool } from './pool.ts';
import { CongestionWindow, RateLimiter } from './rate.ts';
import { retryPart, type Part, type PartHost } from './submission.ts';

/** Counters of a channel since start (inFlight is a gauge of parts awaiting a response). */
export interface SenderCounters {
  submitted: number;
  submitFailed: number;
  throttled: number;
  receipts: number;
  inbound: number;
  inFlight: number;
}

/** Limits of the sender, from the channel's config. */
export interface SenderOptions {
  /** Window per bind (the congestion window's ceiling). */
  window: number;
  /** Segments per second across the channel's binds; 0 = unlimited. */
  tps: number;
  /** Attempts of one part before a temporary failure becomes the submit's. */
  maxAttempts: number;
}

/** What the protocol does with a part on a bind, and how it answers. */
export interface SenderProtocol<C, P> {
  /** Gives the part's PDU the bind's next sequence number. */
  stamp(pdu: P, conn: C): void;
  /** The carrier id of an accepted answer, or the SendError a refusal means. */
  outcome(resp: P): string | SendError;
  /** A carrier log line for a PDU of this part (called only when `logging()`). */
  log(messageId: string, direction: 'out' | 'in', pdu: P): void;
  logging(): boolean;
}

/** Sends parts over a pool of binds with TPS, congestion window and retries; one per channel. */
export class PartSender<C extends Connection<P>, P> {
  readonly count: SenderCounters = { submitted: 0, submitFailed: 0, throttled: 0, receipts: 0, inbound: 0, inFlight: 0 };
  readonly congestion: CongestionWindow;
  private rate: RateLimiter;
  private stopping = false;
  private drained: (() => void) | null = null;

  constructor(
    private readonly pool: BindPool<C>,
    private readonly options: SenderOptions,
    private readonly protocol: SenderProtocol<C, P>,
  ) {
    this.congestion = new CongestionWindow(options.window);
    this.rate = new RateLimiter(options.tps);
  }

  /** Changes the segments per second across the channel's binds (0 = unlimited), e.g. when binds are added or removed. */
  setTps(tps: number): void {
    if (tps === this.options.tps) return;
    this.options.tps = tps;
    this.rate = new RateLimiter(tps);
  }

  /** True once stop() began: new submits are refused. */
  get isStopping(): boolean {
    return this.stopping;
  }

  /** What Part calls back into. */
  readonly host: PartHost<C, P> = {
    leased: (part, conn) => this.send(part, conn),
    answered: (part, resp) => {
      if (this.protocol.logging()) this.protocol.log(part.messageId, 'in', resp);
      const outcome = this.protocol.outcome(resp);
      this.settled(part, outcome);
    },
    failed: (part, err, sent) => {
      if (sent) this.done();
      this.failed(part, asSendError(err));
    },
    retry: (part) => this.attempt(part),
  };

  /** One more attempt of a part: waits for TPS when limited, then for a window slot (backpressure), then sends. */
  attempt(part: Part<C, P>): void {
    part.attempts++;
    if (this.options.tps > 0) {
      const wait = this.rate.take(1, Date.now());
      if (wait > 0) {
        part.attempts--;
        setTimeout(retryPart, wait, part);
        return;
      }
    }
    this.pool.acquire(part);
  }

  /** A part's answer, read by the protocol: accepted with its carrier id, or refused with a SendError. */
  settled(part: Part<C, P>, outcome: string | SendError): void {
    this.done();
    if (typeof outcome === 'string') {
      if (this.congestion.success()) this.applyWindow();
      part.submission.partDone(part.index, outcome, this.count);
      return;
    }
    this.failed(part, outcome);
  }

  /** Stops taking parts and waits (up to `timeoutMs`) for the ones in flight. */
  async stop(timeoutMs: number): Promise<void> {
    this.stopping = true;
    if (this.count.inFlight === 0) return;
    const drained = new Promise<void>((resolve) => (this.drained = resolve));
    await Promise.race([drained, sleep(timeoutMs)]);
  }

  /** Sends a part on a bind with a free window slot; its answer comes back through the Part. */
  private send(part: Part<C, P>, conn: C): void {
    const pdu = part.pdu;
    this.protocol.stamp(pdu, conn);
    this.count.inFlight++;
    try {
      conn.requestWith(pdu, part);
    } catch (err) {
      // the codec refused a field (e.g. an address too long): nothing went out, and no retry can fix that
      this.done();
      const why = err instanceof Error ? err.message : String(err);
      this.failed(part, permanent(`cannot encode the submit: ${why}`, 'encode'));
      return;
    }
    if (this.protocol.logging()) this.protocol.log(part.messageId, 'out', pdu);
  }

  /** A failed attempt: slow down when throttled, then retry the same PDU (same reference) or give up. */
  private failed(part: Part<C, P>, err: SendError): void {
    if (err.kind === 'throttled') {
      this.count.throttled++;
      this.congestion.throttle();
      this.rate.throttle();
      this.applyWindow();
    }
    if (!err.temporary || this.stopping || part.attempts >= this.options.maxAttempts || Date.now() >= part.deadline) {
      part.submission.fail(err, this.count);
      return;
    }
    if (err.code === 'closed') {
      // the bind went away: straight to another (or to the queue until one is back)
      this.attempt(part);
      return;
    }
    setTimeout(retryPart, Math.min(backoffDelay(part.attempts - 1, 50, 2000), Math.max(0, part.deadline - Date.now())), part);
  }

  private done(): void {
    if (--this.count.inFlight === 0 && this.drained) {
      this.drained();
      this.drained = null;
    }
  }

  private applyWindow(): void {
    for (const conn of this.pool.boundMembers()) conn.window.limit = this.congestion.limit;
    this.pool.wake();
  }
}
