// Our SGIP server for the SMG's connections back to us (Bind login type 2, spec §3.7.2): several at once,
// authenticated, each Deliver / Report answered only once it is stored, idle connections closed (§3.1).
import { timingSafeEqual } from 'node:crypto';
import net from 'node:net';
import { Connection } from '../session/connection.ts';
import { Cmd, LoginType, type SgipPdu } from './pdus.ts';
import { answer, describePdu, sgipProtocol } from './protocol.ts';
import type { ListenOptions } from './config.ts';

/** What the listener hands on: each returns the promise to answer after (undefined = answer now). */
export interface ListenerHandlers {
  deliver(p: SgipPdu): Promise<void> | undefined;
  report(p: SgipPdu): Promise<void> | undefined;
  log(summary: string): void;
}

interface Session {
  conn: Connection<SgipPdu>;
  bound: boolean;
  lastRx: number;
}

/** Results the listener answers with (§5.2). */
const Result = { ok: 0, illegalLogin: 1, repeatedLogin: 2, tooMany: 3, wrongType: 4, notProvided: 30, systemFailure: 32 } as const;

/** Compares secrets in constant time (both padded to the field width). */
function same(a: string, b: string): boolean {
  const x = Buffer.alloc(16);
  const y = Buffer.alloc(16);
  x.write(a, 'latin1');
  y.write(b, 'latin1');
  return a.length === b.length && timingSafeEqual(x, y);
}

/** The SP-side SGIP server of one channel. */
export class SgipListener {
  private server: net.Server | null = null;
  private readonly sessions = new Set<Session>();
  private idleTimer: NodeJS.Timeout | null = null;
  /** Binds accepted since start (for tests and counters). */
  binds = 0;

  constructor(
    private readonly options: ListenOptions,
    private readonly handlers: ListenerHandlers,
  ) {}

  /** Connections bound now. */
  get bound(): number {
    let n = 0;
    for (const s of this.sessions) if (s.bound) n++;
    return n;
  }

  /** Listens; resolves with the port (useful with port 0), rejects when the address cannot be taken. */
  async start(): Promise<number> {
    const server = net.createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject);
        server.on('error', (err) => this.handlers.log(`listener error: ${err.message}`));
        resolve();
      });
    });
    const tick = Math.min(1000, this.options.idleSeconds * 250);
    this.idleTimer = setInterval(() => this.closeIdle(), tick);
    this.idleTimer.unref();
    return (server.address() as net.AddressInfo).port;
  }

  /** Stops accepting and closes every connection (what is queued to them is written first). */
  async stop(): Promise<void> {
    if (this.idleTimer) clearInterval(this.idleTimer);
    const server = this.server;
    this.server = null;
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    for (const s of this.sessions) s.conn.end('channel stopped');
    this.sessions.clear();
    await closed;
  }

  private accept(socket: net.Socket): void {
    const s: Session = { conn: null as unknown as Connection<SgipPdu>, bound: false, lastRx: Date.now() };
    s.conn = new Connection<SgipPdu>(socket, sgipProtocol, { window: 1, responseTimeoutMs: this.options.responseTimeoutMs, keepaliveMs: 0 }, () => ({
      onRequest: (p) => this.onRequest(s, p),
      onBadPdu: (err) => s.conn.close(`bad PDU: ${err.message}`),
      onFree: () => undefined,
      onUnmatchedResponse: (p) => this.handlers.log(`ignored a response nobody waits for: ${describePdu(p)}`),
      onClose: (reason) => {
        this.sessions.delete(s);
        if (reason.startsWith('bad data')) this.handlers.log(`SMG connection closed: ${reason}`);
      },
    }));
    this.sessions.add(s);
  }

  private onRequest(s: Session, p: SgipPdu): void {
    s.lastRx = Date.now();
    if (p.commandId === Cmd.bind) return this.onBind(s, p);
    if (!s.bound) {
      // a command before a successful Bind: the spec's answer to an illegal command is to disconnect
      this.handlers.log(`SMG sent ${describePdu(p)} before binding: connection closed`);
      return s.conn.close('command before bind');
    }
    switch (p.commandId) {
      case Cmd.deliver: return this.afterStored(s, p, Cmd.deliver_resp, this.handlers.deliver(p));
      case Cmd.report: return this.afterStored(s, p, Cmd.report_resp, this.handlers.report(p));
      case Cmd.userrpt:
        this.handlers.log(`UserRpt: ${p.userNumber} condition ${p.userCondition}`);
        return s.conn.send(answer(p, Cmd.userrpt_resp, Result.ok));
      case Cmd.unbind:
        s.conn.send(answer(p, Cmd.unbind_resp));
        return s.conn.end('unbound by the SMG');
      default:
        // a command an SP does not serve (e.g. Submit): answered with "function not provided"
        this.handlers.log(`SMG sent ${describePdu(p)}, which an SP does not serve`);
        return s.conn.send(answer(p, (p.commandId | 0x80000000) >>> 0, Result.notProvided));
    }
  }

  private onBind(s: Session, p: SgipPdu): void {
    const o = this.options;
    let result: number = Result.ok;
    if (s.bound) result = Result.repeatedLogin;
    else if (p.loginType !== LoginType.smgToSp) result = Result.wrongType;
    else if (!same(p.loginName ?? '', o.loginName) || !same(p.loginPassword ?? '', o.password)) result = Result.illegalLogin;
    else if (this.bound >= o.maxConnections) result = Result.tooMany;
    s.conn.send(answer(p, Cmd.bind_resp, result));
    if (result === Result.repeatedLogin) return;
    if (result !== Result.ok) {
      this.handlers.log(`refused a Bind from the SMG: result ${result} (login ${p.loginName}, type ${p.loginType})`);
      return s.conn.end('bind refused');
    }
    s.bound = true;
    this.binds++;
  }

  /** Answers a Deliver / Report once it is stored (a failed store asks the SMG to send it again later). */
  private afterStored(s: Session, p: SgipPdu, respId: number, stored: Promise<void> | undefined): void {
    if (!stored) return s.conn.send(answer(p, respId, Result.ok));
    stored.then(() => s.conn.send(answer(p, respId, Result.ok)), () => s.conn.send(answer(p, respId, Result.systemFailure)));
  }

  private closeIdle(): void {
    const cutoff = Date.now() - this.options.idleSeconds * 1000;
    for (const s of this.sessions) if (s.lastRx < cutoff) s.conn.end('idle');
  }
}
