// The protocol-independent half of a carrier channel over binds: parts submitted with backpressure, TPS and a
// congestion window, retries that keep each part's PDU, receipts and inbound messages handed to a durable sink
// (or emitted), long MO joined, drain on stop. A protocol subclass opens binds, builds PDUs and reads answers.
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Channel, ChannelCounters, ChannelSink, ChannelState, InboundMessage, OutboundMessage, Receipt, SubmitResult } from '../channel.ts';
import { asSendError, permanent, retryable, type SendError } from '../errors.ts';
import { Reassembler } from '../smpp/reassembly.ts';
import { backoffDelay } from './backoff.ts';
import type { Connection } from './connection.ts';
import { Part, retryPart, Submission, type PartHost } from './submission.ts';
import { BindPool } from './pool.ts';
import { CongestionWindow, RateLimiter } from './rate.ts';

/** The settings every part channel has (each protocol's config schema includes them). */
export interface PartChannelConfig {
  name: string;
  binds: number;
  window: number;
  /** Segments per second across all binds; 0 = unlimited. */
  tps: number;
  responseTimeoutMs: number;
  reconnect: { minMs: number; maxMs: number };
  configRetryMs: number;
  maxAttempts: number;
  submitDeadlineMs: number;
  reassemblyTimeoutMs: number;
}

/** Who sent an inbound message to which number, when, in which coding. */
export interface InboundMeta {
  from: string;
  to: string;
  dataCoding: number;
  receivedAt: Date;
}

/** A channel of binds carrying PDUs of type P; subclasses speak the protocol. */
export abstract class PartChannel<P> extends EventEmitter implements Channel {
  abstract readonly type: string;
  readonly name: string;
  protected readonly pool: BindPool<Connection<P>>;
  /** Connections held (binds, or twice as many with separate send and receive logins). */
  private readonly slots: number;
  protected readonly congestion: CongestionWindow;
  private readonly rate: RateLimiter;
  private readonly reassembler: Reassembler<InboundMeta>;
  private reassemblyTimer: NodeJS.Timeout | null = null;
  protected stopping = false;
  private stopped = false;
  private started = false;
  private lastState = '';
  protected sink: ChannelSink | null = null;
  private readonly storing = new Set<Promise<void>>();
  private drained: (() => void) | null = null;
  protected readonly count = { submitted: 0, submitFailed: 0, throttled: 0, receipts: 0, inbound: 0, inFlight: 0 };

  /**
   * `slots`: connections to hold (default `binds`); `canSubmit`: whether submits may go on a slot (a receive-only
   * login may not), asked once per slot.
   */
  constructor(private readonly base: PartChannelConfig, slots: { count?: number; canSubmit?: (slot: number) => boolean } = {}) {
    super();
    this.name = base.name;
    this.slots = slots.count ?? base.binds;
    this.congestion = new CongestionWindow(base.window);
    this.rate = new RateLimiter(base.tps);
    this.reassembler = new Reassembler(base.reassemblyTimeoutMs, (m) => this.emitInbound(m.meta, m.text, m.parts, m.incomplete));
    this.pool = new BindPool<Connection<P>>({
      slots: this.slots,
      open: (slot) => this.openBind(slot),
      canSubmit: slots.canSubmit ?? (() => true),
      reconnect: base.reconnect,
      configRetryMs: base.configRetryMs,
      onChange: () => this.emitState(),
      discard: (conn) => this.unbind(conn),
    });
  }

  /** Connects and logs in bind number `slot`; rejects with a SendError (kind 'config' when the gateway refused us). */
  protected abstract openBind(slot: number): Promise<Connection<P>>;
  /** The submit PDUs of a message, one per part (throws for a message that cannot be encoded). */
  protected abstract partPdus(msg: OutboundMessage): P[];
  /** Stamps a PDU with the bind's next sequence number before each attempt. */
  protected abstract stamp(pdu: P, conn: Connection<P>): void;
  /** The carrier id of an accepted part, or why it was not accepted. */
  protected abstract outcome(resp: P): string | SendError;
  /** One-line summary of a PDU for the carrier log, secrets redacted. */
  protected abstract describe(pdu: P): string;
  /** Says goodbye on a bind (the protocol's Unbind / Exit) and closes it. */
  protected abstract unbind(conn: Connection<P>): Promise<void>;

