// The virtual carrier as a China Telecom SMGW speaking SMGP 3.0.3: checks the Login authenticator, issues BCD MsgIDs,
// sends status reports (Deliver, IsReport = 1) and MO to a session logged in to receive.
import type net from 'node:net';
import { beijingStamp, concatHeader, decodeGatewayText, encodeGatewayText, readFixed, splitUdh } from '../session/china-gateway.ts';
import { Connection } from '../session/connection.ts';
import { makeMsgId } from '../smgp/ids.ts';
import { clientAuthenticator, serverAuthenticator, SMGP_VERSION } from '../smgp/login.ts';
import { byteTlv, findTlv, LoginMode, Req, Tag, type SmgpPdu } from '../smgp/pdus.ts';
import { smgpProtocol } from '../smgp/protocol.ts';
import { OUTCOME_STAT, type Outcome } from './config.ts';
import { VirtualGateway, type GatewaySession } from './gateway.ts';
import type { MoMessage } from './simulator.ts';

interface Session extends GatewaySession<SmgpPdu> {
  clientId: string | null;
  mode: number | null;
}

/** A status report waiting to be sent: what its Deliver says. */
interface ReportFacts {
  msgId: Buffer;
  handset: string;
  sender: string;
  outcome: Outcome;
  submitAt: number;
  /** The report's Txt: the payload's length and first octets (made at submit, so the report keeps no view of the frame). */
  txt: string;
}

/** The report's err code of an outcome (SMGP §6.2.63 table). */
const OUTCOME_ERR: Record<Outcome, string> = { delivered: '000', undelivered: '004', expired: '001', rejected: '009', deleted: '010', unknown: '999' };

const SESSION_OPTIONS = { window: 1_000_000, responseTimeoutMs: 60_000, keepaliveMs: 0 };
/** The SMGW code in the MsgIDs this gateway issues (Beijing 010, device 06, number 1). */
const GATEWAY_CODE = '010061';

let stampSecond = -1;
let stamp = '';

/** YYYYMMDDHHMMSS in Beijing time (made once a second: every report of that second shares it). */
function recvTime(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== stampSecond) {
    const at = new Date(ms);
    stampSecond = second;
    stamp = `${new Date(ms + 8 * 3_600_000).getUTCFullYear()}${beijingStamp(at)}`;
  }
  return stamp;
}

/** YYMMDDHHMM in Beijing time, as a report's dates are written. */
function reportDate(ms: number): string {
  return recvTime(ms).slice(2, 12);
}

/** Answers a Submit with `status` (and the MsgID it was given). */
function answerSubmit(s: Session, p: SmgpPdu, status: number, msgId: Buffer = NO_MSG_ID): void {
  s.conn.send({ requestId: Req.submit_resp, sequence: p.sequence, msgId, status });
}

/** An SMGW with virtual handsets on a TCP port. */
export class SmgpSimulator extends VirtualGateway<SmgpPdu, Session, ReportFacts> {
  private serial = 0;
  private moRef = 0;

  protected accountOf(s: Session): string | null {
    return s.clientId;
  }

  protected canReceive(s: Session): boolean {
    return s.mode !== null && s.mode !== LoginMode.send;
  }

  protected accept(socket: net.Socket): Session {
    const s: Session = { conn: null as unknown as Connection<SmgpPdu>, clientId: null, mode: null, unacked: {} };
    s.conn = new Connection<SmgpPdu>(socket, smgpProtocol, SESSION_OPTIONS, () => ({
      onRequest: (p) => this.onRequest(s, p),
      onBadPdu: (err) => s.conn.close(`bad PDU: ${err.message}`),
      onFree: () => undefined,
      onClose: () => this.onClose(s),
      // refused (not stored): offered again once a session of the account logs in
      onUnmatchedResponse: (p) => {
        if (p.requestId === Req.deliver_resp) this.acknowledged(s, p.sequence, p.status === 0);
      },
    }));
    return s;
  }

  /** Sends an MO to a session logged in to receive (`systemId` = its ClientID), split with a UDH and TP_udhi when long; returns the part count. */
  sendMo(mo: MoMessage): number {
    const target = this.receiver(mo.systemId ?? null, null);
    if (!target) throw new Error(`no SP logged in to receive${mo.systemId ? ` as ${mo.systemId}` : ''}`);
    const encoded = mo.octets ? { msgFmt: mo.octets.coding, parts: [mo.octets.bytes].flat() } : encodeGatewayText(mo.text, 15, 'gb18030');
    const total = encoded.parts.length;
    const ref = ++this.moRef & 0xff;
    encoded.parts.forEach((body, i) => {
      this.deliver(target, {
        requestId: Req.deliver, sequence: 0, msgId: this.nextMsgId(), isReport: 0, msgFormat: encoded.msgFmt, recvTime: recvTime(Date.now()),
        srcTermId: mo.from, destTermId: mo.to, content: total > 1 ? Buffer.concat([concatHeader(ref, total, i + 1), body]) : body,
        tlvs: [...(total > 1 ? [byteTlv(Tag.TP_udhi, 1)] : []), ...(mo.linkId ? [{ tag: Tag.LinkID, value: Buffer.from(mo.linkId.padEnd(20, '\0'), 'latin1') }] : [])],
      });
    });
    this.counters.moSent++;
    return total;
  }

