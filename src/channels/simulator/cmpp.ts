// The virtual carrier's CMPP side: an ISMG speaking CMPP 2.0 / 3.0 over real TCP (our codec) to the same virtual
// handsets, checking the SP's AuthenticatorSource and proving its own, with the SMPP side's receipts, rules and
// faults (flow control = Result 8, drops, silence, slow reports) plus a wrong secret, a wrong version and a report
// sent before its submit response.
import type net from 'node:net';
import { authenticatorIsmg, authenticatorSource } from '../cmpp/authenticator.ts';
import { decodePdu, encodePdu, encodePduInto } from '../cmpp/codec.ts';
import { composeMsgId, type MsgIdParts } from '../cmpp/ids.ts';
import { buildCmppMessage, decodeContent, type CmppMessage } from '../cmpp/message.ts';
import { Cmd, ConnectStatus, Result, Version, type CmppVersion, type Pdu, type StatusReport } from '../cmpp/pdus.ts';
import { cmppProtocols } from '../cmpp/protocol.ts';
import { Connection } from '../session/connection.ts';
import type { WireProtocol } from '../session/protocol.ts';
import { concatUdh, readConcatUdh } from '../session/udh.ts';
import { OUTCOME_STAT, type Outcome, type SimulatorConfig } from './config.ts';
import { VirtualGateway, type GatewaySession } from './gateway.ts';
import { minuteStamp } from './minute-stamp.ts';
import type { MoMessage } from './simulator.ts';

/** CMPP-only faults and settings, beside the shared SimulatorConfig (whose accounts are SP_Id / shared secret). */
export interface CmppSimulatorOptions {
  /** The gateway code in the Msg_Ids it makes (22 bits). */
  ismgCode: number;
  /** Answer CMPP_CONNECT with this version instead of the SP's (the wrong-version fault). */
  answerVersion?: number;
  /** Compute AuthenticatorISMG with this secret instead of the SP's (a gateway that cannot prove the secret). */
  ismgSecret?: string;
  /** Send each status report before the CMPP_SUBMIT_RESP that carries its Msg_Id. */
  reportBeforeResponse: boolean;
  /** ACTIVE_TEST the SP after this many idle ms (0 = never). */
  activeTestMs: number;
}

interface Session extends GatewaySession<Pdu> {
  spId: string | null;
  version: CmppVersion;
}

/** An ISMG with virtual handsets on a TCP port. */
export class CmppSimulator extends VirtualGateway<Pdu, Session, Pdu> {
  private options: CmppSimulatorOptions;
  /** Msg_Ids count up from here: 16 bits of sequence, then the next second (unique however fast submits come). */
  private issued = 0;
  private readonly epoch = Math.floor(Date.now() / 1000);
  /** The parts of the virtual second `clockSecond` (every Msg_Id of that second shares them). */
  private clockSecond = -1;
  private clock: MsgIdParts = { month: 0, day: 0, hour: 0, minute: 0, second: 0, ismg: 0, sequence: 0 };
  private moRef = 0;

  constructor(config: Partial<SimulatorConfig> = {}, options: Partial<CmppSimulatorOptions> = {}) {
    super(config);
    this.options = { ismgCode: 0x1234, reportBeforeResponse: false, activeTestMs: 0, ...options };
  }

  /** Changes settings live (shared ones and CMPP ones). */
  override configure(patch: Partial<SimulatorConfig>, options: Partial<CmppSimulatorOptions> = {}): void {
    super.configure(patch);
    this.options = { ...this.options, ...options };
  }

  /** Sends an MO from a handset to a logged-in SP (`systemId` = its SP_Id), split with UDH when long; returns the part count. */
  sendMo(mo: MoMessage): number {
    const target = this.receiver(mo.systemId ?? null, null);
    if (!target) throw new Error(`no SP logged in${mo.systemId ? ` as ${mo.systemId}` : ''}`);
    const ref = ++this.moRef & 0xff;
    const message = mo.octets ? octetParts(mo.octets.coding, [mo.octets.bytes].flat(), ref) : buildCmppMessage(mo.text, { chinese: 'ucs2', ref });
    for (const part of message.parts) {
      this.deliver(target, {
        commandId: Cmd.deliver, sequence: 0, msgId: this.nextMsgId(), destId: mo.to, serviceId: '', tpPid: 0, tpUdhi: part.tpUdhi,
        msgFmt: message.msgFmt, srcTerminalId: mo.from, srcTerminalType: 0, registeredDelivery: 0, msgContent: part.content, linkId: mo.linkId ?? '',
      });
    }
    this.counters.moSent++;
    return message.parts.length;
  }

