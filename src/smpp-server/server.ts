// Tidings as an SMSC towards its customers: ESMEs of a tenant bind with an SMPP account, their submits become
// ordinary messages (the API's send path), and receipts go back as deliver_sm to a receiver bound on this node,
// or wait in the database until one binds (on whichever node).
import net from 'node:net';
import tls from 'node:tls';
import { readFileSync } from 'node:fs';
import type { Deps } from '../deps.ts';
import { SendBatcher, type StoredHook } from '../api/send-batcher.ts';
import { AttemptLimiter } from '../api/plugins/signin-limiter.ts';
import { RateLimiter } from '../channels/session/rate.ts';
import { Status } from '../channels/smpp/pdus.ts';
import { newId } from '../domain/ids.ts';
import { hashPassword, verifyPassword } from '../domain/secrets.ts';
import { checkContent, type Category } from '../domain/templates.ts';
import { findTenant, type Tenant } from '../store/repos/tenants.ts';
import {
  claimOwedReceipts, closeSmppSession, findSmppAccountForBind, insertSmppSubmits, type NewSmppSubmit, noteSmppAccountError, openSmppSession, purgeSmppSubmits,
  releaseReceipts, renewSmppSessions, settleReceipts, type OwedReceipt, queueMoForAccount, claimOwedMo, settleMo, releaseMo, purgeSmppMo, type BindType, type SmppAccount,
} from '../store/repos/smpp-accounts.ts';
import { bulkOn } from '../store/bulk.ts';
import { newNodeName } from '../worker/node-name.ts';
import type { Effects } from '../worker/effects.ts';
import type { MessageEffect } from '../store/repos/messages.ts';
import { EsmeSession, type SessionHost, type SubmitIds } from './esme-session.ts';
import { moPdus, receiptPdu, receiptWanted } from './receipt.ts';
import { SubmitRefused } from './refusal.ts';
import type { SubmitPart } from './submit.ts';

/** Where the server listens: plain TCP and, with a certificate, SMPP over TLS. */
export interface SmppServerListen {
  port: number;
  host?: string;
  tls?: { port: number; certFile: string; keyFile: string };
}

/** Timing of the server's background work. */
export interface SmppServerOptions {
  /** How often owed receipts are looked for (ms). */
  receiptPollMs: number;
  /** Days a submit and its receipt are kept (an ESME that never binds again loses its receipts after this). */
  receiptDays: number;
  /** Failed binds allowed per account and address (and ten times as many per address) in 15 minutes. */
  bindAttempts: number;
}

const BIND_WINDOW_MS = 15 * 60_000;
/** Receipts claimed per round. */
const RECEIPT_BATCH = 2000;
/** Inbound messages handed to an account per round. */
const MO_BATCH = 200;
/** Messages awaited in memory at most (their receipts are found by the periodic scans beyond). */
const AWAITING_MAX = 200_000;
/**
 * Periodic rounds between two scans for owed receipts at most (a scan walks every receipt still owed to the bound
 * accounts): while this node's worker is watched and scans find nothing, each empty scan doubles the gap up to this.
 */
const SCAN_GAP_MAX = 16;
/**
 * How submits are gathered into one pre-flight and one transaction: up to 1,000 (an API send batch stops at 200; an
 * ESME keeps its whole window in flight, one recipient a submit, and each commit writes every page it dirtied).
 */
const SUBMIT_BATCH = { waitMs: 1, maxSends: 1000, maxRecipients: 10_000 };
/** How long a tenant looked up for submits is reused. */
const TENANT_TTL_MS = 5000;

/** What a submit's message carries to the batch that stores it: the smpp_submits row to write with it. */
interface SubmitMeta { submitId: string | undefined; reportedId: string | undefined; tenantId: string; accountId: string; part: SubmitPart; submittedAt: string }

/** A dummy argon2id hash verified for unknown system_ids, so answer times do not tell which exist. */
let dummyHash: Promise<string> | null = null;