  private onRequest(s: Session, p: SmgpPdu): void {
    switch (p.requestId) {
      case Req.login: return this.onLogin(s, p);
      case Req.submit: return this.onSubmit(s, p);
      case Req.active_test: return s.conn.send({ requestId: Req.active_test_resp, sequence: p.sequence });
      case Req.exit:
        s.conn.send({ requestId: Req.exit_resp, sequence: p.sequence });
        return s.conn.end('exit');
      default:
        return s.conn.close(`unknown request 0x${p.requestId.toString(16)}`);
    }
  }

  private onLogin(s: Session, p: SmgpPdu): void {
    this.counters.bindAttempts++;
    const clientId = p.clientId ?? '';
    const stamp = String(p.timestamp ?? 0).padStart(10, '0');
    const given = p.authenticator ?? Buffer.alloc(16);
    const ok = s.mode === null && this.accountOk(clientId, (secret) => clientAuthenticator(clientId, secret, stamp).equals(given));
    if (!ok) {
      s.conn.send({ requestId: Req.login_resp, sequence: p.sequence, status: 21, authenticator: Buffer.alloc(16), version: SMGP_VERSION });
      s.conn.end('login refused');
      return;
    }
    const secret = this.config.accounts.find((a) => a.systemId === clientId)?.password ?? '';
    s.clientId = clientId;
    s.mode = p.loginMode ?? LoginMode.transmit;
    this.counters.bindCount++;
    s.conn.send({ requestId: Req.login_resp, sequence: p.sequence, status: 0, authenticator: serverAuthenticator(0, given, secret), version: SMGP_VERSION });
    if (s.mode !== LoginMode.send) this.drainBacklog(clientId);
  }

  private onSubmit(s: Session, p: SmgpPdu): void {
    this.counters.submits++;
    if (s.mode === null || s.mode === LoginMode.receive) return answerSubmit(s, p, 11);
    const fault = this.submitFault(s);
    if (fault === 'silent' || fault === 'dropped') return;
    if (fault === 'throttled') return answerSubmit(s, p, 1);
    const dest = p.destTermIds?.[0] ?? '';
    const verdict = this.verdict(dest);
    if (typeof verdict === 'number') return answerSubmit(s, p, verdict);
    const msgId = this.nextMsgId();
    answerSubmit(s, p, 0, msgId);
    const content = p.content ?? NO_CONTENT;
    const udhi = (findTlv(p, Tag.TP_udhi)?.[0] ?? 0) & 1;
    const { payload, concat } = udhi ? splitUdh(content) : { payload: content, concat: null };
    const msgFormat = p.msgFormat ?? 0;
    const sender = p.srcTermId ?? '';
    const linkId = findTlv(p, Tag.LinkID);
    this.take(sender, dest, content, msgFormat, concat, () => decodeGatewayText(payload, msgFormat, 'gb18030').text, linkId && readFixed(linkId, 0, linkId.length));
    if (p.needReport !== 1) return;
    const txt = `${String(payload.length).padStart(3, '0')}${payload.toString('latin1', 0, Math.min(17, payload.length))}`;
    this.schedule(s.clientId!, s, { msgId, handset: dest, sender, outcome: verdict, submitAt: Date.now(), txt });
  }

  /** The Deliver carrying a report: the original MsgID as 10 raw octets after "id:" (spec §6.2.63). */
  protected receiptPdu(r: ReportFacts): SmgpPdu {
    const delivered = r.outcome === 'delivered' ? '001' : '000';
    const now = Date.now();
    const text = ` sub:001 dlvrd:${delivered} Submit date:${reportDate(r.submitAt)} done date:${reportDate(now)} stat:${OUTCOME_STAT[r.outcome]} err:${OUTCOME_ERR[r.outcome]} Txt:${r.txt}`;
    // "id:", the MsgID's 10 octets, the text: one buffer
    const content = Buffer.allocUnsafe(REPORT_ID.length + r.msgId.length + text.length);
    const at = REPORT_ID.copy(content, 0);
    content.write(text, at + r.msgId.copy(content, at), 'latin1');
    return {
      requestId: Req.deliver, sequence: 0, msgId: this.nextMsgId(), isReport: 1, msgFormat: 0, recvTime: recvTime(now),
      srcTermId: r.handset, destTermId: r.sender, content, tlvs: [],
    };
  }

  private nextMsgId(): Buffer {
    return makeMsgId(GATEWAY_CODE, beijingStamp(new Date()).slice(0, 8), this.serial++);
  }
}

const NO_MSG_ID = Buffer.alloc(10);
const NO_CONTENT = Buffer.alloc(0);
const REPORT_ID = Buffer.from('id:', 'latin1');
