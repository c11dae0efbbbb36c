import type { Deps } from '../deps.ts';
import type { Category } from '../domain/templates.ts';
import { answerOf, costOf, handStored, insufficientBalance, leaseTo, Preparer, type Prepared, type QueuedMessage, type Recipient } from '../worker/outbox.ts';
import { moveBalance } from '../store/repos/billing.ts';
import { insertMessages } from '../store/repos/messages.ts';
import type { Tenant } from '../store/repos/tenants.ts';
import type { Db } from '../store/database.ts';

/** One API send: the recipients and what decides their messages, for a tenant already looked up; `meta` is for the batcher's `stored` hook. */
export interface Send<M = never> {
  tenant: Tenant; recipients: Recipient[]; text: string; category: Category; channel: string | null; notBefore: Date | null;
  /** The sender address the client gave (an SMPP source_addr it may use); otherwise the tenant's service number. */
  sender?: string | null;
  /** Runs in the transaction that stores the send's messages (an Idempotency-Key's answer); its failure fails the send. */
  also?: (trx: Db, messages: QueuedMessage[]) => Promise<void>;
  /** What the batcher's `stored` hook needs of this send. */
  meta?: M;
}

/** Runs once per transaction that stores sends, with every send stored in it (its meta and its messages): batch work there. */
export type StoredHook<M> = (trx: Db, stored: { meta: M; messages: QueuedMessage[] }[]) => Promise<void>;

/** How sends are gathered: wait up to `waitMs` after the first one, or until `maxSends` sends or `maxRecipients` recipients wait. */
export interface BatchLimits { waitMs: number; maxSends: number; maxRecipients: number }

interface Waiting<M> {
  send: Send<M>;
  resolve(messages: QueuedMessage[]): void;
  reject(err: unknown): void;
}

/** A send's messages after pre-flight, or why it failed. */
type Outcome = { prepared: Prepared[] } | { error: unknown };

