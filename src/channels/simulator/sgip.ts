// The virtual carrier as a China Unicom SMG speaking SGIP 1.2: takes our Binds (login type 1) and Submits, and
// connects back to the SP's listener (Bind login type 2) to send Reports and MO, closing that connection when idle.
import net from 'node:net';
import { beijingStampNumber, concatHeader, decodeGatewayText, encodeGatewayText, splitUdh } from '../session/china-gateway.ts';
import { Connection } from '../session/connection.ts';
import { Cmd, LoginType, type SgipPdu } from '../sgip/pdus.ts';
import { answer, sgipProtocol } from '../sgip/protocol.ts';
import type { Outcome, SimulatorConfig } from './config.ts';
import { VirtualGateway, type GatewaySession } from './gateway.ts';
import type { MoMessage } from './simulator.ts';

/** Where the SP listens for the SMG, and the login it gave the SMG. */
export interface SgipCallback {
  host: string;
  port: number;
  loginName: string;
  password: string;
  /** Connections to open back at most (default 2). */
  binds?: number;
  /** Close a connection back after this long without traffic (default 5000 ms). */
  idleMs?: number;
}

/** The SMG's settings: the shared ones plus where to connect back to. */
export type SgipSimulatorConfig = SimulatorConfig & { callback?: SgipCallback };

interface Session extends GatewaySession<SgipPdu> {
  /** The login name once bound. */
  loginName: string | null;
}

/** A Report waiting to be sent: which Submit it is about, to whom, how it went. */
interface ReportFacts {
  submit: { node: number; time: number; sequence: number };
  user: string;
  outcome: Outcome;
}

/** The Report's ErrorCode of an outcome. */
const FAILED: Record<Outcome, number> = { delivered: 0, undelivered: 29, expired: 25, rejected: 31, deleted: 28, unknown: 32 };

interface Back {
  conn: Connection<SgipPdu>;
  bound: boolean;
  lastTx: number;
  /** Commands sent and not yet answered, by counter: sent again if the connection dies. */
  unacked: Map<number, SgipPdu>;
}

const SESSION_OPTIONS = { window: 1_000_000, responseTimeoutMs: 60_000, keepaliveMs: 0 };
/** The SMG's node number (1AAAAX: Beijing 0100, number 1). */
const SMG_NODE = 101001;

/** An SMG with virtual handsets on a TCP port. */
export class SgipSimulator extends VirtualGateway<SgipPdu, Session, ReportFacts> {
  private readonly backs = new Set<Back>();
  private readonly outbox: SgipPdu[] = [];
  private callback: SgipCallback | undefined;
  private counter = 0;
  private rr = 0;
  private moRef = 0;
  private connecting = 0;
  /** A flush of the outbox is queued for the end of this turn (and none once stopped: it would connect back again). */
  private flushQueued = false;
  private stopped = false;
  private readonly flushNow = () => {
    this.flushQueued = false;
    if (!this.stopped) this.flush();
  };
  private retryTimer: NodeJS.Timeout | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  /** Binds we made back to the SP (for tests), and connections back refused or failed. */
  callbackBinds = 0;
  callbackFailures = 0;

  constructor(config: Partial<SgipSimulatorConfig> = {}) {
    super(config);
    this.callback = config.callback;
  }

  /** Changes settings live, including where to connect back to. */
  override configure(patch: Partial<SgipSimulatorConfig>): void {
    super.configure(patch);
    if (patch.callback) this.callback = patch.callback;
    this.flush();
  }

  override async start(port = 0, host = '127.0.0.1'): Promise<{ port: number }> {
    const started = await super.start(port, host);
    this.stopped = false;
    this.idleTimer = setInterval(() => this.closeIdle(), 250);
    this.idleTimer.unref();
    return started;
  }

