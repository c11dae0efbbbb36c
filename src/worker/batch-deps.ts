// A node's dependencies bound to one open transaction, for routing a batch of MO with one commit: the code that
// routes one MO runs unchanged on them, its own transactions becoming savepoints.
import type { Transaction } from 'kysely';
import type { Deps } from '../deps.ts';
import type { Database } from '../store/database.ts';
import { nestable } from '../store/nested.ts';

const roots = new WeakMap<Deps, Deps>();

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
export function batchDeps(deps: Deps, trx: Transaction<Database>, woken: { dispatcher: boolean }): Deps {
  const router = Object.create(deps.router, { refresh: { value: async () => undefined } }) as Deps['router'];
  const bound: Deps = {
    ...deps, store: { ...deps.store, db: nestable(trx) }, router, dispatcher: undefined, wakeDispatcher: () => { woken.dispatcher = true; },
  };
  roots.set(bound, deps);
  return bound;
}
