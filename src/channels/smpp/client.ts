// The SMPP ESME channel: binds (transceiver, or transmitters + receivers), submits long messages part by
// part with retries that keep each part's identity, turns deliver_sm into receipts and inbound messages.
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Channel, ChannelCounters, ChannelSink, ChannelState, InboundMessage, OutboundMessage, Receipt, SubmitResult } from '../channel.ts';
import { asSendError, permanent, retryable, type SendError } from '../errors.ts';
import { backoffDelay } from '../session/backoff.ts';
import { Connection, type ConnectionHandlers } from '../session/connection.ts';
import type { PduError } from '../session/pdu-error.ts';
import { Part as GenericPart, retryPart, Submission, type PartHost } from '../session/part.ts';
import { BindPool } from '../session/pool.ts';
import { CongestionWindow, RateLimiter } from '../session/rate.ts';
import type { SmppConfig } from './config.ts';
import { normaliseId, normaliseIdAt } from './ids.ts';
import { buildMessage, decodeText, readUserData, singleGsm7, type WireMessage } from './message.ts';
import { HEADER_LENGTH, readU32 } from './codec.ts';
import { Cmd, EsmClass, Status, type Pdu, type Tlv } from './pdus.ts';
import { describePdu, smppProtocol } from './protocol.ts';
import { Reassembler } from './reassembly.ts';
import { receiptFromFrame, receiptFromPdu } from './receipt.ts';
import { sendErrorFor } from './status-map.ts';

type SmppBind = Connection<Pdu>;
/** A part of a submit_sm: its PDU kept for every attempt. */
const Part = GenericPart<Pdu>;
type Part = GenericPart<Pdu>;
type BindKind = 'transceiver' | 'transmitter' | 'receiver';

const BIND_COMMAND: Record<BindKind, number> = {
  transceiver: Cmd.bind_transceiver,
  transmitter: Cmd.bind_transmitter,
  receiver: Cmd.bind_receiver,
};

interface InboundMeta {
  from: string;
  to: string;
  dataCoding: number;
  receivedAt: Date;
}

/** An SMPP 3.4 carrier connection implementing Channel. */
export class SmppChannel extends EventEmitter implements Channel {
  readonly type = 'smpp';
  readonly name: string;
  private readonly pool: BindPool<SmppBind>;
  private readonly congestion: CongestionWindow;
  private readonly rate: RateLimiter;
  private readonly reassembler: Reassembler<InboundMeta>;
  private reassemblyTimer: NodeJS.Timeout | null = null;
  private readonly kinds: BindKind[];
  private ref = Math.floor(Math.random() * 0xffff);
  private stopping = false;
  private stopped = false;
  private started = false;
  private lastState = '';
  private sink: ChannelSink | null = null;
  /** Inbound messages and parts handed to the sink and not yet stored. */
  private readonly storing = new Set<Promise<void>>();
  private drained: (() => void) | null = null;
  private readonly count = { submitted: 0, submitFailed: 0, throttled: 0, receipts: 0, inbound: 0, inFlight: 0 };

  constructor(private readonly config: SmppConfig) {
    super();
    this.name = config.name;
    const n = config.binds;
    this.kinds = config.bindMode === 'transceiver'
      ? Array<BindKind>(n).fill('transceiver')
      : [...Array<BindKind>(n).fill('transmitter'), ...Array<BindKind>(n).fill('receiver')];
    this.congestion = new CongestionWindow(config.window);
    this.rate = new RateLimiter(config.tps);
    this.reassembler = new Reassembler(config.reassemblyTimeoutMs, (m) => this.emitInbound(m.meta, m.text, m.parts, m.incomplete));
    this.pool = new BindPool<SmppBind>({
      slots: this.kinds.length,
      open: (slot) => this.openBind(this.kinds[slot]),
      canSubmit: (slot) => this.kinds[slot] !== 'receiver',
      reconnect: config.reconnect,
      configRetryMs: config.configRetryMs,
      onChange: () => this.emitState(),
      discard: (conn) => this.unbind(conn),
    });
  }

