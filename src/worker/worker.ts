import type { Deps } from '../deps.ts';
import { ChannelManager } from './channels.ts';
import { Dispatcher, type DispatcherOptions } from './dispatcher.ts';
import { Effects, type RefundPolicy } from './effects.ts';
import { ReceiptWriter } from './receipts.ts';
import { Scheduler } from './scheduler.ts';
import { handleInbound } from './inbound.ts';
import { startPartSweeper, storeInboundPart } from './inbound-parts.ts';
import { startWebhookDelivery } from './webhooks.ts';
import { startHousekeeping } from './housekeeping.ts';
import { startStatisticsKeeper } from './statistics-keeper.ts';
import { findTenant } from '../store/repos/tenants.ts';
import { startServiceRounds } from '../services/engine.ts';
import { startPointsExpiry } from '../services/points/expiry.ts';
import { startAutomations } from '../automations/engine.ts';
import { warmAttribution } from '../domain/attribution.ts';

/** The background side of a node: channels, dispatch, receipts, campaigns, webhooks, inbound. */
export interface Worker { channels: ChannelManager; dispatcher: Dispatcher; scheduler: Scheduler; effects: Effects; stop(): Promise<void> }

/** Starts every background loop of a worker node. */
export async function startWorker(deps: Deps, opts: { dispatcher?: Partial<DispatcherOptions> } = {}): Promise<Worker> {
  warmAttribution();
  const policies = new Map<string, { at: number; policy: RefundPolicy }>();
  const effects = new Effects(deps, async (tenantId) => {
    const hit = policies.get(tenantId);
    if (hit && Date.now() - hit.at < 10_000) return hit.policy;
    const policy = ((await findTenant(deps.store.db, tenantId))?.settings.refundPolicy as RefundPolicy | undefined) ?? 'failed';
    policies.set(tenantId, { at: Date.now(), policy });
    return policy;
  });
  // the channels report to the receipt writer and the dispatcher, which need the channels: the closures run after start
  const receipts: ReceiptWriter = new ReceiptWriter(deps, () => dispatcher.flush(true));
  const channels: ChannelManager = new ChannelManager(deps, {
    receipt: (id, r) => receipts.receipt(id, r),
    log: (_id, e) => dispatcher.log(e),
    inbound: (id, m) => handleInbound(deps, id, m).catch((err) => {
      deps.log.error({ err, channel: id }, 'inbound message could not be stored; the carrier will retry');
      throw err;
    }),
    part: (id, p) => storeInboundPart(deps, id, p).catch((err) => {
      deps.log.error({ err, channel: id }, 'part of an inbound message could not be stored; the carrier will retry');
      throw err;
    }),
  });
  const dispatcher: Dispatcher = new Dispatcher(deps, channels, effects, { leaseMs: deps.config.leaseSeconds * 1000, ...opts.dispatcher });
  dispatcher.readFrom(receipts);
  const scheduler = new Scheduler(deps, effects, dispatcher);
  await channels.start();
  receipts.start();
  dispatcher.start();
  scheduler.start();
  const webhooks = startWebhookDelivery(deps);
  const housekeeping = startHousekeeping(deps);
  const statistics = startStatisticsKeeper(deps);
  const parts = startPartSweeper(deps);
  const services = startServiceRounds(deps);
  const pointsExpiry = startPointsExpiry(deps);
  const automations = startAutomations(deps);
  deps.wakeDispatcher = () => dispatcher.poke();
  deps.dispatcher = dispatcher;
  return {
    channels, dispatcher, scheduler, effects,
    async stop() {
      deps.wakeDispatcher = () => undefined;
      deps.dispatcher = undefined;
      housekeeping.stop();
      await statistics.stop();
      await parts.stop();
      await services.stop();
      await pointsExpiry.stop();
      await automations.stop();
      await scheduler.stop();
      await dispatcher.stop();
      await channels.stop();
      await receipts.stop();
      await webhooks.stop();
    },
  };
}
