// The SGIP 1.2 SP channel (China Unicom SMG): Bind (login type 1) connections for Submits, and our listener the SMG
// binds back to (login type 2) to deliver MO and Reports. The id of a part is its Submit's 12-octet sequence number.
import type { Channel, ChannelState, OutboundMessage } from '../channel.ts';
import { configError, retryable, type SendError } from '../errors.ts';
import { beijingStampNumber, concatHeader, decodeGatewayText, encodeGatewayText, splitUdh } from '../session/china-gateway.ts';
import { Connection } from '../session/connection.ts';
import { BinaryChannel, type InboundMeta } from '../session/binary-channel.ts';
import { listenOptions, type SgipConfig } from './config.ts';
import { sequenceId } from './ids.ts';
import { SgipListener } from './listener.ts';
import { Cmd, LoginType, type SgipPdu } from './pdus.ts';
import { describePdu, sgipProtocol } from './protocol.ts';
import { reportStatus, resultName, sendErrorFor } from './status-map.ts';

type Bind = Connection<SgipPdu>;

/** An SGIP carrier connection implementing Channel. */
export class SgipChannel extends BinaryChannel<SgipPdu> implements Channel {
  readonly type = 'sgip';
  readonly listener: SgipListener;
  /** The counter part of sequence numbers, shared by every bind of the channel (ids must not repeat across binds). */
  private counter = Math.floor(Math.random() * 0xffffffff);
  private ref = Math.floor(Math.random() * 0xff);
  /** Reports we could not attribute (not for a Submit) and unreadable MO. */
  unreadable = 0;
  /** The port our listener took (the configured one, or the free one when configured 0). */
  listenPort = 0;
  private listenError: SendError | null = null;
  private listenRetry: NodeJS.Timeout | null = null;
  private listening = false;

  constructor(private readonly config: SgipConfig) {
    super({ ...config, canSubmit: () => true });
    this.listener = new SgipListener(listenOptions(config), {
      deliver: (p) => this.onDeliver(p),
      report: (p) => this.onReport(p),
      log: (summary) => this.emit('log', { messageId: '', at: new Date(), direction: 'in', summary }),
    });
  }

  /**
   * Listens for the SMG first, then binds for submits. A port that cannot be taken marks the channel down and rejects
   * (no submits go out while reports could not come back); listening is tried again every configRetryMs.
   */
  override async start(): Promise<void> {
    const err = await this.listen();
    if (err) {
      this.listenRetry = setInterval(() => void this.retryListen(), this.config.configRetryMs);
      this.listenRetry.unref();
      throw err;
    }
    await super.start();
  }

  /** Takes the listening port; the error (also kept for state()) when it cannot. */
  private async listen(): Promise<SendError | null> {
    try {
      this.listenPort = await this.listener.start();
      this.listenError = null;
      return null;
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      this.listenError = configError(`cannot listen on ${this.config.listenHost}:${this.config.listenPort} for the SMG's connections: ${why}`, 'listen');
      this.emitState();
      return this.listenError;
    }
  }

  private async retryListen(): Promise<void> {
    if (this.sender.isStopping || this.listenError === null || this.listening) return;
    this.listening = true;
    const err = await this.listen();
    this.listening = false;
    if (err || this.sender.isStopping) return;
    if (this.listenRetry) clearInterval(this.listenRetry);
    this.listenRetry = null;
    await super.start().catch(() => undefined);
  }

  override state(): ChannelState {
    const s = super.state();
    return this.listenError && s.state !== 'stopped' ? { ...s, state: 'down' as const, reason: this.listenError.message } : s;
  }

  /** Drains submits and stores, unbinds, then closes the listener. */
  override async stop(): Promise<void> {
    if (this.listenRetry) clearInterval(this.listenRetry);
    await super.stop();
    await this.listener.stop();
  }

  protected partPdus(msg: OutboundMessage): SgipPdu[] {
    const cfg = this.config;
    const to = msg.to.charCodeAt(0) === 43 ? msg.to.slice(1) : msg.to;
    const encoded = encodeGatewayText(msg.text, cfg.chineseFormat, 'gbk');
    const total = encoded.parts.length;
    this.ref = (this.ref + 1) & 0xff;
    return encoded.parts.map((body, i): SgipPdu => ({
      commandId: Cmd.submit, node: cfg.nodeId, time: 0, sequence: 0,
      spNumber: msg.from || cfg.spNumber, chargeNumber: cfg.chargeNumber, userNumbers: [to], corpId: cfg.corpId, serviceType: cfg.serviceType,
      feeType: cfg.feeType, feeValue: cfg.feeValue, givenValue: cfg.givenValue, agentFlag: cfg.agentFlag, moRelated: cfg.moRelated,
      priority: cfg.priority, expireTime: '', scheduleTime: '', reportFlag: msg.registeredDelivery === false ? 2 : 1,
      tpPid: 0, tpUdhi: total > 1 ? 1 : 0, messageCoding: encoded.msgFmt, messageType: 0,
      content: total > 1 ? Buffer.concat([concatHeader(this.ref, total, i + 1), body]) : body,
    }));
  }

