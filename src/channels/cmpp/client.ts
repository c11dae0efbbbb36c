// The CMPP SP client (China Mobile): logs in with the MD5 authenticators and checks the gateway's, submits long
// messages part by part (TP_udhi + UDH) with retries that keep each part's identity, turns CMPP_DELIVER into
// status reports and inbound messages, answers ACTIVE_TEST and TERMINATE.
import type { Channel, OutboundMessage, Receipt } from '../channel.ts';
import { configError, retryable, type SendError } from '../errors.ts';
import { BinaryChannel, type InboundMeta } from '../session/binary-channel.ts';
import { beijingReportTime } from '../session/china-gateway.ts';
import { Connection, type ConnectionHandlers } from '../session/connection.ts';
import { readU32 } from '../session/octets.ts';
import type { PduError } from '../session/pdu-error.ts';
import { Part as SessionPart } from '../session/submission.ts';
import { readConcatUdh, type ConcatInfo } from '../session/udh.ts';
import { authenticatorIsmg, authenticatorSource, connectTimestamp } from './authenticator.ts';
import type { CmppConfig } from './config.ts';
import { buildCmppMessage, decodeContent } from './message.ts';
import { reportAt } from './codec.ts';
import { readMsgId } from './ids.ts';
import { Cmd, HEADER_LENGTH, Result, Version, type Pdu, type StatusReport } from './pdus.ts';
import { cmppProtocols, describePdu } from './protocol.ts';
import { connectError, sendErrorFor, statError, statStatus } from './status-map.ts';

type CmppBind = Connection<Pdu>;
/** One part of a CMPP submit (the session layer's Part over CMPP binds and PDUs). */
const Part = SessionPart<CmppBind, Pdu>;
type Part = SessionPart<CmppBind, Pdu>;

/** ValId_Time relative to the submit, SMPP 3.3 style (YYMMDDhhmmss000R). */
function relativeValidity(hours: number): string {
  if (hours <= 0) return '';
  const days = Math.floor(hours / 24);
  return `0000${String(days).padStart(2, '0')}${String(hours % 24).padStart(2, '0')}0000000R`;
}

/** A report's YYMMDDHHMM (or YYMMDDHHMMSS) in China time as a Date; null when it does not parse. */
export function reportTime(s: string): Date | null {
  return s.length === 10 || s.length === 12 ? beijingReportTime(s) : null;
}

/** The Receipt of a status report, the original Stat word kept. */
export function receiptOf(report: StatusReport, channel: string): Receipt {
  return {
    channel,
    carrierId: report.msgId,
    status: statStatus(report.stat),
    stat: report.stat,
    err: statError(report.stat),
    doneAt: reportTime(report.doneTime),
    raw: `id:${report.msgId} stat:${report.stat} submit time:${report.submitTime} done time:${report.doneTime} dest:${report.destTerminalId} smsc sequence:${report.smscSequence}`,
  };
}

/** A CMPP 2.0 / 3.0 gateway connection implementing Channel. */
export class CmppChannel extends BinaryChannel<Pdu> implements Channel {
  readonly type = 'cmpp';
  private ref = Math.floor(Math.random() * 0xffff);
  /** PDUs of commands we do not handle, received since start. */
  unknownCommands = 0;

  constructor(private readonly config: CmppConfig) {
    super({ ...config, canSubmit: () => true });
  }

  /** The CMPP_SUBMIT of each part (the same UDH for every attempt). */
  protected partPdus(msg: OutboundMessage): Pdu[] {
    const cfg = this.config;
    this.ref = (this.ref + 1) & 0xffff;
    const wire = buildCmppMessage(msg.text, { chinese: cfg.chineseFormat, ref: cfg.concat === 'udh16' ? this.ref : this.ref & 0xff, ref16: cfg.concat === 'udh16' });
    const base = {
      registeredDelivery: msg.registeredDelivery === false ? 0 : 1,
      srcId: msg.from || cfg.serviceNumber,
      destTerminalIds: [this.destination(msg.to)],
      validTime: relativeValidity(cfg.validHours),
      // CMPP 2.0 has Reserve where 3.0 has LinkID
      linkId: cfg.version === Version.v30 ? msg.linkId || cfg.linkId : '',
    };
    const total = wire.parts.length;
    return wire.parts.map((part, i) => this.partPdu(base, wire.msgFmt, total, i + 1, part.tpUdhi, part.content));
  }

  /** Dest_terminal_Id of a number: without '+', and without 86 when the channel sends national numbers. */
  private destination(to: string): string {
    const bare = to.charCodeAt(0) === 43 ? to.slice(1) : to;
    return this.config.destFormat === 'national' && bare.length === 13 && bare.startsWith('86') ? bare.slice(2) : bare;
  }

