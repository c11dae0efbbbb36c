// The virtual carrier's CMPP side: an ISMG speaking CMPP 2.0 / 3.0 over real TCP (our codec) to the same virtual
// handsets, checking the SP's AuthenticatorSource and proving its own, with the SMPP side's receipts, rules and
// faults (flow control = Result 8, drops, silence, slow reports) plus a wrong secret, a wrong version and a report
// sent before its submit response.
import net from 'node:net';
import { authenticatorIsmg, authenticatorSource } from '../cmpp/authenticator.ts';
import { decodePdu, encodePdu, encodePduInto } from '../cmpp/codec.ts';
import { composeMsgId } from '../cmpp/ids.ts';
import { buildCmppMessage, decodeContent } from '../cmpp/message.ts';
import { Cmd, ConnectStatus, Result, Version, type CmppVersion, type Pdu, type StatusReport } from '../cmpp/pdus.ts';
import { cmppProtocols } from '../cmpp/protocol.ts';
import { Connection } from '../session/connection.ts';
import type { WireProtocol } from '../session/protocol.ts';
import { Queue } from '../session/queue.ts';
import { readConcatUdh } from '../session/udh.ts';
import { DEFAULT_SIMULATOR_CONFIG, OUTCOME_STAT, pickOutcome, seededRandom, type Outcome, type SimulatorConfig } from './config.ts';
import { Handsets, type HandsetMessage } from './handsets.ts';
import type { MoMessage, SimulatorStats } from './simulator.ts';

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

interface Session {
  conn: Connection<Pdu>;
  spId: string | null;
  version: CmppVersion;
  /** CMPP_DELIVERs sent and not yet answered, by sequence: delivered again elsewhere if this session dies. */
  unacked: Record<number, Pdu>;
}

interface Scheduled {
  due: number;
  spId: string;
  origin: Session;
  pdu: Pdu;
}

/** Statistics of the CMPP side (the SMPP side's shape; bindAttempts / bindCount count CMPP_CONNECTs). */
export type CmppSimulatorStats = SimulatorStats;

/** An ISMG with virtual handsets on a TCP port. */
export class CmppSimulator {
  private config: SimulatorConfig;
  private options: CmppSimulatorOptions;
  private server: net.Server | null = null;
  private readonly sessions = new Set<Session>();
  private readonly backlog = new Map<string, Queue<Pdu>>();
  private readonly receipts = new Queue<Scheduled>();
  private receiptTimer: NodeJS.Timeout | null = null;
  private readonly seen = new Set<string>();
  private readonly handsetStore: Handsets;
  private random: () => number;
  /** Msg_Ids count up from here: 16 bits of sequence, then the next second (unique however fast submits come). */
  private issued = 0;
  private readonly epoch = Math.floor(Date.now() / 1000);
  private moRef = 0;
  private rrCursor = 0;
  private second = 0;
  private inSecond = 0;
  private sweepTimer: NodeJS.Timeout | null = null;
  private readonly counters: Omit<SimulatorStats, 'bound'> = {
    submits: 0, parts: 0, uniqueMessages: 0, duplicates: 0, throttled: 0, dropped: 0,
    receiptsSent: 0, receiptsAcked: 0, moSent: 0, bindAttempts: 0, bindCount: 0,
  };

  constructor(config: Partial<SimulatorConfig> = {}, options: Partial<CmppSimulatorOptions> = {}) {
    this.config = { ...DEFAULT_SIMULATOR_CONFIG, ...config };
    this.options = { ismgCode: 0x1234, reportBeforeResponse: false, activeTestMs: 0, ...options };
    this.random = seededRandom(this.config.seed);
    this.handsetStore = new Handsets(this.config.reassemblyTimeoutMs);
  }

  /** Listens on 127.0.0.1 (port 0 = any free port). */
  async start(port = 0, host = '127.0.0.1'): Promise<{ port: number }> {
    const server = net.createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.sweepTimer = setInterval(() => this.handsetStore.sweep(), 1000);
    this.sweepTimer.unref();
    return { port: (server.address() as net.AddressInfo).port };
  }