  /** Sends CMPP_TERMINATE on every session (the gateway ending the connections). */
  terminateAll(): void {
    for (const s of this.sessions) s.conn.send({ commandId: Cmd.terminate, sequence: s.conn.nextSequence() });
  }

  /** The next Msg_Id: the time part from a virtual clock that moves a second every 65536 ids (its parts made once per second). */
  private nextMsgId(): string {
    const n = this.issued++;
    const second = this.epoch + Math.floor(n / 0x10000);
    if (second !== this.clockSecond) {
      const t = new Date(second * 1000 + 8 * 3600_000);
      this.clockSecond = second;
      this.clock = { month: t.getUTCMonth() + 1, day: t.getUTCDate(), hour: t.getUTCHours(), minute: t.getUTCMinutes(), second: t.getUTCSeconds(), ismg: this.options.ismgCode, sequence: 0 };
    }
    this.clock.sequence = n & 0xffff;
    return composeMsgId(this.clock);
  }

  protected accountOf(s: Session): string | null {
    return s.spId;
  }

  protected canReceive(s: Session): boolean {
    return s.spId !== null;
  }

  protected receiptPdu(report: Pdu): Pdu {
    return report;
  }

  protected accept(socket: net.Socket): Session {
    // the SP's version is known once its CMPP_CONNECT is read (the same in both): from then on the session speaks it
    const session: Session = { conn: null as unknown as Connection<Pdu>, spId: null, version: Version.v30, unacked: {} };
    const protocol: WireProtocol<Pdu> = {
      ...cmppProtocols[Version.v30],
      encode: (p) => encodePdu(p, session.version),
      encodeInto: (p, buf, offset) => encodePduInto(p, session.version, buf, offset),
      decode: (f) => decodePdu(f, session.version),
    };
    session.conn = new Connection<Pdu>(socket, protocol, { window: 1_000_000, responseTimeoutMs: 60_000, keepaliveMs: this.options.activeTestMs }, () => ({
      onRequest: (p) => this.onRequest(session, p),
      onBadPdu: () => undefined,
      onFree: () => undefined,
      onClose: () => this.onClose(session),
      onUnmatchedResponse: (p) => {
        // a refusal (Result 9: not stored) is kept and offered again once the SP logs in anew
        if (p.commandId === Cmd.deliver_resp) this.acknowledged(session, p.sequence, (p.result ?? 0) === Result.ok);
      },
    }));
    return session;
  }

  private onRequest(s: Session, p: Pdu): void {
    switch (p.commandId) {
      case Cmd.connect:
        return this.onConnect(s, p);
      case Cmd.submit:
        return this.onSubmit(s, p);
      case Cmd.active_test:
        return s.conn.send({ commandId: Cmd.active_test_resp, sequence: p.sequence });
      case Cmd.terminate:
        s.conn.send({ commandId: Cmd.terminate_resp, sequence: p.sequence });
        s.conn.end('terminated');
        return;
      default:
        // CMPP has no generic nack: unknown requests are ignored
    }
  }