  /** The CMPP_SUBMIT of one part (kept by its Part for every attempt; the sequence is set when it is sent). */
  private partPdu(
    base: { registeredDelivery: number; srcId: string; destTerminalIds: string[]; validTime: string; linkId: string },
    msgFmt: number, pkTotal: number, pkNumber: number, tpUdhi: number, msgContent: Buffer,
  ): Pdu {
    const cfg = this.config;
    return {
      commandId: Cmd.submit, sequence: 0, msgId: '0', pkTotal, pkNumber,
      registeredDelivery: base.registeredDelivery, msgLevel: cfg.msgLevel, serviceId: cfg.serviceId,
      feeUserType: cfg.feeUserType, feeTerminalId: cfg.feeTerminalId, feeTerminalType: 0,
      tpPid: 0, tpUdhi, msgFmt, msgSrc: cfg.spId, feeType: cfg.feeType, feeCode: cfg.feeCode,
      validTime: base.validTime, atTime: '', srcId: base.srcId,
      destTerminalIds: base.destTerminalIds, destTerminalType: 0, msgContent, linkId: base.linkId,
    };
  }

  /** Ends a bind with CMPP_TERMINATE (waiting a second for its answer), then closes it. */
  protected farewell(sequence: number): Pdu {
    return { commandId: Cmd.terminate, sequence };
  }

  protected readonly farewellReason = 'terminated';

  protected stamp(pdu: Pdu, conn: CmppBind): void {
    pdu.sequence = conn.nextSequence();
  }

  protected outcome(resp: Pdu): string | SendError {
    return resp.result === Result.ok ? resp.msgId ?? '' : sendErrorFor(resp.result ?? -1);
  }

  protected describe(pdu: Pdu): string {
    return describePdu(pdu);
  }

  /** Connects and logs in: CMPP_CONNECT with AuthenticatorSource, then the gateway's answer checked. */
  protected async openBind(): Promise<CmppBind> {
    const cfg = this.config;
    const conn = await Connection.open(cfg.host, cfg.port, cmppProtocols[cfg.version], {
      window: this.sender.congestion.limit,
      responseTimeoutMs: cfg.responseTimeoutMs,
      keepaliveMs: cfg.activeTestSeconds * 1000,
      keepaliveMisses: cfg.activeTestMisses,
      eagerWrites: true,
    }, (c) => this.handlers(c));
    const timestamp = connectTimestamp(new Date());
    const auth = authenticatorSource(cfg.spId, cfg.sharedSecret, timestamp);
    let resp: Pdu;
    try {
      resp = await conn.request((sequence) => ({ commandId: Cmd.connect, sequence, sourceAddr: cfg.spId, authenticatorSource: auth, version: cfg.version, timestamp }), false);
    } catch (err) {
      conn.close('login failed');
      throw err;
    }
    const refused = this.loginProblem(resp, auth);
    if (refused) {
      conn.close('login refused');
      throw refused;
    }
    return conn;
  }

  /** Why a CMPP_CONNECT_RESP does not let us in (refused, other version, gateway not proving the secret), or null. */
  private loginProblem(resp: Pdu, auth: Buffer) {
    const cfg = this.config;
    if (resp.commandId !== Cmd.connect_resp) return retryable(`the gateway answered CMPP_CONNECT with ${describePdu(resp)}`, 'login');
    if (resp.status !== 0) return connectError(resp.status ?? -1);
    const answered = resp.version ?? 0;
    if (answered >> 4 !== cfg.version >> 4) {
      return configError(`the gateway answered version 0x${answered.toString(16)}, but the channel speaks CMPP ${cfg.version === Version.v30 ? '3.0 (0x30)' : '2.0 (0x20)'}: set the channel's version to the gateway's`, 'cmpp-version');
    }
    if (cfg.verifyIsmg) {
      const expected = authenticatorIsmg(0, cfg.version === Version.v30 ? 4 : 1, auth, cfg.sharedSecret);
      if (!resp.authenticatorIsmg || !expected.equals(resp.authenticatorIsmg)) {
        return configError('the gateway\'s AuthenticatorISMG does not match the shared secret (a different secret, or not the gateway it claims to be)', 'cmpp-ismg');
      }
    }
    return null;
  }

  private handlers(conn: CmppBind): ConnectionHandlers<Pdu> {
    return {
      onRequest: (p) => this.onRequest(conn, p),
      onFrame: (buf, start, end) => this.submitRespAt(conn, buf, start, end) || this.reportFrameAt(conn, buf, start, end),
      onBadPdu: (err: PduError) => this.note('', 'in', `undecodable PDU seq=${err.sequence ?? '?'}: ${err.message}`),
      onFree: () => this.pool.wake(),
      onClose: () => undefined,
    };
  }

