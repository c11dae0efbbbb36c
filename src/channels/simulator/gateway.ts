// What every protocol side of the virtual carrier shares: the listener and its sessions, receipts queued behind
// one timer and routed to a session of the account that can receive them (else kept until one binds), deliveries
// resent elsewhere when a session dies unanswered, flow-control and duplicate counting, the handsets' inboxes.
import net from 'node:net';
import type { Connection } from '../session/connection.ts';
import { Queue } from '../session/queue.ts';
import { DEFAULT_SIMULATOR_CONFIG, pickOutcome, seededRandom, type Outcome, type SimulatorConfig } from './config.ts';
import { Handsets, type HandsetMessage } from './handsets.ts';
import type { ConcatInfo } from '../session/udh.ts';
import type { SimulatorStats } from './simulator.ts';

/** One connection of a carrier's client. */
export interface GatewaySession<P> {
  conn: Connection<P>;
  /**
   * Deliveries sent and not yet acknowledged, by sequence: resent on another session if this one dies. A plain object:
   * a Map's retired tables kept answered PDUs alive into the old generation (measured: ~30 % of the SMSC's CPU in GC).
   */
  unacked: Record<number, P>;
}

interface Scheduled<S, R> {
  due: number;
  account: string;
  origin: S;
  receipt: R;
}

/** A protocol side of the virtual carrier: P its PDU, S its session, R what a queued receipt holds until it is sent. */
export abstract class VirtualGateway<P extends { sequence: number }, S extends GatewaySession<P>, R> {
  protected config: SimulatorConfig;
  private server: net.Server | null = null;
  protected readonly sessions = new Set<S>();
  private readonly backlog = new Map<string, Queue<P>>();
  private readonly receipts = new Queue<Scheduled<S, R>>();
  private receiptTimer: NodeJS.Timeout | null = null;
  private readonly seen = new Set<string>();
  protected readonly handsetStore: Handsets;
  protected random: () => number;
  private rrCursor = 0;
  private second = 0;
  private inSecond = 0;
  private sweepTimer: NodeJS.Timeout | null = null;
  protected readonly counters: Omit<SimulatorStats, 'bound'> = {
    submits: 0, parts: 0, uniqueMessages: 0, duplicates: 0, throttled: 0, dropped: 0,
    receiptsSent: 0, receiptsAcked: 0, moSent: 0, bindAttempts: 0, bindCount: 0,
  };

  constructor(config: Partial<SimulatorConfig>) {
    this.config = { ...DEFAULT_SIMULATOR_CONFIG, ...config };
    this.random = seededRandom(this.config.seed);
    this.handsetStore = new Handsets(this.config.reassemblyTimeoutMs);
  }

  /** A session for a new connection (its handlers call onClose when it ends). */
  protected abstract accept(socket: net.Socket): S;
  /** The account a session logged in as, or null before it did. */
  protected abstract accountOf(s: S): string | null;
  /** Whether a session may be sent receipts and MO. */
  protected abstract canReceive(s: S): boolean;
  /** The PDU of a queued receipt, made when it is sent. */
  protected abstract receiptPdu(receipt: R): P;

