// What the virtual carrier's SGIP and SMGP gateways share with its SMSC: the settings (accounts, outcomes, rules,
// faults), counters, handsets, the decision what to do with a submit, and one FIFO of due reports behind one timer.
import net from 'node:net';
import { Queue } from '../session/queue.ts';
import { DEFAULT_SIMULATOR_CONFIG, pickOutcome, seededRandom, type Outcome, type SimulatorConfig } from './config.ts';
import { Handsets, type HandsetMessage } from './handsets.ts';
import type { MoMessage, SimulatorStats } from './simulator.ts';

/** What to do with one submit: not answer, drop the connection, refuse with a status, throttle, or accept. */
export type SubmitDecision =
  | { kind: 'silent' }
  | { kind: 'drop' }
  | { kind: 'refuse'; status: number }
  | { kind: 'throttle' }
  | { kind: 'accept'; outcome: Outcome };

/** A report waiting for its time. */
interface Due {
  due: number;
  fire: () => void;
}

/** The part every virtual gateway implements over its own protocol. */
export abstract class GatewaySimulator {
  protected config: SimulatorConfig;
  private server: net.Server | null = null;
  private readonly handsetStore: Handsets;
  private random: () => number;
  private readonly reports = new Queue<Due>();
  private reportTimer: NodeJS.Timeout | null = null;
  private sweepTimer: NodeJS.Timeout | null = null;
  private readonly seen = new Set<string>();
  private second = 0;
  private inSecond = 0;
  protected moRef = 0;
  protected readonly counters: Omit<SimulatorStats, 'bound'> = {
    submits: 0, parts: 0, uniqueMessages: 0, duplicates: 0, throttled: 0, dropped: 0,
    receiptsSent: 0, receiptsAcked: 0, moSent: 0, bindAttempts: 0, bindCount: 0,
  };

  constructor(config: Partial<SimulatorConfig>) {
    this.config = { ...DEFAULT_SIMULATOR_CONFIG, ...config };
    this.random = seededRandom(this.config.seed);
    this.handsetStore = new Handsets(this.config.reassemblyTimeoutMs);
  }

  /** Takes a new TCP connection of a client. */
  protected abstract accept(socket: net.Socket): void;
  /** Sessions logged in now. */
  protected abstract boundSessions(): number;
  /** Closes every session. */
  protected abstract closeAll(reason: string): void;
  /** Sends an MO from a handset; returns the part count. */
  abstract sendMo(mo: MoMessage): number;

  /** Listens on 127.0.0.1 (port 0 = any free port). */
  async start(port = 0, host = '127.0.0.1'): Promise<{ port: number }> {
    const server = net.createServer((socket) => this.accept(socket));
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
    if (this.reportTimer) clearTimeout(this.reportTimer);
    this.reportTimer = null;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.closeAll('simulator stopped');
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Changes settings live. */
  configure(patch: Partial<SimulatorConfig>): void {
    this.config = { ...this.config, ...patch };
    if (patch.seed !== undefined) this.random = seededRandom(patch.seed);
  }

  /** Counters since start. */
  stats(): SimulatorStats {
    return { ...this.counters, bound: this.boundSessions() };
  }

  /** Numbers of handsets that received something. */
  handsets(): string[] {
    return this.handsetStore.numbers();
  }

  /** A handset's inbox. */
  inbox(number: string): HandsetMessage[] {
    return this.handsetStore.inbox(number);
  }

  /** Drops every connection abruptly. */
  dropAll(): void {
    this.closeAll('simulated drop');
  }

  /** Whether an account (login name, password) may log in: any when none are configured. */
  protected accountOk(name: string, password: (expected: string) => boolean): boolean {
    const accounts = this.config.accounts;
    if (accounts.length === 0) return true;
    const account = accounts.find((a) => a.systemId === name);
    return account !== undefined && password(account.password);
  }

  /** Counts a submit and decides its fate from the faults and the per-number rules. */
  protected decide(dest: string): SubmitDecision {
    const c = this.counters;
    c.submits++;
    const cfg = this.config;
    if (cfg.silent) return { kind: 'silent' };
    if (cfg.dropEvery > 0 && c.submits % cfg.dropEvery === 0) {
      c.dropped++;
      return { kind: 'drop' };
    }
    if (this.overRate(cfg)) {
      c.throttled++;
      return { kind: 'throttle' };
    }
    for (const rule of cfg.rules) {
      if ((rule.suffix !== undefined && dest.endsWith(rule.suffix)) || (rule.prefix !== undefined && dest.startsWith(rule.prefix))) {
        if (rule.submitStatus) return { kind: 'refuse', status: rule.submitStatus };
        if (rule.outcome) return { kind: 'accept', outcome: rule.outcome };
      }
    }
    return { kind: 'accept', outcome: pickOutcome(cfg.outcomes, this.random) };
  }

  /** Takes an accepted part: counts it new or duplicate (same destination, octets and part number) and files its text (decoded only then) in the handset's inbox. */
  protected accepted(from: string, dest: string, octets: Buffer, text: () => string, dataCoding: number, concat: { ref: number; total: number; seq: number } | null, partKey = ''): void {
    const c = this.counters;
    c.parts++;
    const key = `${dest}\u0000${octets.toString('latin1')}${partKey}`;
    if (this.seen.has(key)) {
      c.duplicates++;
    } else {
      this.seen.add(key);
      if (!concat || concat.seq === 1) c.uniqueMessages++;
    }
    if (this.config.keepInbox) this.handsetStore.receiveText(from, dest, dataCoding, text(), concat);
  }

  /** Runs `fire` after the configured report delay (reports leave in submit order). */
  protected scheduleReport(fire: () => void): void {
    this.reports.push({ due: Date.now() + this.config.receiptDelayMs, fire });
    this.armReports();
  }

  private armReports(): void {
    const head = this.reports.peek();
    if (!head || this.reportTimer) return;
    this.reportTimer = setTimeout(() => this.fireReports(), Math.max(0, head.due - Date.now()));
  }

  private fireReports(): void {
    this.reportTimer = null;
    const now = Date.now();
    for (let head = this.reports.peek(); head && head.due <= now; head = this.reports.peek()) {
      this.reports.shift();
      head.fire();
      this.counters.receiptsSent++;
    }
    this.armReports();
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
}

/** The report's stat word and err code of an outcome (SMGP §6.2.63 words; err per its table). */
export const OUTCOME_ERR: Record<Outcome, string> = { delivered: '000', undelivered: '004', expired: '001', rejected: '009', deleted: '010', unknown: '999' };
