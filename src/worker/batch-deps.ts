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

  /** @param phones the senders of the batch's MO, for reads of every sender at once */
  constructor(readonly phones: string[]) {}

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