  /** Binds every slot; resolves on the first bind, rejects with the first SendError when none could bind (retries go on). */
  async start(): Promise<void> {
    if (this.started) throw new Error(`channel ${this.name} already started`);
    this.started = true;
    this.reassemblyTimer = setInterval(() => this.reassembler.sweep(), Math.min(1000, this.config.reassemblyTimeoutMs));
    this.reassemblyTimer.unref();
    this.emitState();
    await this.pool.start();
  }

  /** Current connection health. */
  state(): ChannelState {
    const base = { binds: this.kinds.length, boundBinds: this.pool.bound };
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

  /** Splits, submits every part (retrying temporary failures with the same reference), returns one normalised id per part. */
  submit(msg: OutboundMessage): Promise<SubmitResult> {
    if (this.stopping) return Promise.reject(retryable(`channel ${this.name} is stopping`, 'stopped'));
    const cfg = this.config;
    this.ref = (this.ref + 1) & 0xffff;
    // the common case needs no WireMessage: short default-alphabet text is one part in data_coding 0, as buildMessage would make it
    const single = cfg.defaultDataCoding === 0 ? singleGsm7(msg.text) : null;
    let wire: WireMessage | null = null;
    if (single === null) {
      try {
        wire = buildMessage(msg.text, { concat: cfg.concat, dataCoding: cfg.defaultDataCoding, ref: this.ref });
      } catch (err) {
        return Promise.reject(asSendError(err));
      }
    }
    const deadline = Date.now() + cfg.submitDeadlineMs;
    const to = msg.to.charCodeAt(0) === 43 ? msg.to.slice(1) : msg.to; // '+'
    const from = msg.from || cfg.defaultSource;
    const registeredDelivery = msg.registeredDelivery === false ? 0 : 1;
    return new Promise<SubmitResult>((resolve, reject) => {
      const submission = new Submission(wire ? wire.parts.length : 1, resolve, reject);
      if (wire === null) {
        this.attempt(new Part(this.parts, msg.id, this.partPdu(from, to, registeredDelivery, 0, 0, single!, undefined), deadline, submission, 0));
        return;
      }
      for (let i = 0; i < wire.parts.length; i++) {
        const part = wire.parts[i];
        const pdu = this.partPdu(from, to, registeredDelivery, wire.dataCoding, part.esmClass, part.shortMessage, part.tlvs);
        this.attempt(new Part(this.parts, msg.id, pdu, deadline, submission, i));
      }
    });
  }

  /** The submit_sm of one part (kept by its Part for every attempt; the sequence is set when it is sent). */
  private partPdu(from: string, to: string, registeredDelivery: number, dataCoding: number, esmClass: number, shortMessage: Buffer, tlvs: Tlv[] | undefined): Pdu {
    const cfg = this.config;
    return {
      commandId: Cmd.submit_sm, status: 0, sequence: 0,
      sourceAddrTon: cfg.sourceTon, sourceAddrNpi: cfg.sourceNpi, sourceAddr: from,
      destAddrTon: cfg.destTon, destAddrNpi: cfg.destNpi, destinationAddr: to,
      esmClass, registeredDelivery, dataCoding, shortMessage, tlvs,
    };
  }

  /** Stops taking submits, lets in-flight parts finish, unbinds and closes. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopping = true;
    const members = this.pool.stop();
    if (this.count.inFlight > 0) {
      const drained = new Promise<void>((resolve) => (this.drained = resolve));
      await Promise.race([drained, sleep(this.config.responseTimeoutMs + 100)]);
    }
    // inbound messages being stored are acknowledged before the unbind, or the carrier would deliver them again
    if (this.storing.size) await Promise.race([Promise.allSettled(this.storing), sleep(this.config.responseTimeoutMs)]);
    // parts of a long MO still incomplete were never acknowledged: the carrier offers them again after the unbind
    await Promise.all(members.map((conn) => this.unbind(conn)));
    // a bind still opening is closed before stop returns, so its slot can go to another node at once
    await this.pool.ended();
    if (this.reassemblyTimer) clearInterval(this.reassemblyTimer);
    this.stopped = true;
    this.emitState();
  }

  private async unbind(conn: SmppBind): Promise<void> {
    try {
      await Promise.race([conn.request((sequence) => ({ commandId: Cmd.unbind, status: 0, sequence }), false), sleep(1000)]);
    } catch {
      // the connection is going away anyway
    }
    conn.end('unbound');
  }

  /** What Part calls back into (arrow functions, so they reach the channel's private state). */
  private readonly parts: PartHost<Pdu> = {
    leased: (part, conn) => this.sendPart(part, conn),
    answered: (part, resp) => this.partAnswered(part, resp),
    failed: (part, err, sent) => {
      if (sent) this.partDone();
      this.partFailed(part, asSendError(err));
    },
    retry: (part) => this.attempt(part),
  };

  /** One more attempt of a part: waits for TPS when limited, then for a window slot (backpressure), then sends. */
  private attempt(part: Part): void {
    part.attempts++;
    if (this.config.tps > 0) {
      const wait = this.rate.take(1, Date.now());
      if (wait > 0) {
        part.attempts--;
        setTimeout(retryPart, wait, part);
        return;
      }
    }
    this.pool.acquire(part);
  }

  /** Sends a part on a bind with a free window slot; its answer comes to partAnswered, a failure to partFailed. */
  private sendPart(part: Part, conn: SmppBind): void {
    const pdu = part.pdu;
    pdu.sequence = conn.nextSequence();
    this.count.inFlight++;
    try {
      conn.requestWith(pdu, part);
    } catch (err) {
      // the codec refused a field (e.g. an address too long): nothing went out, and no retry can fix that
      this.partDone();
      const why = err instanceof Error ? err.message : String(err);
      this.partFailed(part, permanent(`cannot encode submit_sm: ${why}`, 'encode'));
      return;
    }
    if (this.listenerCount('log') > 0) this.log(part.messageId, 'out', pdu);
  }

  private partAnswered(part: Part, resp: Pdu): void {
    if (this.listenerCount('log') > 0) this.log(part.messageId, 'in', resp);
    this.partSettled(part, resp.status, resp.status === Status.ESME_ROK ? normaliseId(resp.messageId ?? '', this.config.idFormat.submit) : '');
  }

  /** A part's submit_sm_resp: its status and, when accepted, the normalised carrier id. */
  private partSettled(part: Part, status: number, carrierId: string): void {
    this.partDone();
    if (status === Status.ESME_ROK) {
      if (this.congestion.success()) this.applyWindow();
      part.submission.partDone(part.index, carrierId, this.count);
      return;
    }
    this.partFailed(part, sendErrorFor(status, 'submit_sm'));
  }

  /** A failed attempt: slow down when throttled, then retry the same PDU (same reference) or give up. */
  private partFailed(part: Part, err: SendError): void {
    if (err.kind === 'throttled') {
      this.count.throttled++;
      this.congestion.throttle();
      this.rate.throttle();
      this.applyWindow();
    }
    if (!err.temporary || this.stopping || part.attempts >= this.config.maxAttempts || Date.now() >= part.deadline) {
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

  /** Emits a carrier log line (only called when someone listens); runs inside response handling, so a throwing listener must not break the part. */
  private log(messageId: string, direction: 'out' | 'in', p: Pdu): void {
    try {
      this.emit('log', { messageId, at: new Date(), direction, summary: describePdu(p) });
    } catch {
      // a log listener's failure is not the message's
    }
  }

  private async openBind(kind: BindKind): Promise<SmppBind> {
    const cfg = this.config;
    const conn = await Connection.open(cfg.host, cfg.port, smppProtocol, {
      window: this.congestion.limit,
      responseTimeoutMs: cfg.responseTimeoutMs,
      keepaliveMs: cfg.enquireLinkSeconds * 1000,
      eagerWrites: true,
    }, (c) => this.handlers(c));
    let resp: Pdu;
    try {
      resp = await conn.request((sequence) => ({
        commandId: BIND_COMMAND[kind], status: 0, sequence,
        systemId: cfg.systemId, password: cfg.password, systemType: cfg.systemType, interfaceVersion: 0x34,
      }), false);
    } catch (err) {
      conn.close('bind failed');
      throw err;
    }
    if (resp.status !== Status.ESME_ROK) {
      conn.close('bind refused');
      throw sendErrorFor(resp.status, `bind_${kind} as ${cfg.systemId}`);
    }
    return conn;
  }

  private handlers(conn: SmppBind): ConnectionHandlers<Pdu> {
    return {
      onRequest: (p) => this.onRequest(conn, p),
      onFrame: (buf, start, end) => this.onFrame(conn, buf, start, end),
      onBadPdu: (err: PduError) => conn.send({ commandId: Cmd.generic_nack, status: err.status ?? Status.ESME_RINVCMDLEN, sequence: err.sequence ?? 0 }),
      onFree: () => this.pool.wake(),
      onClose: () => undefined,
    };
  }

  /**
   * The two PDUs of every message, read straight from their octets [start, end) of `buf`: a part's submit_sm_resp and
   * a delivery receipt (receiptFromFrame). False for any other frame (or when PDUs are being logged), decoded as usual.
   */
  private onFrame(conn: SmppBind, buf: Buffer, start: number, end: number): boolean {
    if (end - start <= HEADER_LENGTH) return false;
    const sequence = readU32(buf, start + 12);
    if (readU32(buf, start + 4) === Cmd.submit_sm_resp) return this.submitRespAt(conn, buf, start, end, sequence);
    const receipt = receiptFromFrame(buf, start, end, this.name, this.config.idFormat.receipt);
    if (receipt === undefined) return false;
    acknowledge(conn, Cmd.deliver_sm_resp, sequence, this.onReceipt(receipt));
    return true;
  }

  /** A submit_sm_resp whose body is just its message_id, answering a part: settled with no PDU and no raw id string. */
  private submitRespAt(conn: SmppBind, buf: Buffer, start: number, end: number, sequence: number): boolean {
    const part = conn.waiting(sequence);
    if (!(part instanceof Part) || buf[end - 1] !== 0 || this.listenerCount('log') > 0) return false;
    const idStart = start + HEADER_LENGTH;
    let idEnd = idStart;
    while (buf[idEnd] !== 0) idEnd++; // the frame ends in a NUL
    if (idEnd !== end - 1) return false;
    const status = readU32(buf, start + 8);
    const freed = conn.release(sequence);
    this.partSettled(part, status, status === Status.ESME_ROK ? normaliseIdAt(buf, idStart, idEnd, this.config.idFormat.submit) : '');
    if (freed) this.pool.wake();
    return true;
  }

  private onRequest(conn: SmppBind, p: Pdu): void {
    switch (p.commandId) {
      case Cmd.deliver_sm:
        return acknowledge(conn, Cmd.deliver_sm_resp, p.sequence, this.onDeliver(p));
      case Cmd.data_sm:
        return acknowledge(conn, Cmd.data_sm_resp, p.sequence, this.onDeliver(p));
      case Cmd.enquire_link:
        return conn.send({ commandId: Cmd.enquire_link_resp, status: 0, sequence: p.sequence });
      case Cmd.unbind:
        conn.send({ commandId: Cmd.unbind_resp, status: 0, sequence: p.sequence });
        return conn.end('unbound by the SMSC');
      default:
        return conn.send({ commandId: Cmd.generic_nack, status: Status.ESME_RINVCMDID, sequence: p.sequence });
    }
  }

  /**
   * Turns a deliver_sm into a receipt or an inbound message; returns the sink's promise when the PDU must be
   * stored before it is acknowledged. A part of a long MO goes to a sink that stores parts (acknowledged once stored;
   * the sink joins them); otherwise it is joined here and acknowledged only once the joined message holding it is
   * stored (when the last part completes it, or at the reassembly timeout). Either way a crash in between loses
   * nothing: the carrier offers the unacknowledged parts again.
   */
  private onDeliver(p: Pdu): Promise<void> | undefined {
    const esm = p.esmClass ?? 0;
    if (esm & (EsmClass.deliveryReceipt | EsmClass.intermediateNotification)) {
      return this.onReceipt(receiptFromPdu(p, this.name, this.config.idFormat.receipt));
    }
    const { payload, concat } = readUserData(p);
    const meta: InboundMeta = { from: p.sourceAddr ?? '', to: p.destinationAddr ?? '', dataCoding: p.dataCoding ?? 0, receivedAt: new Date() };
    const text = decodeText(payload, meta.dataCoding);
    if (!concat || concat.total === 1) return this.emitInbound(meta, text, 1, false);
    if (this.sink?.part) {
      if (concat.seq === 1) this.count.inbound++;
      return this.storingInbound(this.sink.part({ channel: this.name, ...meta, ref: concat.ref, total: concat.total, seq: concat.seq, text, timeoutMs: this.config.reassemblyTimeoutMs }));
    }
    return this.reassembler.add(`${meta.from}\u0000${meta.to}\u0000${concat.ref}`, concat.total, concat.seq, text, meta);
  }

  /** Hands a receipt to the sink (returning its promise) or to listeners; one without an id is only acknowledged. */
  private onReceipt(receipt: Receipt | null): Promise<void> | undefined {
    if (!receipt) return undefined;
    this.count.receipts++;
    if (this.sink) return this.sink.receipt(receipt);
    this.emit('receipt', receipt);
    return undefined;
  }

  private emitInbound(meta: InboundMeta, text: string, parts: number, incomplete: boolean): Promise<void> | undefined {
    this.count.inbound++;
    const m: InboundMessage = { channel: this.name, ...meta, text, parts };
    if (incomplete) m.incomplete = true;
    if (this.sink) return this.storingInbound(this.sink.inbound(m));
    this.emit('inbound', m);
    return undefined;
  }

  /** Keeps track of an inbound store until it settles, so stop() acknowledges it before unbinding. */
  private storingInbound(stored: Promise<void>): Promise<void> {
    this.storing.add(stored);
    const forget = () => { this.storing.delete(stored); };
    stored.then(forget, forget);
    return stored;
  }

  /** Hands receipts and inbound messages to a durable sink (acknowledged after it resolves); call before start(). */
  setSink(sink: ChannelSink): void {
    this.sink = sink;
  }

  private emitState(): void {
    const s = this.state();
    const key = `${s.state}|${s.boundBinds}|${s.reason ?? ''}`;
    if (key === this.lastState) return;
    this.lastState = key;
    this.emit('state', s);
  }
}

/** Answers a deliver_sm / data_sm with `respId`: now, or once `stored` settles (a refusal asks the SMSC to try again later). */
function acknowledge(conn: SmppBind, respId: number, sequence: number, stored: Promise<void> | undefined): void {
  if (!stored) return answer(conn, respId, sequence, Status.ESME_ROK);
  stored.then(() => answer(conn, respId, sequence, Status.ESME_ROK), () => answer(conn, respId, sequence, Status.ESME_RX_T_APPN));
}

/** Sends a deliver_sm_resp / data_sm_resp (empty message_id). */
function answer(conn: SmppBind, commandId: number, sequence: number, status: number): void {
  conn.send({ commandId, status, sequence, messageId: '' });
}
