// Helpers for the channel tests of every protocol (imported only by *.test.ts).
import type { EventEmitter } from 'node:events';

/** Everything a channel emits as `event`, collected as it comes. */
export function collect<T>(channel: EventEmitter, event: 'receipt' | 'inbound'): T[] {
  const out: T[] = [];
  channel.on(event, (x: T) => out.push(x));
  return out;
}

/** Waits until `cond` holds, polling every 10 ms; throws after `ms`. */
export async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