  /** Binds every slot; resolves on the first bind, rejects with the first SendError when none could bind (retries go on). */
  async start(): Promise<void> {
    if (this.started) throw new Error(`channel ${this.name} already started`);
    this.started = true;
    this.reassemblyTimer = setInterval(() => this.reassembler.sweep(), Math.min(1000, this.base.reassemblyTimeoutMs));
    this.reassemblyTimer.unref();
    this.emitState();
    await this.pool.start();
  }

  /** Current connection health. */
  state(): ChannelState {
    const base = { binds: this.slots, boundBinds: this.pool.bound };
    if (this.stopped) return { state: 'stopped', ...base };
    if (base.boundBinds > 0) return { state: 'bound', ...base };
    const err = this.pool.lastError;
    return err ? { state: 'down', reason: err.message, ...base } : { state: 'connecting', ...base };
  }

  /** Counters since start. */
  counters(): ChannelCounters {
    return { ...this.count, reconnects: this.pool.reconnects };
  }

  /** Bind attempts so far (successful or not). */
  get bindAttempts(): number {
    return this.pool.attempts;
  }

  /** Submits every part (retrying temporary failures with the same PDU); one carrier id per part. */
  submit(msg: OutboundMessage): Promise<SubmitResult> {
    if (this.stopping) return Promise.reject(retryable(`channel ${this.name} is stopping`, 'stopped'));
    let pdus: P[];
    try {
      pdus = this.partPdus(msg);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      return Promise.reject(permanent(`cannot encode the message: ${why}`, 'encode'));
    }
    const deadline = Date.now() + this.base.submitDeadlineMs;
    return new Promise<SubmitResult>((resolve, reject) => {
      const submission = new Submission(pdus.length, resolve, reject);
      for (let i = 0; i < pdus.length; i++) this.attempt(new Part(this.parts, msg.id, pdus[i], deadline, submission, i));
    });
  }

  /** Stops taking submits, lets in-flight parts finish, acknowledges what is being stored, unbinds and closes. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopping = true;
    const members = this.pool.stop();
    if (this.count.inFlight > 0) {
      const drained = new Promise<void>((resolve) => (this.drained = resolve));
      await Promise.race([drained, sleep(this.base.responseTimeoutMs + 100)]);
    }
    if (this.storing.size) await Promise.race([Promise.allSettled(this.storing), sleep(this.base.responseTimeoutMs)]);
    await Promise.all(members.map((conn) => this.unbind(conn)));
    await this.pool.ended();
    if (this.reassemblyTimer) clearInterval(this.reassemblyTimer);
    this.stopped = true;
    this.emitState();
  }

  /** Hands receipts and inbound messages to a durable sink (acknowledged after it resolves); call before start(). */
  setSink(sink: ChannelSink): void {
    this.sink = sink;
  }

  private readonly parts: PartHost<Connection<P>, P> = {
    leased: (part, conn) => this.sendPart(part, conn),
    answered: (part, resp) => this.partAnswered(part, resp),
    failed: (part, err, sent) => {
      if (sent) this.partDone();
      this.partFailed(part, asSendError(err));
    },
    retry: (part) => this.attempt(part),
  };

  private attempt(part: Part<Connection<P>, P>): void {
    part.attempts++;
    if (this.base.tps > 0) {
      const wait = this.rate.take(1, Date.now());
      if (wait > 0) {
        part.attempts--;
        setTimeout(retryPart, wait, part);
        return;
      }
    }
    this.pool.acquire(part);
  }

  private sendPart(part: Part<Connection<P>, P>, conn: Connection<P>): void {
    this.stamp(part.pdu, conn);
    this.count.inFlight++;
    try {
      conn.requestWith(part.pdu, part);
    } catch (err) {
      this.partDone();
      const why = err instanceof Error ? err.message : String(err);
      this.partFailed(part, permanent(`cannot encode the submit: ${why}`, 'encode'));
      return;
    }
    if (this.listenerCount('log') > 0) this.log(part.messageId, 'out', part.pdu);
  }