/** The SMPP server of a node. */
export class SmppServer implements SessionHost {
  readonly node = newNodeName();
  readonly log: Deps['log'];
  private readonly listeners: net.Server[] = [];
  private readonly sessions = new Set<EsmeSession>();
  /** Bound sessions by account. */
  private readonly byAccount = new Map<string, Set<EsmeSession>>();
  private readonly rates = new Map<string, RateLimiter>();
  private readonly tenants = new Map<string, { at: number; tenant: Promise<Tenant | undefined> }>();
  private readonly binds = new AttemptLimiter(BIND_WINDOW_MS);
  private readonly sends: SendBatcher<SubmitMeta>;
  private readonly options: SmppServerOptions;
  private timers: NodeJS.Timeout[] = [];
  private pumping: Promise<void> | null = null;
  private scanAgain = false;
  /** Whether this node's worker is watched (its finished messages bring their receipts without a scan). */
  private watching = false;
  /** Periodic rounds from one receipt scan to the next, and those left before the next. */
  private scanGap = 1;
  private scanIn = 0;
  /** Messages stored here whose receipt is owed, until this node's worker sees them finish (bounded: beyond, the scans find them). */
  private readonly awaiting = new Set<string>();
  /** Messages seen finishing whose receipts the next round claims by id. */
  private ready: string[] = [];
  /** Receipts the ESME acknowledged, marked sent in the next round's claim transaction (a round follows at once). */
  private settling: string[] = [];
  private lastPurge = 0;
  private moRef = 0;

  constructor(private readonly deps: Deps, options: Partial<SmppServerOptions> = {}) {
    this.log = deps.log;
    this.sends = new SendBatcher<SubmitMeta>(deps, SUBMIT_BATCH, this.storeSubmits);
    this.options = { receiptPollMs: 250, receiptDays: deps.config.smppReceiptDays, bindAttempts: deps.config.signinAttempts, ...options };
  }

  /** Listens; returns the ports (0 = any free port). */
  async start(listen: SmppServerListen): Promise<{ port: number; tlsPort?: number }> {
    const host = listen.host ?? '0.0.0.0';
    const port = await this.listen(net.createServer((socket) => this.accept(socket)), listen.port, host);
    let tlsPort: number | undefined;
    if (listen.tls) {
      const secure = tls.createServer({ cert: readFileSync(listen.tls.certFile), key: readFileSync(listen.tls.keyFile) }, (socket) => this.accept(socket));
      secure.on('tlsClientError', (err) => this.log.warn({ err: err.message }, 'SMPP server: TLS handshake failed'));
      tlsPort = await this.listen(secure, listen.tls.port, host);
    }
    const lease = this.deps.config.leaseSeconds * 1000;
    this.timers.push(setInterval(() => this.pump(), this.options.receiptPollMs));
    this.timers.push(setInterval(() => void this.renew(lease).catch((err: unknown) => this.log.error({ err }, 'SMPP server: renewing session leases failed')), Math.max(1000, lease / 3)));
    this.timers.push(setInterval(() => { for (const s of this.sessions) s.sweep(); }, 1000));
    for (const t of this.timers) t.unref();
    return { port, tlsPort };
  }

  /**
   * Follows the messages this node's worker finishes (a node running both): their receipts go out as soon as they are
   * final instead of at the next scan, which still finds everything else (every `receiptPollMs` while scans find
   * receipts; while they find none, at most every SCAN_GAP_MAX × `receiptPollMs`, since this node's own come without).
   */
  watch(effects: Effects): void {
    this.watching = true;
    effects.onFinished((done) => this.finished(done));
  }

