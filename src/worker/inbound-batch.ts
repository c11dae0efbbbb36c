// MO routed in batches: what arrives while a batch is being handled is stored with one multi-row insert, then routed
// in arrival order. On SQLite a batch is routed in one transaction (one commit; each MO in a savepoint of its own, so
// one failure rolls back only that MO, and what it held for the batch's end is dropped with it); reads of every
// sender at once and replies stored together at the end make the batch cheaper than its MO one by one; on PostgreSQL MO are routed as before, numbers side by side (row locks
// between nodes stay short).
import type { Deps } from '../deps.ts';
import type { InboundMessagesTable } from '../store/database.ts';
import type { MoSender } from '../domain/inbound.ts';
import { insertInbound } from '../store/repos/inbound.ts';
import { bulkOn } from '../store/bulk.ts';
import { savepoint } from '../store/nested.ts';
import { BatchMemo, batchDeps, OutsideBatch } from './batch-deps.ts';

/** How many MO one batch takes at most. */
const maxBatch = 500;

interface Item {
  row: InboundMessagesTable;
  sender: MoSender;
  /** Already stored by the caller (a long message joined from its parts). */
  stored: boolean;
  done(err?: unknown): void;
}

/** Routes one stored MO (throws when it cannot; the MO then stays in the inbox as pending). */
export type RouteOne = (deps: Deps, row: InboundMessagesTable, sender: MoSender) => Promise<void>;

/** The batching queue of a node's inbound side. */
export class InboundBatches {
  private waiting: Item[] = [];
  private running = false;

  constructor(private readonly deps: Deps, private readonly route: RouteOne) {}

  /** Stores (unless `stored`) and routes an MO after every MO taken before it; resolves once routed, rejects when it could not be stored. */
  take(row: InboundMessagesTable, sender: MoSender, stored: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ row, sender, stored, done: (err) => (err ? reject(err) : resolve()) });
      if (!this.running) {
        this.running = true;
        setImmediate(() => void this.run());
      }
    });
  }

  private async run(): Promise<void> {
    while (this.waiting.length) {
      const batch = this.waiting.splice(0, maxBatch);
      let routable = batch;
      const fresh = batch.filter((i) => !i.stored);
      if (fresh.length) {
        try {
          await withRetry(() => insertInbound(bulkOn(this.deps.store), fresh.map((i) => i.row)));
        } catch (err) {
          for (const i of fresh) {
            this.deps.log.error({ err, component: 'inbound', mo: { channelId: i.row.channel_id, from: i.row.raw_from, to: i.row.to_number, text: i.row.text, receivedAt: i.row.received_at } }, 'could not store an inbound message');
            i.done(err);
          }
          routable = batch.filter((i) => i.stored);
        }
      }
      await this.routeAll(routable);
      for (const i of routable) i.done();
    }
    this.running = false;
  }

  private async routeAll(items: Item[]): Promise<void> {
    if (!items.length) return;
    if (this.deps.store.dialect !== 'sqlite') {
      // a number's MO in order, numbers side by side
      const byNumber = new Map<string, Item[]>();
      for (const i of items) byNumber.set(i.row.raw_from, [...(byNumber.get(i.row.raw_from) ?? []), i]);
      await Promise.all([...byNumber.values()].map(async (list) => { for (const i of list) await this.routeAlone(i); }));
      return;
    }
    let rest = items;
    while (rest.length) rest = await this.routeInOneTransaction(rest);
  }

  /**
   * Routes items in one transaction up to the first that fails or needs outside work (an endpoint call): that one is
   * routed alone once the batch committed (so a failure keeps what it stored before, as it would unbatched, and
   * the numbers' order holds); returns what is left after it.
   */
  private async routeInOneTransaction(items: Item[]): Promise<Item[]> {
    const deps = this.deps;
    const woken = { dispatcher: false };
    let stop = items.length;
    const memo = new BatchMemo(items.map((i) => i.sender.phone), items.map((i) => ({ to: i.row.to_number, text: i.row.text })));
    try {
      await deps.router.refresh();
      await deps.store.db.transaction().execute(async (trx) => {
        const bound = batchDeps(deps, trx, woken, memo);
        for (let k = 0; k < items.length; k++) {
          memo.mo = k;
          try {
            await savepoint(trx, 'mo', () => this.route(bound, items[k].row, items[k].sender), deps.store.sqlite);
            memo.routed.add(items[k].sender.phone);
          } catch (err) {
            if (!(err instanceof OutsideBatch)) deps.log.warn({ err, component: 'inbound', inbound: items[k].row.id }, 'routing an inbound message in a batch failed; routing it alone');
            memo.drop(k);
            stop = k;
            break;
          }
        }
        // what the routed MO left for the end of the batch (their replies) commits with them
        await memo.end();
      });
    } catch (err) {
      // the batch did not commit: route each of its MO on its own
      deps.log.warn({ err, component: 'inbound', count: items.length }, 'a batch of inbound messages did not commit; routing them one by one');
      for (const i of items) await this.routeAlone(i);
      return [];
    }
    for (const run of memo.committed) run();
    if (woken.dispatcher) deps.wakeDispatcher();
    if (stop < items.length) await this.routeAlone(items[stop]);
    return items.slice(stop + 1);
  }

  private async routeAlone(i: Item): Promise<void> {
    try {
      await this.route(this.deps, i.row, i.sender);
    } catch (err) {
      this.deps.log.error({ err, component: 'inbound', inbound: i.row.id }, 'routing an inbound message failed; it stays in the inbox as pending');
    }
  }
}

async function withRetry<T>(fn: () => Promise<T>, tries = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try { return await fn(); } catch (e) {
      if (i >= tries) throw e;
      await new Promise((r) => setTimeout(r, 50 * 2 ** i));
    }
  }
}