  /** Closes every session and the listener. */
  async stop(): Promise<void> {
    if (this.receiptTimer) clearTimeout(this.receiptTimer);
    this.receiptTimer = null;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    for (const s of this.sessions) s.conn.close('simulator stopped');
    this.sessions.clear();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Changes settings live (shared ones and CMPP ones). */
  configure(patch: Partial<SimulatorConfig>, options: Partial<CmppSimulatorOptions> = {}): void {
    this.config = { ...this.config, ...patch };
    this.options = { ...this.options, ...options };
    if (patch.seed !== undefined) this.random = seededRandom(patch.seed);
  }

  /** Counters since start. */
  stats(): CmppSimulatorStats {
    let bound = 0;
    for (const s of this.sessions) if (s.spId !== null) bound++;
    return { ...this.counters, bound };
  }

  /** A handset's inbox (with or without '+'). */
  inbox(number: string): HandsetMessage[] {
    return this.handsetStore.inbox(number);
  }

  /** Sends an MO from a handset to a logged-in SP (`systemId` = its SP_Id), split with UDH when long; returns the part count. */
  sendMo(mo: MoMessage): number {
    const target = this.receiver(mo.systemId ?? null, null);
    if (!target) throw new Error(`no SP logged in${mo.systemId ? ` as ${mo.systemId}` : ''}`);
    const message = buildCmppMessage(mo.text, { chinese: 'ucs2', ref: ++this.moRef & 0xff });
    for (const part of message.parts) {
      this.deliver(target, {
        commandId: Cmd.deliver, sequence: 0, msgId: this.nextMsgId(), destId: mo.to, serviceId: '', tpPid: 0, tpUdhi: part.tpUdhi,
        msgFmt: message.msgFmt, srcTerminalId: mo.from, srcTerminalType: 0, registeredDelivery: 0, msgContent: part.content, linkId: '',
      });
    }
    this.counters.moSent++;
    return message.parts.length;
  }

  /** Writes raw bytes to every session (garbage tests). */
  injectGarbage(bytes: Buffer): void {
    for (const s of this.sessions) s.conn.writeRaw(bytes);
  }

  /** Drops every connection abruptly. */
  dropAll(): void {
    for (const s of [...this.sessions]) s.conn.close('simulated drop');
  }

  /** Sends CMPP_TERMINATE on every session (the gateway ending the connections). */
  terminateAll(): void {
    for (const s of this.sessions) s.conn.send({ commandId: Cmd.terminate, sequence: s.conn.nextSequence() });
  }

  /** The next Msg_Id: the time part from a virtual clock that moves a second every 65536 ids. */
  private nextMsgId(): string {
    const n = this.issued++;
    const t = new Date((this.epoch + Math.floor(n / 0x10000)) * 1000 + 8 * 3600_000);
    return composeMsgId({
      month: t.getUTCMonth() + 1, day: t.getUTCDate(), hour: t.getUTCHours(), minute: t.getUTCMinutes(), second: t.getUTCSeconds(),
      ismg: this.options.ismgCode, sequence: n & 0xffff,
    });
  }

  private accept(socket: net.Socket): void {
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
        if (p.commandId !== Cmd.deliver_resp || !session.unacked[p.sequence]) return;
        delete session.unacked[p.sequence];
        this.counters.receiptsAcked++;
      },
    }));
    this.sessions.add(session);
  }

  private onClose(session: Session): void {
    this.sessions.delete(session);
    if (!session.spId) return;
    const pending = Object.values(session.unacked);
    session.unacked = {};
    for (const pdu of pending) this.route(session.spId, null, pdu);
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
    const cfg = this.config;
    const answer = (result: number, msgId = '0') => s.conn.send({ commandId: Cmd.submit_resp, sequence: p.sequence, msgId, result });
    if (!s.spId) return answer(Result.badCommand);
    if (cfg.silent) return;
    if (cfg.dropEvery > 0 && c.submits % cfg.dropEvery === 0) {
      c.dropped++;
      s.conn.close('simulated drop');
      return;
    }
    if (this.overRate(cfg)) {
      c.throttled++;
      return answer(Result.flowControl);
    }
    const dest = p.destTerminalIds?.[0] ?? '';
    let outcome: Outcome | undefined;
    for (const rule of cfg.rules) {
      if ((rule.suffix !== undefined && dest.endsWith(rule.suffix)) || (rule.prefix !== undefined && dest.startsWith(rule.prefix))) {
        if (rule.submitStatus) return answer(rule.submitStatus);
        outcome = rule.outcome;
        break;
      }
    }
    const msgId = this.nextMsgId();
    const report = p.registeredDelivery === 1 ? this.reportPdu(msgId, dest, p.srcId ?? '', outcome ?? pickOutcome(cfg.outcomes, this.random)) : null;
    if (report && this.options.reportBeforeResponse) {
      this.deliver(s, report);
      this.counters.receiptsSent++;
    }
    answer(Result.ok, msgId);
    this.account(p, dest);
    if (report && !this.options.reportBeforeResponse) {
      this.receipts.push({ due: Date.now() + cfg.receiptDelayMs, spId: s.spId, origin: s, pdu: report });
      this.armReceipts();
    }
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
    const c = this.counters;
    c.parts++;
    const content = p.msgContent ?? Buffer.alloc(0);
    const key = `${dest}\u0000${content.toString('latin1')}`;
    if (this.seen.has(key)) {
      c.duplicates++;
      return;
    }
    this.seen.add(key);
    const { payload, concat } = p.tpUdhi === 1 ? readConcatUdh(content) : { payload: content, concat: null };
    if (!concat || concat.seq === 1) c.uniqueMessages++;
    if (this.config.keepInbox) this.handsetStore.receiveText(p.srcId ?? '', dest, p.msgFmt ?? 0, decodeContent(payload, p.msgFmt ?? 0).text, concat);
  }

  private overRate(cfg: SimulatorConfig): boolean {
    if (cfg.throttleEvery > 0 && this.counters.submits % cfg.throttleEvery === 0) return true;
    if (cfg.throttleTps <= 0) return false;
    const second = Math.floor(Date.now() / 1000);
    if (second !== this.second) {
      this.second = second;
      this.inSecond = 0;
    }
    return ++this.inSecond > cfg.throttleTps;
  }

  private armReceipts(): void {
    const head = this.receipts.peek();
    if (!head || this.receiptTimer) return;
    this.receiptTimer = setTimeout(() => this.fireReceipts(), Math.max(0, head.due - Date.now()));
  }

  private fireReceipts(): void {
    this.receiptTimer = null;
    const now = Date.now();
    for (let head = this.receipts.peek(); head && head.due <= now; head = this.receipts.peek()) {
      this.receipts.shift();
      this.route(head.spId, head.origin, head.pdu);
      this.counters.receiptsSent++;
    }
    this.armReceipts();
  }

  /** A logged-in session of the SP: the origin if still open, else round-robin, else null. */
  private receiver(spId: string | null, origin: Session | null): Session | null {
    if (origin && origin.spId !== null && !origin.conn.isClosed) return origin;
    const candidates = [...this.sessions].filter((s) => s.spId !== null && (spId === null || s.spId === spId));
    if (candidates.length === 0) return null;
    return candidates[this.rrCursor++ % candidates.length];
  }

  private route(spId: string, origin: Session | null, pdu: Pdu): void {
    const target = this.receiver(spId, origin);
    if (target) return this.deliver(target, pdu);
    let queue = this.backlog.get(spId);
    if (!queue) this.backlog.set(spId, (queue = new Queue<Pdu>()));
    queue.push(pdu);
  }

  private drainBacklog(spId: string): void {
    const queue = this.backlog.get(spId);
    if (!queue) return;
    this.backlog.delete(spId);
    for (let pdu = queue.shift(); pdu; pdu = queue.shift()) this.route(spId, null, pdu);
  }

  private deliver(target: Session, pdu: Pdu): void {
    pdu.sequence = target.conn.nextSequence();
    target.unacked[pdu.sequence] = pdu;
    target.conn.send(pdu);
  }
}

/** YYMMDDHHMM in China time. */
function yymmddhhmm(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().replace(/\D/g, '').slice(2, 12);
}