  override async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.idleTimer) clearInterval(this.idleTimer);
    for (const b of [...this.backs]) b.conn.close('simulator stopped');
    await super.stop();
  }

  /** Drops every connection abruptly, those back to the SP too. */
  override dropAll(): void {
    super.dropAll();
    for (const b of [...this.backs]) b.conn.close('simulated drop');
  }

  protected accountOf(s: Session): string | null {
    return s.loginName;
  }

  /** The SP's own connections carry only its Submits: Reports and MO go on the connections back. */
  protected canReceive(): boolean {
    return false;
  }

  /** Every Report and MO goes through the connections back to the SP's listener (opened when needed). */
  protected override route(_account: string, _origin: Session | null, pdu: SgipPdu): void {
    this.outbox.push(pdu);
    if (this.flushQueued) return;
    // what this turn routes (a timer's worth of Reports) goes out in one flush
    this.flushQueued = true;
    queueMicrotask(this.flushNow);
  }

  protected receiptPdu(r: ReportFacts): SgipPdu {
    return {
      commandId: Cmd.report, node: 0, time: 0, sequence: 0, submitNode: r.submit.node, submitTime: r.submit.time, submitSequence: r.submit.sequence,
      reportType: 0, userNumber: r.user, state: r.outcome === 'delivered' ? 0 : 2, errorCode: FAILED[r.outcome],
    };
  }

  /** Sends an MO (Deliver) through a connection back to the SP; returns the part count. */
  sendMo(mo: MoMessage): number {
    const encoded = mo.octets ? { msgFmt: mo.octets.coding, parts: [mo.octets.bytes].flat() } : encodeGatewayText(mo.text, 15, 'gbk');
    const total = encoded.parts.length;
    const ref = ++this.moRef & 0xff;
    encoded.parts.forEach((body, i) => this.route('', null, {
      commandId: Cmd.deliver, node: 0, time: 0, sequence: 0, userNumber: mo.from, spNumber: mo.to, tpPid: 0,
      tpUdhi: total > 1 ? 1 : 0, messageCoding: encoded.msgFmt, content: total > 1 ? Buffer.concat([concatHeader(ref, total, i + 1), body]) : body,
    }));
    this.counters.moSent++;
    return total;
  }

  protected accept(socket: net.Socket): Session {
    const s: Session = { conn: null as unknown as Connection<SgipPdu>, loginName: null, unacked: {} };
    s.conn = new Connection<SgipPdu>(socket, sgipProtocol, SESSION_OPTIONS, () => ({
      onRequest: (p) => this.onRequest(s, p),
      onBadPdu: (err) => s.conn.close(`bad PDU: ${err.message}`),
      onFree: () => undefined,
      onClose: () => this.onClose(s),
    }));
    return s;
  }

  private onRequest(s: Session, p: SgipPdu): void {
    switch (p.commandId) {
      case Cmd.bind: {
        this.counters.bindAttempts++;
        const bound = s.loginName !== null;
        const ok = !bound && p.loginType === LoginType.spToSmg && this.accountOk(p.loginName ?? '', (pw) => pw === p.loginPassword);
        s.conn.send(answer(p, Cmd.bind_resp, ok ? 0 : bound ? 2 : p.loginType === LoginType.spToSmg ? 1 : 4));
        if (!ok) return s.conn.end('bind refused');
        s.loginName = p.loginName ?? '';
        this.counters.bindCount++;
        return;
      }
      case Cmd.submit: return this.onSubmit(s, p);
      case Cmd.unbind:
        s.conn.send(answer(p, Cmd.unbind_resp));
        return s.conn.end('unbound');
      default:
        return s.conn.close(`unexpected ${p.commandId}`);
    }
  }

  private onSubmit(s: Session, p: SgipPdu): void {
    this.counters.submits++;
    if (s.loginName === null) return s.conn.close('submit before bind');
    const fault = this.submitFault(s);
    if (fault === 'silent' || fault === 'dropped') return;
    if (fault === 'throttled') return s.conn.send(answer(p, Cmd.submit_resp, 11));
    const dest = p.userNumbers?.[0] ?? '';
    const verdict = this.verdict(dest);
    if (typeof verdict === 'number') return s.conn.send(answer(p, Cmd.submit_resp, verdict));
    s.conn.send(answer(p, Cmd.submit_resp, 0));
    const content = p.content ?? Buffer.alloc(0);
    const { payload, concat } = (p.tpUdhi ?? 0) & 1 ? splitUdh(content) : { payload: content, concat: null };
    const coding = p.messageCoding ?? 0;
    this.take(p.spNumber ?? '', dest, content, coding, concat, () => decodeGatewayText(payload, coding, 'gbk').text);
    const flag = p.reportFlag ?? 0;
    if (flag === 2 || (flag === 0 && verdict === 'delivered')) return;
    this.schedule(s.loginName, s, { submit: { node: p.node, time: p.time, sequence: p.sequence }, user: dest, outcome: verdict });
  }

  private flush(): void {
    const bound = [...this.backs].filter((b) => b.bound && !b.conn.isClosed);
    if (this.outbox.length > 0 && bound.length + this.connecting < (this.callback?.binds ?? 2)) this.connectBack();
    if (bound.length === 0) return;
    const now = Date.now();
    const time = beijingStampNumber(now);
    // a PDU of the outbox is sent under a new sequence number each time (it is ours alone: renumbered in place)
    for (const pdu of this.outbox.splice(0)) {
      const b = bound[this.rr++ % bound.length];
      pdu.node = SMG_NODE;
      pdu.time = time;
      pdu.sequence = this.counter = (this.counter + 1) >>> 0;
      b.unacked.set(pdu.sequence, pdu);
      b.lastTx = now;
      b.conn.send(pdu);
    }
  }

  private connectBack(): void {
    const cb = this.callback;
    if (!cb || this.connecting > 0 || this.retryTimer) return;
    this.connecting++;
    const back: Back = { conn: null as unknown as Connection<SgipPdu>, bound: false, lastTx: Date.now(), unacked: new Map() };
    const fail = () => {
      this.connecting = Math.max(0, this.connecting - 1);
      this.callbackFailures++;
      if (!this.retryTimer) this.retryTimer = setTimeout(() => { this.retryTimer = null; this.flush(); }, 200);
    };
    Connection.open(cb.host, cb.port, sgipProtocol, SESSION_OPTIONS, (conn) => ({
      onRequest: (p) => {
        if (p.commandId !== Cmd.unbind) return;
        conn.send(answer(p, Cmd.unbind_resp));
        conn.end('unbound by the SP');
      },
      onBadPdu: () => conn.close('bad PDU from the SP'),
      onFree: () => undefined,
      onUnmatchedResponse: (p) => this.onSpAnswer(back, p),
      onClose: () => this.onBackClosed(back),
    })).then(async (conn) => {
      back.conn = conn;
      this.backs.add(back);
      const resp = await conn.request((sequence) => ({
        commandId: Cmd.bind, node: SMG_NODE, time: beijingStampNumber(), sequence, loginType: LoginType.smgToSp, loginName: cb.loginName, loginPassword: cb.password,
      }), false);
      this.connecting = Math.max(0, this.connecting - 1);
      if (resp.result !== 0) {
        this.callbackFailures++;
        conn.close('bind refused by the SP');
        return;
      }
      back.bound = true;
      back.lastTx = Date.now();
      this.callbackBinds++;
      this.flush();
      // traffic opens every connection back it may hold, one after the other
      if (this.backs.size < (cb.binds ?? 2)) this.connectBack();
    }).catch(fail);
  }

  private onSpAnswer(back: Back, p: SgipPdu): void {
    const sent = back.unacked.get(p.sequence);
    if (!sent) return;
    back.unacked.delete(p.sequence);
    if (p.result !== 0) {
      this.outbox.push(sent);
      return;
    }
    if (sent.commandId === Cmd.report) this.counters.receiptsAcked++;
  }

  private onBackClosed(back: Back): void {
    this.backs.delete(back);
    this.outbox.push(...back.unacked.values());
    back.unacked.clear();
    if (this.outbox.length) setImmediate(() => this.flush());
  }

  /** Closes connections back that have nothing in flight and were idle (the spec's client disconnects when done). */
  private closeIdle(): void {
    const idle = this.callback?.idleMs ?? 5000;
    const cutoff = Date.now() - idle;
    for (const b of this.backs) {
      if (!b.bound || b.unacked.size > 0 || b.lastTx > cutoff) continue;
      b.bound = false;
      b.conn.request((sequence) => ({ commandId: Cmd.unbind, node: SMG_NODE, time: beijingStampNumber(), sequence }), false)
        .then(() => b.conn.end('idle'), () => b.conn.close('idle'));
    }
  }
}
