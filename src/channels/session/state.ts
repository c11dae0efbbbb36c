// Channel health from its bind pool, and the tracking of inbound stores a channel must see settled before it unbinds.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChannelState } from '../channel.ts';
import type { BindPool, PoolMember } from './pool.ts';

/** A channel's state from its pool: bound when any bind is up, else down with the last failure, or still connecting. */
export function poolState<M extends PoolMember>(pool: BindPool<M>, binds: number, stopped: boolean): ChannelState {
  const base = { binds, boundBinds: pool.bound };
  if (stopped) return { state: 'stopped', ...base };
  if (base.boundBinds > 0) return { state: 'bound', ...base };
  const err = pool.lastError;
  return err ? { state: 'down', reason: err.message, ...base } : { state: 'connecting', ...base };
}

/** Emits a state only when it differs from the last one emitted. */
export class StateChanges {
  private last = '';

  /** True when `s` differs from the state seen last (and remembers it). */
  changed(s: ChannelState): boolean {
    const key = `${s.state}|${s.boundBinds}|${s.reason ?? ''}`;
    if (key === this.last) return false;
    this.last = key;
    return true;
  }
}

/** Inbound messages and parts handed to a sink and not yet stored: stop() acknowledges them before unbinding. */
export class PendingStores {
  private readonly storing = new Set<Promise<void>>();

  /** Tracks a store until it settles; returns it. */
  add(stored: Promise<void>): Promise<void> {
    this.storing.add(stored);
    const forget = () => { this.storing.delete(stored); };
    stored.then(forget, forget);
    return stored;
  }

  /** Waits (up to `timeoutMs`) for every store under way. */
  async settle(timeoutMs: number): Promise<void> {
    if (this.storing.size) await Promise.race([Promise.allSettled(this.storing), sleep(timeoutMs)]);
  }
}
