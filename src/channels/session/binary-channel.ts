// What every binary-protocol channel (SMPP, CMPP, SGIP, SMGP) does the same way around its protocol: a pool of
// reconnecting binds, the part sender, health and counters, stop (drain, acknowledge stores, close the binds), and
// the hand-over of receipts and inbound messages (long ones joined here or stored part by part by the sink), and a
// change of the number of binds in place.
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChannelCounters, ChannelSink, ChannelState, InboundMessage, InboundPart, OutboundMessage, Receipt, SubmitResult } from '../channel.ts';
import { asSendError, permanent, retryable, type SendError } from '../errors.ts';
import type { Connection } from './connection.ts';
import { PduError } from './pdu-error.ts';
import { BindPool } from './pool.ts';
import { Reassembler } from './reassembly.ts';
import { PartSender } from './sender.ts';
import { PendingStores, poolState, StateChanges } from './state.ts';
import { Part, Submission } from './submission.ts';
import type { ConcatInfo } from './udh.ts';

/** Settings every binary-protocol channel has, from its config. */
export interface BinaryChannelSettings {
  name: string;
  /** Binds asked for; each takes `slotsPerBind` slots (2 for a transmitter and a receiver, default 1). */
  binds: number;
  slotsPerBind?: number;
  /** Whether slot `slot` may submit (an SMPP receiver may not); the same answer for a slot whatever the number of binds. */
  canSubmit(slot: number): boolean;
  window: number;
  tps: number;
  maxAttempts: number;
  /** How long a submit may take across all its attempts. */
  submitDeadlineMs: number;
  responseTimeoutMs: number;
  reconnect: { minMs: number; maxMs: number };
  configRetryMs: number;
  reassemblyTimeoutMs: number;
}

/** Where an inbound message came from and went to, as the carrier said. */
export interface InboundMeta {
  from: string;
  to: string;
  /** The protocol's coding number (SMPP data_coding, CMPP Msg_Fmt, SGIP MessageCoding, SMGP MsgFormat). */
  dataCoding: number;
  receivedAt: Date;
  /** The octets as received (hex) when they did not decode in their coding. */
  raw?: string;
  /** The gateway's LinkID of the MO, when it gave one. */
  linkId?: string;
}

/** A carrier connection over a binary protocol with PDUs of type P; the protocol's class fills in the abstract parts. */
export abstract class BinaryChannel<P> extends EventEmitter {
  readonly name: string;
  protected readonly pool: BindPool<Connection<P>>;
  protected readonly sender: PartSender<Connection<P>, P>;
  private readonly reassembler: Reassembler<InboundMeta>;
  private reassemblyTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private started = false;
  private readonly states = new StateChanges();
  protected sink: ChannelSink | null = null;
  /** Inbound messages and parts handed to the sink and not yet stored. */
  private readonly storing = new PendingStores();

  constructor(private readonly settings: BinaryChannelSettings) {
    super();
    this.name = settings.name;
    this.reassembler = new Reassembler(settings.reassemblyTimeoutMs, (m) => this.emitInbound(m.meta, m.text, m.parts, m.incomplete));
    this.pool = new BindPool<Connection<P>>({
      slots: this.slotsOf(settings.binds),
      open: (slot) => this.openBind(slot),
      canSubmit: (slot) => settings.canSubmit(slot),
      reconnect: settings.reconnect,
      configRetryMs: settings.configRetryMs,
      onChange: () => this.emitState(),
      discard: (conn) => this.closeBind(conn),
      retire: (conn) => this.retireBind(conn),
    });
    this.sender = new PartSender(this.pool, settings, {
      stamp: (pdu, conn) => this.stamp(pdu, conn),
      outcome: (resp) => this.outcome(resp),
      log: (messageId, direction, pdu) => this.log(messageId, direction, pdu),
      logging: () => this.listenerCount('log') > 0,
    });
  }