  /**
   * The hot path: a CMPP_SUBMIT_RESP answering a part, read straight from its octets [start, end) of `buf` and
   * settled with no PDU object. False for any other frame (or while PDUs are being logged): decoded as usual.
   */
  private submitRespAt(conn: CmppBind, buf: Buffer, start: number, end: number): boolean {
    const length = end - start;
    if ((length !== HEADER_LENGTH + 12 && length !== HEADER_LENGTH + 9) || readU32(buf, start + 4) !== Cmd.submit_resp) return false;
    const sequence = readU32(buf, start + 8);
    const part = conn.waiting(sequence);
    if (!(part instanceof Part) || this.listenerCount('log') > 0) return false;
    const result = length === HEADER_LENGTH + 12 ? readU32(buf, start + 20) : buf[start + 20];
    const freed = conn.release(sequence);
    this.sender.settled(part, result === Result.ok ? readMsgId(buf, start + HEADER_LENGTH) : sendErrorFor(result));
    if (freed) this.pool.wake();
    return true;
  }

  /**
   * A status report read straight from its octets (no PDU object), answered with the Msg_Id's octets echoed: a view
   * of the frame when the answer is encoded now, a copy when it waits for the sink.
   */
  private reportFrameAt(conn: CmppBind, buf: Buffer, start: number, end: number): boolean {
    const report = reportAt(buf, start, end, this.config.version);
    if (!report) return false;
    const sequence = readU32(buf, start + 8);
    const stored = this.onReceipt(receiptOf(report, this.name));
    const msgIdOctets = buf.subarray(start + HEADER_LENGTH, start + HEADER_LENGTH + 8);
    acknowledge(conn, { commandId: Cmd.deliver, sequence, msgIdOctets: stored ? Buffer.from(msgIdOctets) : msgIdOctets }, stored);
    return true;
  }

  private onRequest(conn: CmppBind, p: Pdu): void {
    switch (p.commandId) {
      case Cmd.deliver:
        return acknowledge(conn, p, this.onDeliver(p));
      case Cmd.active_test:
        return conn.send({ commandId: Cmd.active_test_resp, sequence: p.sequence });
      case Cmd.terminate:
        conn.send({ commandId: Cmd.terminate_resp, sequence: p.sequence });
        return conn.end('terminated by the gateway');
      default:
        // CMPP has no generic nack: an unknown request is logged and left unanswered
        this.unknownCommands++;
        this.note('', 'in', `unknown command ${describePdu(p)}, not answered`);
    }
  }

  /**
   * Turns a CMPP_DELIVER into a receipt (Registered_Delivery 1) or an inbound message (or a part of a long one);
   * returns the sink's promise when it must be stored before it is acknowledged.
   */
  private onDeliver(p: Pdu): Promise<void> | undefined {
    if (p.registeredDelivery === 1) return p.report ? this.onReceipt(receiptOf(p.report, this.name)) : undefined;
    let content = p.msgContent ?? Buffer.alloc(0);
    let concat: ConcatInfo | null = null;
    if (p.tpUdhi === 1) ({ payload: content, concat } = readConcatUdh(content));
    const meta: InboundMeta = { from: p.srcTerminalId ?? '', to: p.destId ?? '', dataCoding: p.msgFmt ?? 0, receivedAt: new Date() };
    if (p.linkId) meta.linkId = p.linkId;
    const { text, undecodable } = decodeContent(content, meta.dataCoding);
    if (undecodable) {
      meta.raw = content.toString('hex');
      this.note('', 'in', `MO from ${meta.from}: Msg_Content is not valid GBK; stored as received (hex) beside a text with U+FFFD where it did not decode`);
    }
    return this.onInbound(meta, text, concat, content);
  }
}

/** Answers a CMPP_DELIVER: now, or once `stored` settles (a refusal, Result 9, has the gateway deliver it again later). */
function acknowledge(conn: CmppBind, p: Pdu, stored: Promise<void> | undefined): void {
  if (!stored) return answerDeliver(conn, p, Result.ok);
  stored.then(() => answerDeliver(conn, p, Result.ok), () => answerDeliver(conn, p, Result.notServed));
}

/** Sends the CMPP_DELIVER_RESP of a DELIVER (its Msg_Id echoed). */
function answerDeliver(conn: CmppBind, p: Pdu, result: number): void {
  conn.send({ commandId: Cmd.deliver_resp, sequence: p.sequence, msgId: p.msgId ?? '0', msgIdOctets: p.msgIdOctets, result });
}