  /** Listens on 127.0.0.1 (port 0 = any free port). */
  async start(port = 0, host = '127.0.0.1'): Promise<{ port: number }> {
    const server = net.createServer((socket) => this.sessions.add(this.accept(socket)));
    server.on('error', () => undefined);
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

  /** Changes settings live (e.g. stop throttling, go silent). */
  configure(patch: Partial<SimulatorConfig>): void {
    this.config = { ...this.config, ...patch };
    if (patch.seed !== undefined) this.random = seededRandom(patch.seed);
  }

  /** Counters since start. */
  stats(): SimulatorStats {
    let bound = 0;
    for (const s of this.sessions) if (this.accountOf(s) !== null) bound++;
    return { ...this.counters, bound };
  }

  /** Numbers of handsets that received something. */
  handsets(): string[] {
    return this.handsetStore.numbers();
  }

  /** A handset's inbox (with or without '+'). */
  inbox(number: string): HandsetMessage[] {
    return this.handsetStore.inbox(number);
  }

  /** Writes raw bytes to every session (garbage tests). */
  injectGarbage(bytes: Buffer = Buffer.from('ffffffff6761726261676521', 'hex')): void {
    for (const s of this.sessions) s.conn.writeRaw(bytes);
  }

  /** Drops every connection abruptly. */
  dropAll(): void {
    for (const s of [...this.sessions]) s.conn.close('simulated drop');
  }

  /** A session ended: what it was sent and did not acknowledge goes to another session of its account. */
  protected onClose(session: S): void {
    this.sessions.delete(session);
    const account = this.accountOf(session);
    if (account === null) return;
    const pending = Object.values(session.unacked);
    session.unacked = {};
    for (const pdu of pending) this.route(account, null, pdu);
  }

  /**
   * A delivery was answered: acknowledged, or refused (`ok` false: the client could not store it), when it is kept
   * and offered again once a session of the account logs in.
   */
  protected acknowledged(session: S, sequence: number, ok = true): void {
    const pdu = session.unacked[sequence];
    if (!pdu) return;
    delete session.unacked[sequence];
    if (ok) this.counters.receiptsAcked++;
    else this.keep(this.accountOf(session) ?? '', pdu);
  }

  /** Whether a login may go on: any when no accounts are configured, else the named one with `password` true of its password. */
  protected accountOk(name: string, password: (expected: string) => boolean): boolean {
    const accounts = this.config.accounts;
    if (accounts.length === 0) return true;
    const account = accounts.find((a) => a.systemId === name);
    return account !== undefined && password(account.password);
  }

  /** What the rules make of a submit to `dest`: the status to refuse it with, or the outcome to report (the first matching rule's, else the configured mix). */
  protected verdict(dest: string): number | Outcome {
    for (const rule of this.config.rules) {
      if ((rule.suffix !== undefined && dest.endsWith(rule.suffix)) || (rule.prefix !== undefined && dest.startsWith(rule.prefix))) {
        if (rule.submitStatus) return rule.submitStatus;
        if (rule.outcome) return rule.outcome;
        break;
      }
    }
    return pickOutcome(this.config.outcomes, this.random);
  }

  /**
   * Takes an accepted part: counted new or duplicate (same destination and octets), and a new one filed in the
   * handset's inbox (its text decoded only then; with the LinkID the submit carried).
   */
  protected take(from: string, dest: string, octets: Buffer, dataCoding: number, concat: ConcatInfo | null, text: () => string, linkId?: string): void {
    if (!this.countPart(`${dest}\u0000${octets.toString('latin1')}`, !concat || concat.seq === 1)) return;
    if (this.config.keepInbox) this.handsetStore.receiveText(from, dest, dataCoding, text(), concat, linkId);
  }

  /** Counts an accepted part; false when the same part was seen before (a duplicate). `first`: the first or only part of its message. */
  protected countPart(key: string, first: boolean): boolean {
    const c = this.counters;
    c.parts++;
    if (this.seen.has(key)) {
      c.duplicates++;
      return false;
    }
    this.seen.add(key);
    if (first) c.uniqueMessages++;
    return true;
  }

  /** The fault a submit meets (after counting it): no answer, the connection dropped (done here), "slow down", or none. */
  protected submitFault(s: S): 'silent' | 'dropped' | 'throttled' | null {
    const cfg = this.config;
    const c = this.counters;
    if (cfg.silent) return 'silent';
    if (cfg.dropEvery > 0 && c.submits % cfg.dropEvery === 0) {
      c.dropped++;
      s.conn.close('simulated drop');
      return 'dropped';
    }
    if (!this.overRate()) return null;
    c.throttled++;
    return 'throttled';
  }

  /** Whether this submit is over the configured rate (every Nth, or above N per second). */
  private overRate(): boolean {
    const cfg = this.config;
    if (cfg.throttleEvery > 0 && this.counters.submits % cfg.throttleEvery === 0) return true;
    if (cfg.throttleTps <= 0) return false;
    const second = Math.floor(Date.now() / 1000);
    if (second !== this.second) {
      this.second = second;
      this.inSecond = 0;
    }
    return ++this.inSecond > cfg.throttleTps;
  }

  /** Queues a receipt for `account`, to go out after the configured delay (to its origin session if it is still there). */
  protected schedule(account: string, origin: S, receipt: R): void {
    this.receipts.push({ due: Date.now() + this.config.receiptDelayMs, account, origin, receipt });
    this.armReceipts();
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
      this.route(head.account, head.origin, this.receiptPdu(head.receipt));
      this.counters.receiptsSent++;
    }
    this.armReceipts();
  }

  /** A session of the account able to receive: the origin if it can, else round-robin, else null. */
  protected receiver(account: string | null, origin: S | null): S | null {
    if (origin && this.canReceive(origin) && !origin.conn.isClosed) return origin;
    const candidates = [...this.sessions].filter((s) => this.canReceive(s) && (account === null || this.accountOf(s) === account));
    if (candidates.length === 0) return null;
    return candidates[this.rrCursor++ % candidates.length];
  }

  /** Sends a PDU to a session of the account, or keeps it until one logs in. */
  protected route(account: string, origin: S | null, pdu: P): void {
    const target = this.receiver(account, origin);
    if (target) return this.deliver(target, pdu);
    this.keep(account, pdu);
  }

  /** Keeps a PDU until a session of the account logs in. */
  private keep(account: string, pdu: P): void {
    let queue = this.backlog.get(account);
    if (!queue) this.backlog.set(account, (queue = new Queue<P>()));
    queue.push(pdu);
  }

  /** Sends what waited for the account, now that it logged in. */
  protected drainBacklog(account: string): void {
    const queue = this.backlog.get(account);
    if (!queue) return;
    this.backlog.delete(account);
    for (let pdu = queue.shift(); pdu; pdu = queue.shift()) this.route(account, null, pdu);
  }

  /** Sends a delivery on a session, remembered until it is acknowledged. */
  protected deliver(target: S, pdu: P): void {
    pdu.sequence = target.conn.nextSequence();
    target.unacked[pdu.sequence] = pdu;
    target.conn.send(pdu);
  }
}