  /** The submit PDUs of a message, one per part, kept for every attempt (throws for a message that cannot be encoded). */
  protected abstract partPdus(msg: OutboundMessage): P[];
  /** Connects and logs in bind `slot`; rejects with a SendError (kind 'config' when the carrier refused us). */
  protected abstract openBind(slot: number): Promise<Connection<P>>;
  /** The protocol's goodbye request (unbind, terminate, exit) with sequence number `sequence`. */
  protected abstract farewell(sequence: number): P;
  /** Why a bind closed after its goodbye, for the bind's state ('unbound', 'terminated'). */
  protected abstract readonly farewellReason: string;
  /** Gives a part's PDU the bind's next sequence number. */
  protected abstract stamp(pdu: P, conn: Connection<P>): void;
  /** The carrier id of an accepted submit answer, or the SendError a refusal means. */
  protected abstract outcome(resp: P): string | SendError;
  /** One-line summary of a PDU for the carrier log, secrets redacted. */
  protected abstract describe(pdu: P): string;

  /** Ends a bind the protocol's way (waiting at most a second for the answer), then closes it. */
  protected async closeBind(conn: Connection<P>): Promise<void> {
    try {
      await Promise.race([conn.request((sequence) => this.farewell(sequence), false), sleep(1000)]);
    } catch {
      // the connection is going away anyway
    }
    conn.end(this.farewellReason);
  }

  /** Binds every slot; resolves on the first bind, rejects with the first SendError when none could bind (retries go on). */
  async start(): Promise<void> {
    if (this.started) throw new Error(`channel ${this.name} already started`);
    this.started = true;
    this.reassemblyTimer = setInterval(() => this.reassembler.sweep(), Math.min(1000, this.settings.reassemblyTimeoutMs));
    this.reassemblyTimer.unref();
    this.emitState();
    await this.pool.start();
  }

  /** Submits every part of a message (retrying temporary failures with the same PDU); one carrier id per part. */
  submit(msg: OutboundMessage): Promise<SubmitResult> {
    if (this.sender.isStopping) return Promise.reject(retryable(`channel ${this.name} is stopping`, 'stopped'));
    let pdus: P[];
    try {
      pdus = this.partPdus(msg);
    } catch (err) {
      // a field that cannot be encoded (e.g. a LinkID too long) will not encode on a retry either
      return Promise.reject(err instanceof PduError ? permanent(`cannot encode the submit: ${err.message}`, 'encode') : asSendError(err));
    }
    const deadline = Date.now() + this.settings.submitDeadlineMs;
    const host = this.sender.host;
    return new Promise<SubmitResult>((resolve, reject) => {
      const submission = new Submission(pdus.length, resolve, reject);
      for (let i = 0; i < pdus.length; i++) this.sender.attempt(new Part(host, msg.id, pdus[i], deadline, submission, i));
    });
  }

  /** Current connection health. */
  state(): ChannelState {
    return poolState(this.pool, this.pool.size, this.stopped);
  }

  /** Counters since start. */
  counters(): ChannelCounters {
    return { ...this.sender.count, reconnects: this.pool.reconnects };
  }

  /** Bind attempts so far (successful or not). */
  get bindAttempts(): number {
    return this.pool.attempts;
  }

  /**
   * Changes the number of binds and the TPS in place: new binds open, removed ones take no more parts, let their window
   * drain and unbind (resolves once they have), the binds kept and their parts in flight are not touched.
   */
  async resize(binds: number, tps: number): Promise<void> {
    if (this.stopped || this.sender.isStopping) throw new Error(`channel ${this.name} is stopped`);
    this.sender.setTps(tps);
    await this.pool.resize(this.slotsOf(binds));
  }