  /** A fresh sequence number per attempt: our node id, now in Beijing time, the channel's counter. */
  protected stamp(pdu: SgipPdu): void {
    pdu.node = this.config.nodeId;
    pdu.time = beijingStampNumber();
    this.counter = this.counter >= 0xffffffff ? 0 : this.counter + 1;
    pdu.sequence = this.counter;
  }

  protected outcome(resp: SgipPdu): string | SendError {
    const result = resp.result ?? 0;
    if (result !== 0) return sendErrorFor(result, 'Submit refused');
    return sequenceId(resp);
  }

  protected describe(pdu: SgipPdu): string {
    return describePdu(pdu);
  }

  protected farewell(sequence: number): SgipPdu {
    return { commandId: Cmd.unbind, node: this.config.nodeId, time: beijingStampNumber(), sequence };
  }

  protected readonly farewellReason = 'unbound';

  protected async openBind(): Promise<Bind> {
    const cfg = this.config;
    const conn = await Connection.open(cfg.host, cfg.port, sgipProtocol, {
      window: this.sender.congestion.limit,
      responseTimeoutMs: cfg.responseTimeoutMs,
      keepaliveMs: 0,
      eagerWrites: true,
    }, (c) => ({
      onRequest: (p: SgipPdu) => this.onBindRequest(c, p),
      onBadPdu: (err) => c.close(`bad PDU from the SMG: ${err.message}`),
      onFree: () => this.pool.wake(),
      onClose: () => undefined,
    }));
    let resp: SgipPdu;
    try {
      resp = await conn.request((sequence) => ({
        commandId: Cmd.bind, node: cfg.nodeId, time: beijingStampNumber(), sequence,
        loginType: LoginType.spToSmg, loginName: cfg.loginName, loginPassword: cfg.password,
      }), false);
    } catch (err) {
      conn.close('bind failed');
      throw err;
    }
    const result = resp.result ?? 0;
    if (resp.commandId !== Cmd.bind_resp || result !== 0) {
      conn.close('bind refused');
      if (resp.commandId !== Cmd.bind_resp) throw retryable(`the SMG answered the Bind with ${describePdu(resp)}`, 'bind');
      const err = sendErrorFor(result, 'the SMG refused the bind');
      throw err.temporary ? err : configError(`the SMG refused the bind: ${resultName(result)}`, err.code);
    }
    return conn;
  }

  /** On our own connection the SMG may only say Unbind; anything else is answered "function not provided". */
  private onBindRequest(conn: Bind, p: SgipPdu): void {
    if (p.commandId === Cmd.unbind) {
      conn.send({ commandId: Cmd.unbind_resp, node: p.node, time: p.time, sequence: p.sequence });
      return conn.end('unbound by the SMG');
    }
    conn.send({ commandId: (p.commandId | 0x80000000) >>> 0, node: p.node, time: p.time, sequence: p.sequence, result: 30 });
  }

  /** A Report of one of our Submits (ReportType 0) → a receipt keyed by that Submit's sequence number. */
  private onReport(p: SgipPdu): Promise<void> | undefined {
    if (p.reportType !== 0) {
      this.unreadable++;
      this.emit('log', { messageId: '', at: new Date(), direction: 'in', summary: `Report of type ${p.reportType} (not about a Submit) ignored: ${describePdu(p)}` });
      return undefined;
    }
    const carrierId = sequenceId({ node: p.submitNode ?? 0, time: p.submitTime ?? 0, sequence: p.submitSequence ?? 0 });
    const { status, stat } = reportStatus(p.state ?? 2, p.errorCode ?? 0);
    return this.onReceipt({
      channel: this.name, carrierId, status, stat, err: String(p.errorCode ?? 0), doneAt: new Date(),
      raw: `submit:${carrierId} state:${p.state} err:${p.errorCode} user:${p.userNumber ?? ''}`,
    });
  }

  /** An MO from a handset (a part of a long one when TP_udhi is set). */
  private onDeliver(p: SgipPdu): Promise<void> | undefined {
    const content = p.content ?? Buffer.alloc(0);
    const { payload, concat } = (p.tpUdhi ?? 0) & 1 ? splitUdh(content) : { payload: content, concat: null };
    const coding = p.messageCoding ?? 0;
    const decoded = decodeGatewayText(payload, coding, 'gbk');
    const meta: InboundMeta = { from: p.userNumber ?? '', to: p.spNumber ?? '', dataCoding: coding, receivedAt: new Date() };
    if (decoded.lossy) {
      meta.raw = payload.toString('hex');
      this.note('', 'in', `MO from ${meta.from} is not valid in MessageCoding ${coding}; stored as received (hex) beside a text with U+FFFD where it did not decode`);
    }
    return this.onInbound(meta, decoded.text, concat, payload);
  }
}
