// The virtual carrier as a China Telecom SMGW speaking SMGP 3.0.3: checks the Login authenticator, issues BCD MsgIDs,
// sends status reports (Deliver, IsReport = 1) and MO to a session logged in to receive.
import type net from 'node:net';
import { beijingStamp, concatHeader, decodeGatewayText, encodeGatewayText, splitUdh } from '../session/china-gateway.ts';
import { Connection } from '../session/connection.ts';
import { makeMsgId } from '../smgp/ids.ts';
import { clientAuthenticator, serverAuthenticator, SMGP_VERSION } from '../smgp/login.ts';
import { byteTlv, findTlv, LoginMode, Req, Tag, type SmgpPdu } from '../smgp/pdus.ts';
import { smgpProtocol } from '../smgp/protocol.ts';
import { OUTCOME_STAT, type Outcome } from './config.ts';
import { GatewaySimulator, OUTCOME_ERR } from './gateway-simulator.ts';
import type { MoMessage } from './simulator.ts';

interface Session {
  conn: Connection<SmgpPdu>;
  clientId: string | null;
  mode: number | null;
  /** Deliver PDUs sent and not yet answered, by sequence: offered again on another session if this one dies. */
  unacked: Map<number, SmgpPdu>;
}

const SESSION_OPTIONS = { window: 1_000_000, responseTimeoutMs: 60_000, keepaliveMs: 0 };
/** The SMGW code in the MsgIDs this gateway issues (Beijing 010, device 06, number 1). */
const GATEWAY_CODE = '010061';

/** YYYYMMDDHHMMSS in Beijing time. */
function recvTime(at: Date): string {
  return `${new Date(at.getTime() + 8 * 3_600_000).getUTCFullYear()}${beijingStamp(at)}`;
}

/** An SMGW with virtual handsets on a TCP port. */
export class SmgpSimulator extends GatewaySimulator {
  private readonly sessions = new Set<Session>();
  private readonly backlog: SmgpPdu[] = [];
  private serial = 0;
  private rr = 0;

  protected boundSessions(): number {
    let n = 0;
    for (const s of this.sessions) if (s.mode !== null) n++;
    return n;
  }

  protected closeAll(reason: string): void {
    for (const s of [...this.sessions]) s.conn.close(reason);
  }

  protected accept(socket: net.Socket): void {
    const s: Session = { conn: null as unknown as Connection<SmgpPdu>, clientId: null, mode: null, unacked: new Map() };
    s.conn = new Connection<SmgpPdu>(socket, smgpProtocol, SESSION_OPTIONS, () => ({
      onRequest: (p) => this.onRequest(s, p),
      onBadPdu: (err) => s.conn.close(`bad PDU: ${err.message}`),
      onFree: () => undefined,
      onClose: () => this.onClose(s),
      onUnmatchedResponse: (p) => {
        const sent = p.requestId === Req.deliver_resp ? s.unacked.get(p.sequence) : undefined;
        if (!sent) return;
        s.unacked.delete(p.sequence);
        if (p.status === 0) this.counters.receiptsAcked++;
        else this.backlog.push(sent); // refused (not stored): offered again on the next session that logs in
      },
    }));
    this.sessions.add(s);
  }

  /** Sends an MO, split with a UDH and TP_udhi when long; returns the part count. */
  sendMo(mo: MoMessage): number {
    const encoded = encodeGatewayText(mo.text, 15, 'gb18030');
    const total = encoded.parts.length;
    const ref = ++this.moRef & 0xff;
    encoded.parts.forEach((body, i) => {
      this.route({
        requestId: Req.deliver, sequence: 0, msgId: this.nextMsgId(), isReport: 0, msgFormat: encoded.msgFmt, recvTime: recvTime(new Date()),
        srcTermId: mo.from, destTermId: mo.to, content: total > 1 ? Buffer.concat([concatHeader(ref, total, i + 1), body]) : body,
        tlvs: total > 1 ? [byteTlv(Tag.TP_udhi, 1)] : [],
      }, mo.systemId ?? null);
    });
    this.counters.moSent++;
    return total;
  }

