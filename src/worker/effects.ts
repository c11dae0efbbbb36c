import type { Deps } from '../deps.ts';
import type { MessageEffect } from '../store/repos/messages.ts';
import { enqueueWebhookEvents } from '../store/repos/webhooks.ts';
import { moveBalance } from '../store/repos/billing.ts';

/** Refund policy: a message that never reached the carrier (rejected, failed) is refunded; with `undelivered`, also those the carrier could not deliver. */
export type RefundPolicy = 'failed' | 'undelivered' | 'never';

const neverReached = new Set(['failed', 'rejected', 'excluded']);
const undelivered = new Set(['undelivered', 'expired']);

/** A listener for finished messages (the scheduler watches failure rates to pause campaigns). */
export type OutcomeListener = (effects: MessageEffect[]) => void;

/** What follows a message's final state: `message.status` webhooks, refunds by policy, and listeners. */
export class Effects {
  private readonly listeners: OutcomeListener[] = [];

  constructor(private readonly deps: Deps, private readonly refundPolicy: (tenantId: string) => Promise<RefundPolicy>) {}

  /** Adds a listener for finished messages. */
  onFinished(fn: OutcomeListener): void {
    this.listeners.push(fn);
  }

  /** Counts submits for metrics. */
  submitted(n: number): void {
    this.deps.metrics.messages.inc({ status: 'submitted' }, n);
  }

  /** Handles messages that reached a final status. */
  async finished(effects: MessageEffect[]): Promise<void> {
    const { deps } = this;
    const done = effects.filter((e) => e.final);
    const counts = new Map<string, number>();
    for (const e of done) counts.set(e.status, (counts.get(e.status) ?? 0) + 1);
    for (const [status, n] of counts) deps.metrics.messages.inc({ status }, n);
    await enqueueWebhookEvents(deps.store.db, done.map((e) => ({
      tenantId: e.tenantId, event: 'message.status',
      payload: { id: e.id, to: e.phone, status: e.status, campaignId: e.campaignId, segments: e.segments, error: e.error, carrierStat: e.stat, doneAt: e.doneAt },
    })), deps.now());
    const refunds = new Map<string, { amount: bigint; campaignId: string | null; count: number }>();
    for (const e of done) {
      if (e.price === 0n || !(neverReached.has(e.status) || undelivered.has(e.status))) continue;
      // A message excluded at the last moment (the carrier says the number opted out) was never sent: always released.
      const policy = e.status === 'excluded' ? 'failed' : await this.refundPolicy(e.tenantId);
      if (policy === 'never' || (undelivered.has(e.status) && policy !== 'undelivered')) continue;
      const key = `${e.tenantId}\u0000${e.campaignId ?? ''}`;
      const r = refunds.get(key) ?? { amount: 0n, campaignId: e.campaignId, count: 0 };
      r.amount += e.price; r.count++;
      refunds.set(key, r);
    }
    const at = deps.now().toISOString();
    for (const [key, r] of refunds) {
      await moveBalance(deps.store.db, key.split('\u0000')[0], r.amount, { kind: 'refund', campaignId: r.campaignId, note: `${r.count} message(s) not delivered` }, at);
    }
    for (const fn of this.listeners) fn(done);
  }
}