  /** Unbinds every ESME, stops listening, and answers what is still being stored. */
  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await Promise.all([...this.sessions].map((s) => s.unbind()));
    await Promise.all(this.listeners.map((l) => new Promise<void>((resolve) => l.close(() => resolve()))));
    while (this.pumping) await this.pumping;
    await settleReceipts(this.deps.store, this.settling.splice(0), this.deps.now().toISOString());
    await this.sends.drain();
  }

  /** Sessions bound now on this node (for tests and metrics). */
  boundSessions(): EsmeSession[] {
    return [...this.byAccount.values()].flatMap((s) => [...s]);
  }

  private listen(server: net.Server, port: number, host: string): Promise<number> {
    this.listeners.push(server);
    server.on('error', (err) => this.log.error({ err }, 'SMPP server: listener error'));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve((server.address() as net.AddressInfo).port);
      });
    });
  }

  private accept(socket: net.Socket): void {
    const session = new EsmeSession(socket, newId(), this);
    this.sessions.add(session);
  }

  async authenticate(b: { systemId: string; password: string; bindType: BindType; address: string; sessionId: string }): Promise<{ account: SmppAccount } | { status: number; reason: string }> {
    const keys = [`account:${b.systemId}:ip:${b.address}`, `ip:${b.address}`];
    const max = this.options.bindAttempts;
    if (this.binds.blocked(keys[0], max) || this.binds.blocked(keys[1], max * 10)) return { status: Status.ESME_RBINDFAIL, reason: 'too many failed binds from this address; wait 15 minutes' };
    const account = await findSmppAccountForBind(this.deps.store.db, b.systemId);
    const ok = await verifyPassword(account?.passwordHash ?? await (dummyHash ??= hashPassword('not-a-password')), b.password);
    if (!account || !ok) {
      keys.forEach((k) => this.binds.fail(k));
      return account ? { status: Status.ESME_RINVPASWD, reason: 'wrong password' } : { status: Status.ESME_RINVSYSID, reason: 'unknown system_id' };
    }
    this.binds.reset(keys[0]);
    if (!account.enabled) return { status: Status.ESME_RBINDFAIL, reason: 'the account is disabled' };
    if (!addressAllowed(account.ipAllowlist, b.address)) return { status: Status.ESME_RBINDFAIL, reason: `address ${b.address} is not on the account's allowlist` };
    if (!account.bindTypes.includes(b.bindType)) return { status: Status.ESME_RBINDFAIL, reason: `bind_${b.bindType} is not allowed for this account` };
    const now = Date.now();
    const opened = await openSmppSession(this.deps.store.db, {
      id: b.sessionId, accountId: account.id, node: this.node, bindType: b.bindType, address: b.address, maxBinds: account.maxBinds,
      now: new Date(now).toISOString(), until: new Date(now + this.deps.config.leaseSeconds * 1000).toISOString(),
    });
    if (!opened) return { status: Status.ESME_RBINDFAIL, reason: `the account has its ${account.maxBinds} bind(s) already` };
    return { account };
  }

  takeRate(account: SmppAccount): boolean {
    let rate = this.rates.get(account.id);
    if (!rate) this.rates.set(account.id, (rate = new RateLimiter(account.tps)));
    return rate.take(1, Date.now()) === 0;
  }

  async store(account: SmppAccount, part: SubmitPart, text: string, ids: SubmitIds = {}): Promise<string> {
    const { submitId, reportedId } = ids;
    const tenant = await this.tenant(account.tenantId);
    if (!tenant) throw new SubmitRefused(Status.ESME_RSUBMITFAIL, 'the tenant of this account no longer exists');
    const category = account.defaultCategory as Category;
    checkContent(category, undefined, tenant.settings);
    const submittedAt = this.deps.now().toISOString();
    const [m] = await this.sends.send({
      tenant, recipients: [{ phone: part.destination }], text, category, channel: null, notBefore: null,
      sender: account.sourceAddresses.length ? part.source : null,
      meta: { submitId, reportedId, tenantId: tenant.id, accountId: account.id, part, submittedAt },
    });
    if (m.status === 'queued' && part.registeredDelivery & 0x03 && this.awaiting.size < AWAITING_MAX) this.awaiting.add(m.id);
    if (m.status !== 'queued') {
      throw new SubmitRefused(m.reason === 'invalid_number' ? Status.ESME_RINVDSTADR : Status.ESME_RSUBMITFAIL, `${part.destination}: not sent (${m.reason ?? m.status})`);
    }
    return submitId ?? m.id;
  }

  /** Records the submits of one stored batch (their receipts owed to the account), in the transaction that stored their messages. */
  private readonly storeSubmits: StoredHook<SubmitMeta> = async (trx, stored) => {
    const rows: NewSmppSubmit[] = [];
    for (const { meta, messages: [q] } of stored) {
      if (q.status !== 'queued') continue;
      const { part } = meta;
      rows.push({
        id: meta.submitId ?? q.id, tenant_id: meta.tenantId, account_id: meta.accountId, message_id: q.id, source: part.source, destination: part.destination,
        registered_delivery: part.registeredDelivery, submitted_at: meta.submittedAt, receipt_owed: part.registeredDelivery & 0x03 ? 1 : 0,
        reported_id: meta.reportedId ?? null,
      });
    }
    if (rows.length) await insertSmppSubmits(bulkOn(this.deps.store, trx), rows);
  };

  bound(session: EsmeSession): void {
    const id = session.account!.id;
    let set = this.byAccount.get(id);
    if (!set) this.byAccount.set(id, (set = new Set()));
    set.add(session);
    if (!session.receives) return;
    this.scanSoon();
    this.pump();
  }

  ended(session: EsmeSession): void {
    this.sessions.delete(session);
    const account = session.account;
    if (!account) return;
    const set = this.byAccount.get(account.id);
    set?.delete(session);
    if (set && set.size === 0) this.byAccount.delete(account.id);
    void closeSmppSession(this.deps.store.db, session.id).catch((err: unknown) => this.log.error({ err }, 'SMPP server: forgetting a session failed'));
  }

  refused(account: SmppAccount, reason: string, expected: boolean): void {
    this.log[expected ? 'warn' : 'error']({ systemId: account.systemId, reason }, 'SMPP server: submit refused');
    void noteSmppAccountError(this.deps.store.db, account.id, reason, this.deps.now().toISOString()).catch(() => undefined);
  }

  private tenant(id: string): Promise<Tenant | undefined> {
    const hit = this.tenants.get(id);
    if (hit && Date.now() - hit.at < TENANT_TTL_MS) return hit.tenant;
    const tenant = findTenant(this.deps.store.db, id);
    this.tenants.set(id, { at: Date.now(), tenant });
    tenant.catch(() => this.tenants.delete(id));
    return tenant;
  }

  private async renew(leaseMs: number): Promise<void> {
    const now = Date.now();
    await renewSmppSessions(this.deps.store.db, this.boundSessions().map((s) => s.id), new Date(now + leaseMs).toISOString());
    if (now - this.lastPurge > 3600_000) {
      this.lastPurge = now;
      const before = new Date(now - this.options.receiptDays * 86_400_000).toISOString();
      await purgeSmppSubmits(this.deps.store.db, before);
      await purgeSmppMo(this.deps.store.db, before);
    }
  }

  /**
   * Starts a round of receipt delivery (one at a time; a round asked for meanwhile follows it). A `scan` round looks at
   * every receipt owed to the accounts bound here (and their MO); any round first takes the messages seen finishing.
   */
  private pump(scan = true): void {
    this.scanAgain ||= scan;
    if (this.pumping) return;
    const round = this.scanAgain;
    this.scanAgain = false;
    this.pumping = this.deliverReceipts(round)
      .catch((err: unknown) => this.log.error({ err }, 'SMPP server: delivering receipts failed'))
      .then((full) => {
        this.pumping = null;
        if (full === true) {
          this.scanAgain = true;
          this.scanSoon();
        }
        if (this.scanAgain || this.ready.length || (this.settling.length && this.timers.length)) this.pump(false);
      });
  }

  /** The next round that may scan does (a receiver bound, a scan took a full batch, receipts were given back). */
  private scanSoon(): void {
    this.scanGap = 1;
    this.scanIn = 0;
  }

  /** Whether a round that may scan for owed receipts does: the first after the gap since the last scan. */
  private scanDue(): boolean {
    if (this.scanIn === 0) return true;
    this.scanIn--;
    return false;
  }

  /** After a scan that found `found` receipts: the gap before the next (doubled after an empty one while watching). */
  private scanned(found: number): void {
    this.scanGap = found === 0 && this.watching ? Math.min(this.scanGap * 2, SCAN_GAP_MAX) : 1;
    this.scanIn = this.scanGap - 1;
  }

  /** Messages of this node's worker reached a final state: the receipts owed for them are claimed by their ids at once. */
  private finished(done: MessageEffect[]): void {
    let any = false;
    for (const e of done) {
      if (!this.awaiting.delete(e.id)) continue;
      this.ready.push(e.id);
      any = true;
    }
    if (any) this.pump(false);
  }

  /**
   * Claims receipts owed to accounts with a receiver bound here and sends them; a periodic round (`scan`) also hands
   * them their MO and, when due, scans for every receipt owed. True when a scan took a full batch.
   */
  private async deliverReceipts(scan: boolean): Promise<boolean> {
    const accounts = [...this.byAccount].filter(([, set]) => [...set].some((s) => s.receives)).map(([id]) => id);
    const ready = this.ready.splice(0, RECEIPT_BATCH);
    const store = this.deps.store;
    const acked = this.settling.splice(0);
    const now = new Date().toISOString();
    if (!accounts.length || (!ready.length && !scan)) {
      await settleReceipts(store, acked, now);
      return false;
    }
    const until = new Date(Date.now() + 60_000).toISOString();
    const scanning = scan && this.scanDue();
    let owed: OwedReceipt[];
    let scanned: OwedReceipt[];
    try {
      owed = ready.length ? await claimOwedReceipts(store, accounts, this.node, now, until, RECEIPT_BATCH, ready, acked) : [];
      scanned = scanning ? await claimOwedReceipts(store, accounts, this.node, now, until, RECEIPT_BATCH, undefined, ready.length ? [] : acked) : [];
      if (!ready.length && !scanning) await settleReceipts(store, acked, now);
    } catch (err) {
      // the acknowledged stay to be marked by the next round (not sent again once their lease ends)
      this.settling.push(...acked);
      throw err;
    }
    if (scanning) this.scanned(scanned.length);
    owed.push(...scanned);
    const settled: string[] = [];
    const released: string[] = [];
    const receiversOf = new Map<string, { list: EsmeSession[]; turn: number }>();
    await Promise.all(owed.map(async (r) => {
      if (!receiptWanted(r.registeredDelivery, r.status)) return void settled.push(r.id);
      let receivers = receiversOf.get(r.accountId);
      if (!receivers) receiversOf.set(r.accountId, receivers = { list: [...(this.byAccount.get(r.accountId) ?? [])].filter((s) => s.receives), turn: 0 });
      const target = receivers.list[receivers.turn++ % Math.max(1, receivers.list.length)];
      if (target && await target.deliver(receiptPdu(r, target.account!.gsm7Packed))) settled.push(r.id);
      else released.push(r.id);
    }));
    this.settling.push(...settled);
    await releaseReceipts(store, this.node, released);
    if (released.length) this.scanSoon();
    if (scan) for (const id of accounts) await this.deliverMo(id);
    return scanned.length === RECEIPT_BATCH && released.length === 0;
  }

  /**
   * Hands the tenant's inbound messages to a receiver of the account (accounts with MO delivery smpp or both): new ones
   * become owed to the account first, and an owed one is forgotten only once the ESME acknowledged every part; one not
   * acknowledged (no answer, an error, the session ended) stays owed and goes again on the next bind, on any node.
   */
  private async deliverMo(accountId: string): Promise<void> {
    const db = this.deps.store.db;
    const now = Date.now();
    await queueMoForAccount(db, accountId, MO_BATCH, new Date(now).toISOString());
    const mo = await claimOwedMo(db, accountId, this.node, new Date(now).toISOString(), new Date(now + 60_000).toISOString(), MO_BATCH);
    const settled: string[] = [];
    const released: string[] = [];
    for (const m of mo) {
      const target = released.length ? undefined : [...(this.byAccount.get(accountId) ?? [])].find((s) => s.receives);
      let ok = !!target;
      for (const pdu of target ? moPdus(m, ++this.moRef, target.account!.gsm7Packed) : []) ok = ok && await target!.deliver(pdu);
      (ok ? settled : released).push(m.id);
    }
    await settleMo(db, settled);
    await releaseMo(db, this.node, released);
    if (released.length) this.log.warn({ accountId, kept: released.length }, 'SMPP server: inbound messages not acknowledged by the ESME; kept for its next bind');
  }
}

/** Whether an address is on an allowlist of addresses and CIDR ranges (an empty list allows any). */
export function addressAllowed(allowlist: readonly string[], address: string): boolean {
  if (!allowlist.length) return true;
  const family = net.isIPv6(address) ? 'ipv6' : 'ipv4';
  const list = new net.BlockList();
  for (const entry of allowlist) {
    const [ip, bits] = entry.split('/');
    const entryFamily = net.isIPv6(ip) ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(ip, entryFamily);
    else list.addSubnet(ip, Number(bits), entryFamily);
  }
  return list.check(address, family);
}