  private onConnect(s: Session, p: Pdu): void {
    this.counters.bindAttempts++;
    const spId = p.sourceAddr ?? '';
    const account = this.config.accounts.find((a) => a.systemId === spId);
    const version = (p.version ?? 0) >> 4 === 2 ? Version.v20 : Version.v30;
    s.version = version;
    let status: number = ConnectStatus.ok;
    if (this.config.accounts.length && !account) status = ConnectStatus.badSource;
    else if (account && p.authenticatorSource && !authenticatorSource(spId, account.password, p.timestamp ?? 0).equals(p.authenticatorSource)) status = ConnectStatus.authentication;
    else if ((p.version ?? 0) >> 4 > 3) status = ConnectStatus.versionTooHigh;
    const secret = this.options.ismgSecret ?? account?.password ?? '';
    const ismg = status === ConnectStatus.ok ? authenticatorIsmg(status, version === Version.v30 ? 4 : 1, p.authenticatorSource ?? Buffer.alloc(16), secret) : Buffer.alloc(16);
    s.conn.send({ commandId: Cmd.connect_resp, sequence: p.sequence, status, authenticatorIsmg: ismg, version: this.options.answerVersion ?? version });
    if (status !== ConnectStatus.ok) {
      s.conn.end(`login refused: ${status}`);
      return;
    }
    s.spId = spId;
    this.counters.bindCount++;
    this.drainBacklog(spId);
  }

  private onSubmit(s: Session, p: Pdu): void {
    const c = this.counters;
    c.submits++;
    if (!s.spId) return answerSubmit(s, p, Result.badCommand);
    const fault = this.submitFault(s);
    if (fault === 'silent' || fault === 'dropped') return;
    if (fault === 'throttled') return answerSubmit(s, p, Result.flowControl);
    const dest = p.destTerminalIds?.[0] ?? '';
    const verdict = this.verdict(dest);
    if (typeof verdict === 'number') return answerSubmit(s, p, verdict);
    const msgId = this.nextMsgId();
    const report = p.registeredDelivery === 1 ? this.reportPdu(msgId, dest, p.srcId ?? '', verdict) : null;
    if (report && this.options.reportBeforeResponse) {
      this.deliver(s, report);
      this.counters.receiptsSent++;
    }
    answerSubmit(s, p, Result.ok, msgId);
    this.account(p, dest);
    if (report && !this.options.reportBeforeResponse) this.schedule(s.spId, s, report);
  }

  /** The CMPP_DELIVER (without sequence) reporting on `msgId`. */
  private reportPdu(msgId: string, handset: string, srcId: string, outcome: Outcome): Pdu {
    const stamp = yymmddhhmm(Date.now());
    const report: StatusReport = { msgId, stat: OUTCOME_STAT[outcome], submitTime: stamp, doneTime: stamp, destTerminalId: handset, smscSequence: this.issued & 0xffffffff };
    return {
      commandId: Cmd.deliver, sequence: 0, msgId: this.nextMsgId(), destId: srcId, serviceId: '', tpPid: 0, tpUdhi: 0, msgFmt: 0,
      srcTerminalId: handset, srcTerminalType: 0, registeredDelivery: 1, report, linkId: '',
    };
  }

  /** Counts a part as new or duplicate (same destination, same octets), and puts it in the handset's inbox. */
  private account(p: Pdu, dest: string): void {
    const content = p.msgContent ?? Buffer.alloc(0);
    const { payload, concat } = p.tpUdhi === 1 ? readConcatUdh(content) : { payload: content, concat: null };
    const msgFmt = p.msgFmt ?? 0;
    this.take(p.srcId ?? '', dest, content, msgFmt, concat, () => decodeContent(payload, msgFmt).text, p.linkId);
  }
}

/** Octets sent as given: one part, or the parts of a long message behind a concatenation UDH. */
function octetParts(msgFmt: number, bodies: Buffer[], ref: number): CmppMessage {
  const total = bodies.length;
  if (total === 1) return { msgFmt, parts: [{ tpUdhi: 0, content: bodies[0] }] };
  return { msgFmt, parts: bodies.map((body, i) => ({ tpUdhi: 1, content: Buffer.concat([concatUdh({ ref, total, seq: i + 1 }, false), body]) })) };
}

/** Answers a CMPP_SUBMIT with `result` (and the Msg_Id it was given). */
function answerSubmit(s: Session, p: Pdu, result: number, msgId = '0'): void {
  s.conn.send({ commandId: Cmd.submit_resp, sequence: p.sequence, msgId, result });
}

/** YYMMDDHHMM in China time. */
const yymmddhhmm = minuteStamp(8);
