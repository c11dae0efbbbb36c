// The SMPP ESME channel: binds (transceiver, or transmitters + receivers), submits long messages part by
// part with retries that keep each part's identity, turns deliver_sm into receipts and inbound messages.
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Channel, ChannelCounters, ChannelSink, ChannelState, InboundMessage, OutboundMessage, SubmitResult } from '../channel.ts';
import { asSendError, retryable, type SendError } from '../errors.ts';
import { backoffDelay } from '../session/backoff.ts';
import { Connection, type ConnectionHandlers } from '../session/connection.ts';
import type { PduError } from '../session/pdu-error.ts';
import { BindPool } from '../session/pool.ts';
import { CongestionWindow, RateLimiter } from '../session/rate.ts';
import type { SmppConfig } from './config.ts';
import { normaliseId } from './ids.ts';
import { buildMessage, decodeText, readUserData } from './message.ts';
import { Cmd, EsmClass, Status, type Pdu } from './pdus.ts';
import { describePdu, smppProtocol } from './protocol.ts';
import { Reassembler } from './reassembly.ts';
import { receiptFromPdu } from './receipt.ts';
import { sendErrorFor } from './status-map.ts';

type SmppBind = Connection<Pdu>;
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
    this.reassembler = new Reassembler(config.reassemblyTimeoutMs, (m) => {
      // The parts were acknowledged as they came; a sink logs its own failures.
      this.emitInbound(m.meta, m.text, m.parts, m.incomplete)?.catch(() => undefined);
    });
    this.pool = new BindPool<SmppBind>({
      slots: this.kinds.length,
      open: (slot) => this.openBind(this.kinds[slot]),
      canSubmit: (slot) => this.kinds[slot] !== 'receiver',
      reconnect: config.reconnect,
      configRetryMs: config.configRetryMs,
      onChange: () => this.emitState(),
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
  async submit(msg: OutboundMessage): Promise<SubmitResult> {
    if (this.stopping) throw retryable(`channel ${this.name} is stopping`, 'stopped');
    const cfg = this.config;
    this.ref = (this.ref + 1) & 0xffff;
    const wire = buildMessage(msg.text, { concat: cfg.concat, dataCoding: cfg.defaultDataCoding, ref: this.ref });
    const deadline = Date.now() + cfg.submitDeadlineMs;
    const to = msg.to.startsWith('+') ? msg.to.slice(1) : msg.to;
    const pdus = wire.parts.map((part): Pdu => ({
      commandId: Cmd.submit_sm, status: 0, sequence: 0,
      sourceAddrTon: cfg.sourceTon, sourceAddrNpi: cfg.sourceNpi, sourceAddr: msg.from || cfg.defaultSource,
      destAddrTon: cfg.destTon, destAddrNpi: cfg.destNpi, destinationAddr: to,
      esmClass: part.esmClass, registeredDelivery: msg.registeredDelivery === false ? 0 : 1,
      dataCoding: wire.dataCoding, shortMessage: part.shortMessage, tlvs: part.tlvs,
    }));
    try {
      const carrierIds = pdus.length === 1
        ? [await this.submitPart(msg.id, pdus[0], deadline)]
        : await Promise.all(pdus.map((p) => this.submitPart(msg.id, p, deadline)));
      this.count.submitted++;
      return { carrierIds, segments: pdus.length };
    } catch (err) {
      this.count.submitFailed++;
      throw asSendError(err);
    }
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
    await Promise.all(members.map((conn) => this.unbind(conn)));
    if (this.reassemblyTimer) clearInterval(this.reassemblyTimer);
    this.reassembler.flush();
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

  private async submitPart(messageId: string, pdu: Pdu, deadline: number): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      if (this.config.tps > 0) await this.rate.acquire(1);
      let err: SendError;
      try {
        const resp = await this.send(messageId, pdu, deadline);
        if (resp.status === Status.ESME_ROK) {
          if (this.congestion.success()) this.applyWindow();
          return normaliseId(resp.messageId ?? '', this.config.idFormat.submit);
        }
        err = sendErrorFor(resp.status, 'submit_sm');
      } catch (e) {
        err = asSendError(e);
      }
      if (err.kind === 'throttled') {
        this.count.throttled++;
        this.congestion.throttle();
        this.rate.throttle();
        this.applyWindow();
      }
      if (!err.temporary || this.stopping || attempt >= this.config.maxAttempts || Date.now() >= deadline) throw err;
      if (err.code !== 'closed') await sleep(Math.min(backoffDelay(attempt - 1, 50, 2000), Math.max(0, deadline - Date.now())));
    }
  }

  /** Sends one part on a bind with a free window slot (waiting for one: backpressure). */
  private send(messageId: string, pdu: Pdu, deadline: number): Promise<Pdu> {
    return new Promise<Pdu>((resolve, reject) => {
      this.pool.lease(deadline, (conn) => {
        this.count.inFlight++;
        const response = conn.request((sequence) => {
          pdu.sequence = sequence;
          return pdu;
        });
        if (this.listenerCount('log') > 0) this.log(messageId, 'out', pdu);
        response.then(
          (resp) => {
            this.partDone();
            if (this.listenerCount('log') > 0) this.log(messageId, 'in', resp);
            resolve(resp);
          },
          (err: unknown) => {
            this.partDone();
            reject(err);
          },
        );
      }, reject);
    });
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

  private log(messageId: string, direction: 'out' | 'in', p: Pdu): void {
    this.emit('log', { messageId, at: new Date(), direction, summary: describePdu(p) });
  }

  private async openBind(kind: BindKind): Promise<SmppBind> {
    const cfg = this.config;
    const conn = await Connection.open(cfg.host, cfg.port, smppProtocol, {
      window: this.congestion.limit,
      responseTimeoutMs: cfg.responseTimeoutMs,
      keepaliveMs: cfg.enquireLinkSeconds * 1000,
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
      onBadPdu: (err: PduError) => conn.send({ commandId: Cmd.generic_nack, status: err.status ?? Status.ESME_RINVCMDLEN, sequence: err.sequence ?? 0 }),
      onFree: () => this.pool.wake(),
      onClose: () => undefined,
    };
  }

  private onRequest(conn: SmppBind, p: Pdu): void {
    switch (p.commandId) {
      case Cmd.deliver_sm:
      case Cmd.data_sm: {
        const ack = (status: number) => conn.send({ commandId: p.commandId === Cmd.deliver_sm ? Cmd.deliver_sm_resp : Cmd.data_sm_resp, status, sequence: p.sequence, messageId: '' });
        const stored = this.onDeliver(p);
        if (!stored) return ack(0);
        stored.then(() => ack(0), () => ack(Status.ESME_RX_T_APPN));
        return;
      }
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
   * stored before it is acknowledged. (Parts of a long MO are acknowledged as they arrive; the joined message
   * goes to the sink when the last part completes it.)
   */
  private onDeliver(p: Pdu): Promise<void> | undefined {
    const esm = p.esmClass ?? 0;
    if (esm & (EsmClass.deliveryReceipt | EsmClass.intermediateNotification)) {
      const receipt = receiptFromPdu(p, this.name, this.config.idFormat.receipt);
      if (!receipt) return undefined;
      this.count.receipts++;
      if (this.sink) return this.sink.receipt(receipt);
      this.emit('receipt', receipt);
      return undefined;
    }
    const { payload, concat } = readUserData(p);
    const meta: InboundMeta = { from: p.sourceAddr ?? '', to: p.destinationAddr ?? '', dataCoding: p.dataCoding ?? 0, receivedAt: new Date() };
    const text = decodeText(payload, meta.dataCoding);
    if (!concat || concat.total === 1) return this.emitInbound(meta, text, 1, false);
    this.reassembler.add(`${meta.from}\u0000${meta.to}\u0000${concat.ref}`, concat.total, concat.seq, text, meta);
    return undefined;
  }

  private emitInbound(meta: InboundMeta, text: string, parts: number, incomplete: boolean): Promise<void> | undefined {
    this.count.inbound++;
    const m: InboundMessage = { channel: this.name, ...meta, text, parts };
    if (incomplete) m.incomplete = true;
    if (this.sink) return this.sink.inbound(m);
    this.emit('inbound', m);
    return undefined;
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
