// A node's dependencies bound to one open transaction, for routing a batch of MO with one commit: the code that
// routes one MO runs unchanged on them, its own transactions becoming savepoints.
import type { Transaction } from 'kysely';
import type { Deps } from '../deps.ts';
import type { Database } from '../store/database.ts';
import { nestable } from '../store/nested.ts';

const roots = new WeakMap<Deps, Deps>();
const memos = new WeakMap<Deps, BatchMemo>();

/** Work a batch keeps for its end (writes gathered over its MO): dropped for an MO that failed, written before the commit. */
export interface BatchPart {
  /** Forgets what the MO numbered `mo` left (its savepoint rolled back). */
  drop(mo: number): void;
  /** Writes what waits, inside the batch's transaction. */
  end(): Promise<void>;
}

/** What one batch reads once and shares between its MO (its senders, reads no other MO of it changes) and writes at its end. */
export class BatchMemo {
  private readonly values = new Map<string, Promise<unknown>>();
  private readonly parts = new Map<string, BatchPart>();
  /** Senders whose MO were routed already in this batch (what was read for them before may have changed). */
  readonly routed = new Set<string>();
  /** The number of the MO being routed. */
  mo = 0;
  /** What runs once the batch has committed (never when it rolls back). */
  readonly committed: Array<() => void> = [];

  /**
   * @param phones the senders of the batch's MO, for reads of every sender at once
   * @param mos where each of them went and what it said (same order), for reads keyed by the whole MO
   */
  constructor(readonly phones: string[], readonly mos: ReadonlyArray<{ to: string; text: string }> = []) {}

  /** The value of `key`, loaded once per batch. */
  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    let hit = this.values.get(key) as Promise<T> | undefined;
    if (!hit) this.values.set(key, hit = load());
    return hit;
  }

  /** The part of the batch under `key`, made on first use. */
  part<T extends BatchPart>(key: string, make: () => T): T {
    let hit = this.parts.get(key) as T | undefined;
    if (!hit) this.parts.set(key, hit = make());
    return hit;
  }

  /** Forgets what MO number `mo` left in every part. */
  drop(mo: number): void {
    for (const p of this.parts.values()) p.drop(mo);
  }

  /** Writes every part's waiting work. */
  async end(): Promise<void> {
    for (const p of this.parts.values()) await p.end();
  }
}

/**
 * Writes held for a batch's end, each left by one MO and concerning some numbers. Written early (before a read of a
 * number that must see them) during an MO whose savepoint then rolls back, the other MO's writes are held again.
 */
export class HeldWrites<T> implements BatchPart {
  private held: Array<{ mo: number; phones: string[]; item: T }> = [];
  /** Written before the batch's end, with the MO they were written in. */
  private written: Array<{ mo: number; phones: string[]; item: T; writtenIn: number }> = [];

  /** @param write writes items in the batch's transaction; @param dropped runs after an MO's writes are dropped */
  constructor(private readonly memo: BatchMemo, private readonly write: (items: T[]) => Promise<void>, private readonly dropped: () => void = () => undefined) {}

  /** Holds an item of the MO being routed. */
  hold(item: T, phones: string[]): void {
    this.held.push({ mo: this.memo.mo, phones, item });
  }

  /** The items held now. */
  items(): T[] {
    return this.held.map((h) => h.item);
  }

  /** Whether an item concerning this number is held. */
  holdsTo(phone: string): boolean {
    return this.held.some((h) => h.phones.includes(phone));
  }

  drop(mo: number): void {
    const undone = this.written.filter((w) => w.writtenIn === mo && w.mo !== mo).map(({ mo: m, phones, item }) => ({ mo: m, phones, item }));
    this.written = this.written.filter((w) => w.writtenIn !== mo);
    this.held = [...undone, ...this.held.filter((h) => h.mo !== mo)];
    this.dropped();
  }

  async end(): Promise<void> {
    const held = this.held;
    if (!held.length) return;
    this.held = [];
    for (const h of held) this.written.push({ ...h, writtenIn: this.memo.mo });
    await this.write(held.map((h) => h.item));
  }
}

/** The memo of the batch these dependencies route, or undefined outside a batch. */
export function batchMemo(deps: Deps): BatchMemo | undefined {
  return memos.get(deps);
}

/** `load()` once per batch under `key` (every time outside a batch). */
export function onceInBatch<T>(deps: Deps, key: string, load: () => Promise<T>): Promise<T> {
  const memo = memos.get(deps);
  return memo ? memo.get(key, load) : load();
}

/** The dependencies as the node built them (caches live there, not in one batch's copy). */
export function rootDeps(deps: Deps): Deps {
  return roots.get(deps) ?? deps;
}

/** Whether these dependencies run inside a batch transaction (where slow outside work must not happen). */
export function inBatch(deps: Deps): boolean {
  return roots.has(deps);
}

/** Thrown by work that must not hold a batch transaction open (a network call): that MO is routed on its own. */
export class OutsideBatch extends Error {}

/**
 * `deps` over one transaction: inner transactions are savepoints, messages queued in it are left to the dispatcher's
 * claim loop (woken once the batch commits, never handed over uncommitted), routes are not reloaded inside it.
 */
export function batchDeps(deps: Deps, trx: Transaction<Database>, woken: { dispatcher: boolean }, memo: BatchMemo): Deps {
  const router = Object.create(deps.router, { refresh: { value: async () => undefined } }) as Deps['router'];
  const bound: Deps = {
    ...deps, store: { ...deps.store, db: nestable(trx) }, router, dispatcher: undefined, wakeDispatcher: () => { woken.dispatcher = true; },
  };
  roots.set(bound, deps);
  memos.set(bound, memo);
  return bound;
}