  private onClose(s: Session): void {
    this.sessions.delete(s);
    for (const p of s.unacked.values()) this.route(p, s.clientId);
    s.unacked.clear();
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
    if (s.mode !== LoginMode.send) this.drainBacklog();
  }

  private onSubmit(s: Session, p: SmgpPdu): void {
    const resp = (status: number, msgId: Buffer = Buffer.alloc(10)) => s.conn.send({ requestId: Req.submit_resp, sequence: p.sequence, msgId, status });
    if (s.mode === null || s.mode === LoginMode.receive) {
      this.counters.submits++;
      return resp(11);
    }
    const dest = p.destTermIds?.[0] ?? '';
    const decision = this.decide(dest);
    switch (decision.kind) {
      case 'silent': return;
      case 'drop': return s.conn.close('simulated drop');
      case 'throttle': return resp(1);
      case 'refuse': return resp(decision.status);
      default: break;
    }
    const msgId = this.nextMsgId();
    resp(0, msgId);
    const content = p.content ?? Buffer.alloc(0);
    const udhi = (findTlv(p, Tag.TP_udhi)?.[0] ?? 0) & 1;
    const { payload, concat } = udhi ? splitUdh(content) : { payload: content, concat: null };
    const msgFormat = p.msgFormat ?? 0;
    this.accepted(p.srcTermId ?? '', dest, content, () => decodeGatewayText(payload, msgFormat, 'gb18030').text, msgFormat, concat);
    if (p.needReport !== 1) return;
    const submitAt = new Date();
    const outcome = decision.outcome;
    const sender = p.srcTermId ?? '';
    this.scheduleReport(() => this.route(this.reportPdu(msgId, dest, sender, outcome, submitAt, payload), s.clientId, s));
  }

  /** The Deliver carrying a report: the original MsgID as 10 raw octets after "id:" (spec §6.2.63). */
  private reportPdu(msgId: Buffer, handset: string, sender: string, outcome: Outcome, submitAt: Date, payload: Buffer): SmgpPdu {
    const date = (d: Date) => recvTime(d).slice(2, 12);
    const delivered = outcome === 'delivered' ? '001' : '000';
    const txt = `${String(payload.length).padStart(3, '0')}${payload.toString('latin1', 0, Math.min(17, payload.length))}`;
    const text = ` sub:001 dlvrd:${delivered} Submit date:${date(submitAt)} done date:${date(new Date())} stat:${OUTCOME_STAT[outcome]} err:${OUTCOME_ERR[outcome]} Txt:${txt}`;
    return {
      requestId: Req.deliver, sequence: 0, msgId: this.nextMsgId(), isReport: 1, msgFormat: 0, recvTime: recvTime(new Date()),
      srcTermId: handset, destTermId: sender,
      content: Buffer.concat([Buffer.from('id:', 'latin1'), msgId, Buffer.from(text, 'latin1')]), tlvs: [],
    };
  }

  private nextMsgId(): Buffer {
    return makeMsgId(GATEWAY_CODE, beijingStamp(new Date()).slice(0, 8), this.serial++);
  }

  /** A session of the account able to receive: the origin when it can, else round-robin; else the PDU waits. */
  private route(p: SmgpPdu, clientId: string | null, origin?: Session): void {
    const receives = (s: Session) => s.mode !== null && s.mode !== LoginMode.send && !s.conn.isClosed && (clientId === null || s.clientId === clientId);
    let target: Session | undefined = origin && receives(origin) ? origin : undefined;
    if (!target) {
      const candidates = [...this.sessions].filter(receives);
      target = candidates.length ? candidates[this.rr++ % candidates.length] : undefined;
    }
    if (!target) {
      this.backlog.push(p);
      return;
    }
    const pdu = { ...p, sequence: target.conn.nextSequence() };
    target.unacked.set(pdu.sequence, pdu);
    target.conn.send(pdu);
  }

  private drainBacklog(): void {
    for (const p of this.backlog.splice(0)) this.route(p, null);
  }
}