  /** Stops taking submits, lets in-flight parts finish, acknowledges inbound stores under way, ends every bind. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    const members = this.pool.stop();
    await this.sender.stop(this.settings.responseTimeoutMs + 100);
    // inbound messages being stored are acknowledged before the unbind, or the carrier would deliver them again
    await this.storing.settle(this.settings.responseTimeoutMs);
    // parts of a long MO still incomplete were never acknowledged: the carrier offers them again after the unbind
    await Promise.all(members.map((conn) => this.closeBind(conn)));
    // a bind still opening is closed before stop returns, so its slot can go to another node at once
    await this.pool.ended();
    if (this.reassemblyTimer) clearInterval(this.reassemblyTimer);
    this.stopped = true;
    this.emitState();
  }

  private slotsOf(binds: number): number {
    return binds * (this.settings.slotsPerBind ?? 1);
  }

  /** Lets a removed bind's window drain (up to the response timeout; later answers time out as on any bind), then ends it. */
  private async retireBind(conn: Connection<P>): Promise<void> {
    const until = Date.now() + this.settings.responseTimeoutMs + 100;
    while (conn.window.size > 0 && !conn.isClosed && Date.now() < until) await sleep(10);
    await this.closeBind(conn);
  }

  /** Hands receipts and inbound messages to a durable sink (acknowledged after it resolves); call before start(). */
  setSink(sink: ChannelSink): void {
    this.sink = sink;
  }

  /** Emits a carrier log line for a PDU (only when someone listens). */
  protected log(messageId: string, direction: 'out' | 'in', p: P): void {
    if (this.listenerCount('log') > 0) this.note(messageId, direction, this.describe(p));
  }

  /** Emits a carrier log line; it runs inside response handling, so a throwing listener must not break what called it. */
  protected note(messageId: string, direction: 'out' | 'in', summary: string): void {
    if (this.listenerCount('log') === 0) return;
    try {
      this.emit('log', { messageId, at: new Date(), direction, summary });
    } catch {
      // a log listener's failure is not the message's
    }
  }

  /** Hands a receipt to the sink (returning its promise: acknowledge once it resolves) or to listeners. */
  protected onReceipt(receipt: Receipt): Promise<void> | undefined {
    this.sender.count.receipts++;
    if (this.sink) return this.sink.receipt(receipt);
    this.emit('receipt', receipt);
    return undefined;
  }

  /**
   * Hands on an inbound message or one part of a long one; returns the sink's promise when it must be stored before
   * it is acknowledged. A part goes to a sink that stores parts (acknowledged once stored; the sink joins them), or is
   * joined here and acknowledged only once the joined message holding it is stored (when the last part completes it,
   * or at the reassembly timeout). Either way a crash in between loses nothing: the carrier offers it again. `octets`: the
   * part's octets as received, handed to a sink that stores parts (so a joined message whose text did not decode keeps them).
   */
  protected onInbound(meta: InboundMeta, text: string, concat: ConcatInfo | null, octets?: Buffer): Promise<void> | undefined {
    if (!concat || concat.total === 1) return this.emitInbound(meta, text, 1, false);
    if (this.sink?.part) {
      if (concat.seq === 1) this.sender.count.inbound++;
      const timeoutMs = this.settings.reassemblyTimeoutMs;
      const part: InboundPart = { channel: this.name, ...meta, ref: concat.ref, total: concat.total, seq: concat.seq, text, timeoutMs };
      if (octets) part.octets = octets.toString('hex');
      return this.storing.add(this.sink.part(part));
    }
    return this.reassembler.add(`${meta.from}\u0000${meta.to}\u0000${concat.ref}`, concat.total, concat.seq, text, meta);
  }

  private emitInbound(meta: InboundMeta, text: string, parts: number, incomplete: boolean): Promise<void> | undefined {
    this.sender.count.inbound++;
    const m: InboundMessage = { channel: this.name, ...meta, text, parts };
    if (incomplete) m.incomplete = true;
    if (this.sink) return this.storing.add(this.sink.inbound(m));
    this.emit('inbound', m);
    return undefined;
  }

  /** Emits 'state' when the state, bound count or reason changed. */
  protected emitState(): void {
    const s = this.state();
    if (this.states.changed(s)) this.emit('state', s);
  }
}

/** Calls `answer(true)` now (nothing to store) or once `stored` resolves, `answer(false)` when storing failed. */
export function acknowledgeAfter(stored: Promise<void> | undefined, answer: (ok: boolean) => void): void {
  if (!stored) return answer(true);
  stored.then(() => answer(true), () => answer(false));
}
