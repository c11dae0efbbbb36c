// What the service engine holds for the end of an inbound batch (SQLite: one writer, one transaction for the batch):
// re-delivery claims decided against one read of every claim the batch's MO could collide with, and responses and
// conversation rows written multi-row when the batch ends. A read of a number's rows writes what is held for it
// first; what an MO held is dropped when its savepoint rolls back. Outside a batch every write happens at once.
import type { Deps } from '../deps.ts';
import type { Db, ServiceConversationsTable, ServiceMoClaimsTable, ServiceResponsesTable } from '../store/database.ts';
import { destinationDigits } from '../domain/inbound.ts';
import { claimMo, insertConversation, insertResponseRows, moClaims, storeConversations, storeMoClaims } from '../store/repos/services.ts';
import { batchMemo, HeldWrites, type BatchMemo, type BatchPart } from '../worker/batch-deps.ts';
import { bulkOn, type BulkTarget } from '../store/bulk.ts';

/** The re-delivery key of an MO: tenant, address, sender and the text as sent (a re-delivery repeats it exactly). */
export function moKey(tenantId: string, address: string, phone: string, text: string): string {
  return `${tenantId}|${address}|${phone}|${text.trim()}`.slice(0, 1000);
}

/** Claims the batch's MO made, by key (the last one counts), written when the batch ends. */
class HeldClaims implements BatchPart {
  private readonly byKey = new Map<string, Array<{ mo: number; claim: ServiceMoClaimsTable }>>();

  constructor(private readonly memo: BatchMemo, private readonly t: BulkTarget) {}

  /** The last claim of `key` made in this batch. */
  last(key: string): ServiceMoClaimsTable | undefined {
    return this.byKey.get(key)?.at(-1)?.claim;
  }

  hold(claim: ServiceMoClaimsTable): void {
    const list = this.byKey.get(claim.key);
    if (list) list.push({ mo: this.memo.mo, claim });
    else this.byKey.set(claim.key, [{ mo: this.memo.mo, claim }]);
  }

  drop(mo: number): void {
    for (const [key, list] of this.byKey) {
      const kept = list.filter((c) => c.mo !== mo);
      if (kept.length) this.byKey.set(key, kept);
      else this.byKey.delete(key);
    }
  }

  async end(): Promise<void> {
    const rows = [...this.byKey.values()].map((list) => list[list.length - 1].claim);
    this.byKey.clear();
    if (rows.length) await storeMoClaims(this.t, rows);
  }
}

interface Held {
  claims: HeldClaims;
  conversations: HeldWrites<ServiceConversationsTable>;
  responses: HeldWrites<ServiceResponsesTable>;
}

/** The batch's held writes, made together so they are written in this order (a conversation before its responses). */
function held(memo: BatchMemo, deps: Deps): Held {
  return memo.part('services', () => {
    const t = bulkOn(deps.store);
    const parts: Held = {
      claims: new HeldClaims(memo, t),
      conversations: new HeldWrites(memo, (rows) => storeConversations(t, rows)),
      responses: new HeldWrites(memo, (rows) => insertResponseRows(t, rows)),
    };
    const all: BatchPart[] = Object.values(parts);
    return { ...parts, drop: (mo: number) => all.forEach((p) => p.drop(mo)), end: async () => { for (const p of all) await p.end(); } };
  });
}

/**
 * Claims an MO's re-delivery key (true: the first MO with it within the window). In a batch the stored claims of
 * every MO of the batch are read once and the claim is written at its end.
 */
export async function claimKey(deps: Deps, db: Db, mo: { tenantId: string; address: string; phone: string; text: string; inboundId: string; receivedAt: string }, windowMs: number): Promise<boolean> {
  const key = moKey(mo.tenantId, mo.address, mo.phone, mo.text);
  const memo = batchMemo(deps);
  const stored = memo && await memo.get(`claims:${mo.tenantId}`, async () => {
    const keys = new Set(memo.mos.map((m, i) => moKey(mo.tenantId, destinationDigits(m.to), memo.phones[i], m.text)));
    return { keys, found: await moClaims(bulkOn(deps.store, db), [...keys]) };
  });
  if (!memo || !stored?.keys.has(key)) return claimMo(db, key, mo.inboundId, mo.receivedAt, windowMs);
  const claims = held(memo, deps).claims;
  const prior = claims.last(key) ?? stored.found.get(key);
  const cutoff = new Date(new Date(mo.receivedAt).getTime() - windowMs).toISOString();
  if (prior && prior.at >= cutoff) return false;
  claims.hold({ key, inbound_id: mo.inboundId, at: mo.receivedAt });
  return true;
}

/** Stores a new conversation (in a batch: at its end). */
export async function keepNewConversation(deps: Deps, db: Db, row: ServiceConversationsTable): Promise<void> {
  const memo = batchMemo(deps);
  if (memo) held(memo, deps).conversations.hold(row, [row.phone]);
  else await insertConversation(db, row);
}

/** In a batch, holds a conversation's whole next row (its revision already bumped) for the batch's end. */
export function keepConversationRow(deps: Deps, row: ServiceConversationsTable): void {
  const memo = batchMemo(deps);
  if (!memo) throw new Error('a conversation row is held only in a batch');
  held(memo, deps).conversations.hold(row, [row.phone]);
}

/** Stores an MO's response rows (in a batch: at its end). */
export async function keepResponses(deps: Deps, db: Db, rows: ServiceResponsesTable[]): Promise<void> {
  const memo = batchMemo(deps);
  if (!memo) return insertResponseRows(bulkOn(deps.store, db), rows);
  const responses = held(memo, deps).responses;
  for (const r of rows) responses.hold(r, [r.phone]);
}

/** Writes what the batch holds of a number's conversations or responses, before they are read or changed directly. */
export async function storeHeldOf(deps: Deps, phone: string): Promise<void> {
  const memo = batchMemo(deps);
  if (!memo) return;
  const h = held(memo, deps);
  if (h.conversations.holdsTo(phone)) await h.conversations.end();
  if (h.responses.holdsTo(phone)) await h.responses.end();
}

/**
 * A service's own write for the end of the batch (`ServiceContext.writeLater`): items of one `kind` are written
 * together by the `write` given with the kind's first item; outside a batch, at once.
 */
export async function writeLater<T>(deps: Deps, db: Db, phone: string, kind: string, write: (db: Db, items: T[]) => Promise<void>, item: T): Promise<void> {
  const memo = batchMemo(deps);
  if (!memo) return write(db, [item]);
  memo.part(`later:${kind}`, () => new HeldWrites<T>(memo, (items) => write(db, items))).hold(item, [phone]);
}