  private partAnswered(part: Part<Connection<P>, P>, resp: P): void {
    if (this.listenerCount('log') > 0) this.log(part.messageId, 'in', resp);
    this.partDone();
    const result = this.outcome(resp);
    if (typeof result === 'string') {
      if (this.congestion.success()) this.applyWindow();
      part.submission.partDone(part.index, result, this.count);
      return;
    }
    this.partFailed(part, result);
  }

  private partFailed(part: Part<Connection<P>, P>, err: SendError): void {
    if (err.kind === 'throttled') {
      this.count.throttled++;
      this.congestion.throttle();
      this.rate.throttle();
      this.applyWindow();
    }
    if (!err.temporary || this.stopping || part.attempts >= this.base.maxAttempts || Date.now() >= part.deadline) {
      part.submission.fail(err, this.count);
      return;
    }
    if (err.code === 'closed') return this.attempt(part);
    setTimeout(retryPart, Math.min(backoffDelay(part.attempts - 1, 50, 2000), Math.max(0, part.deadline - Date.now())), part);
  }

  private partDone(): void {
    if (--this.count.inFlight === 0 && this.drained) {
      this.drained();
      this.drained = null;
    }
  }

  private applyWindow(): void {
    for (const conn of this.pool.boundMembers()) conn.window.limit = this.congestion.limit;
    this.pool.wake();
  }

  /** Emits a carrier log line; a throwing listener must not break the part. */
  protected log(messageId: string, direction: 'out' | 'in', p: P): void {
    try {
      this.emit('log', { messageId, at: new Date(), direction, summary: this.describe(p) });
    } catch {
      // a log listener's failure is not the message's
    }
  }

  /** Hands a receipt to the sink (returning its promise, to acknowledge after) or to listeners. */
  protected onReceipt(receipt: Receipt): Promise<void> | undefined {
    this.count.receipts++;
    if (this.sink) return this.sink.receipt(receipt);
    this.emit('receipt', receipt);
    return undefined;
  }

  /**
   * Hands on an inbound message or one part of a long one; returns the promise to acknowledge after: a part goes to a
   * sink that stores parts, or is joined here and acknowledged once the joined message holding it is stored.
   */
  protected onInbound(meta: InboundMeta, text: string, concat: { ref: number; total: number; seq: number } | null): Promise<void> | undefined {
    if (!concat || concat.total === 1) return this.emitInbound(meta, text, 1, false);
    if (this.sink?.part) {
      if (concat.seq === 1) this.count.inbound++;
      return this.storingInbound(this.sink.part({ channel: this.name, ...meta, ref: concat.ref, total: concat.total, seq: concat.seq, text, timeoutMs: this.base.reassemblyTimeoutMs }));
    }
    return this.reassembler.add(`${meta.from}\u0000${meta.to}\u0000${concat.ref}`, concat.total, concat.seq, text, meta);
  }

  private emitInbound(meta: InboundMeta, text: string, parts: number, incomplete: boolean): Promise<void> | undefined {
    this.count.inbound++;
    const m: InboundMessage = { channel: this.name, ...meta, text, parts };
    if (incomplete) m.incomplete = true;
    if (this.sink) return this.storingInbound(this.sink.inbound(m));
    this.emit('inbound', m);
    return undefined;
  }

  private storingInbound(stored: Promise<void>): Promise<void> {
    this.storing.add(stored);
    const forget = () => { this.storing.delete(stored); };
    stored.then(forget, forget);
    return stored;
  }

  /** Emits 'state' when the state, bound count or reason changed. */
  protected emitState(): void {
    const s = this.state();
    const key = `${s.state}|${s.boundBinds}|${s.reason ?? ''}`;
    if (key === this.lastState) return;
    this.lastState = key;
    this.emit('state', s);
  }
}

/** Calls `answer(true)` now (nothing to store) or once `stored` resolves, `answer(false)` when storing failed. */
export function acknowledgeAfter(stored: Promise<void> | undefined, answer: (ok: boolean) => void): void {
  if (!stored) return answer(true);
  stored.then(() => answer(true), () => answer(false));
}