function groupBy<T>(items: T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

/**
 * Group commit for API sends. Sends that arrive together are pre-flighted together (one pass per tenant, category,
 * channel and schedule, whatever their texts) and stored in one transaction with one reservation per tenant; every
 * send still gets its own answer: a send the balance cannot cover is refused alone, and when a group fails as a whole
 * its sends are retried one by one, so one bad send fails only itself.
 */
export class SendBatcher<M = never> {
  private waiting: Waiting<M>[] = [];
  private waitingRecipients = 0;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly deps: Deps, private readonly limits: BatchLimits = { waitMs: 1, maxSends: 200, maxRecipients: 10_000 }, private readonly stored?: StoredHook<M>) {}

  /** Queues messages for one send (pre-flight, routing, pricing, reservation); refused with insufficient_balance when the tenant cannot pay. */
  send(send: Send<M>): Promise<QueuedMessage[]> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ send, resolve, reject });
      this.waitingRecipients += send.recipients.length;
      if (this.running) return;
      if (this.waiting.length >= this.limits.maxSends || this.waitingRecipients >= this.limits.maxRecipients) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.limits.waitMs);
    });
  }

  /** Resolves once every send handed in so far is answered. */
  async drain(): Promise<void> {
    while (this.running || this.waiting.length) {
      if (!this.running) this.flush();
      await this.running;
    }
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.waiting.length) return;
    // The first send always goes; the group then takes sends while both limits allow.
    let take = 1;
    let recipients = this.waiting[0].send.recipients.length;
    while (take < Math.min(this.waiting.length, this.limits.maxSends) && recipients + this.waiting[take].send.recipients.length <= this.limits.maxRecipients) {
      recipients += this.waiting[take++].send.recipients.length;
    }
    const group = this.waiting.splice(0, take);
    this.waitingRecipients -= recipients;
    // commit answers every send itself; this only catches its own bugs, so that no request waits forever.
    this.running = this.commit(group).catch((err: unknown) => { for (const w of group) w.reject(err); }).finally(() => {
      this.running = null;
      // Sends that arrived meanwhile have waited long enough.
      if (this.waiting.length) this.flush();
    });
  }

  private async commit(group: Waiting<M>[]): Promise<void> {
    const outcomes = new Map<Waiting<M>, Outcome>();
    const passes = groupBy(group, ({ send: s }) => [s.tenant.id, s.category, s.channel ?? '', s.notBefore?.toISOString() ?? '', s.sender ?? ''].join('\u0000'));
    for (const pass of passes.values()) await this.prepare(pass, outcomes);
    const ready = group.filter((w) => 'prepared' in outcomes.get(w)!);
    let rest = false;
    try {
      rest = await this.store(ready, outcomes);
    } catch {
      for (const w of ready) {
        try { rest = await this.store([w], outcomes) || rest; } catch (err) { outcomes.set(w, { error: err }); }
      }
    }
    if (rest) this.deps.wakeDispatcher();
    for (const w of group) {
      const o = outcomes.get(w)!;
      if ('error' in o) w.reject(o.error);
      else w.resolve(answerOf(o.prepared));
    }
  }

  /**
   * Pre-flights sends of one spec (texts aside: each recipient carries its send's) in one pass. The pass excludes a
   * number it has seen as a duplicate, which is right within a send but not across sends: a send repeating another's
   * number is pre-flighted again on its own.
   */
  private async prepare(pass: Waiting<M>[], outcomes: Map<Waiting<M>, Outcome>): Promise<void> {
    const { tenant, text, category, channel, notBefore, sender } = pass[0].send;
    const preparer = new Preparer(this.deps, { tenant, category, text, campaignId: null, channel, sender: sender ?? null, notBefore, windows: [], cap: null });
    let all: Prepared[];
    try {
      all = await preparer.prepare(pass.flatMap(({ send: s }) => (s.text === text ? s.recipients : s.recipients.map((r) => ({ ...r, text: s.text })))));
    } catch (err) {
      if (pass.length === 1) outcomes.set(pass[0], { error: err });
      else for (const w of pass) await this.prepare([w], outcomes);
      return;
    }
    const firstSendOf = new Map<string, Waiting<M>>();
    const again: Waiting<M>[] = [];
    let at = 0;
    for (const w of pass) {
      const prepared = all.slice(at, at += w.send.recipients.length);
      outcomes.set(w, { prepared });
      for (const p of prepared) {
        if (p.reason !== 'duplicate') firstSendOf.set(p.phone, firstSendOf.get(p.phone) ?? w);
        else if (firstSendOf.get(p.phone) !== w) { again.push(w); break; }
      }
    }
    for (const w of again) await this.prepare([w], outcomes);
  }

  /**
   * Stores the prepared sends in one transaction. Each tenant's sends reserve their cost in one ledger movement; when
   * the balance does not cover them all, each send reserves its own in turn and the ones it cannot cover are refused.
   * With a dispatcher in this process, the due messages it has room for are stored leased to it and handed over after
   * the commit; true when queued messages are left for a claim loop.
   */
  private async store(sends: Waiting<M>[], outcomes: Map<Waiting<M>, Outcome>): Promise<boolean> {
    const now = this.deps.now();
    const at = now.toISOString();
    const dispatcher = this.deps.dispatcher;
    const preparedOf = (w: Waiting<M>) => (outcomes.get(w) as { prepared: Prepared[] }).prepared;
    const rowsOf = new Map(sends.map((w) => [w, preparedOf(w).filter((p) => p.id)]));
    const byTenant = groupBy(sends, (w) => w.send.tenant.id);
    const refused = new Map<Waiting<M>, bigint>();
    const { leased, skipped } = await this.deps.store.db.transaction().execute(async (trx) => {
      const reserve = (tenantId: string, cost: bigint, count: number) => cost === 0n ? Promise.resolve(true)
        : moveBalance(trx, tenantId, -cost, { kind: 'reserve', campaignId: null, note: count === 1 ? 'api send' : `${count} api sends` }, at).then((b) => b !== null);
      for (const [tenantId, own] of byTenant) {
        if (await reserve(tenantId, own.reduce((sum, w) => sum + costOf(rowsOf.get(w)!), 0n), own.length)) continue;
        for (const w of own) {
          const cost = costOf(rowsOf.get(w)!);
          if (!await reserve(tenantId, cost, 1)) refused.set(w, cost);
        }
      }
      const rows = sends.flatMap((w) => (refused.has(w) ? [] : rowsOf.get(w)!));
      const lease = dispatcher ? leaseTo(dispatcher, rows, now) : null;
      const skip = await insertMessages(trx, this.deps.store, rows);
      for (const w of sends) if (w.send.also && !refused.has(w)) await w.send.also(trx, answerOf(preparedOf(w)));
      if (this.stored) {
        const stored = sends.flatMap((w) => (refused.has(w) || w.send.meta === undefined ? [] : [{ meta: w.send.meta, messages: answerOf(preparedOf(w)) }]));
        if (stored.length) await this.stored(trx, stored);
      }
      return { leased: lease, skipped: skip };
    });
    for (const [w, cost] of refused) {
      outcomes.set(w, { error: insufficientBalance(cost) });
    }
    if (!dispatcher || !leased) return sends.length > 0;
    handStored(dispatcher, leased, skipped);
    return leased.rest;
  }
}
