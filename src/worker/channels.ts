import type { Deps } from '../deps.ts';
import type { Channel, ChannelLogEntry, InboundMessage, Receipt } from '../channels/channel.ts';
import { createChannel } from '../channels/registry.ts';
import { listChannels, reportChannelState, type ChannelRecord } from '../store/repos/channels.ts';

/** What the manager does with what channels report; receipts and inbound messages resolve once stored. */
export interface ChannelHandlers {
  receipt(channelId: string, r: Receipt): Promise<void>;
  inbound(channelId: string, m: InboundMessage): Promise<void>;
  log(channelId: string, e: ChannelLogEntry): void;
}

interface Running { record: ChannelRecord; channel: Channel }

const pollMs = 3000;

/** Runs every enabled channel of the database on this worker, follows config changes, and reports state. */
export class ChannelManager {
  private readonly running = new Map<string, Running>();
  private timer: NodeJS.Timeout | null = null;
  private syncing: Promise<void> | null = null;

  constructor(private readonly deps: Deps, private readonly handlers: ChannelHandlers) {}

  /** Starts the channels and the periodic sync. */
  async start(): Promise<void> {
    await this.sync();
    this.timer = setInterval(() => { void this.sync(); }, pollMs);
    this.timer.unref();
  }

  /** Ids of channels with at least one bind up. */
  upIds(): string[] {
    return [...this.running.values()].filter((r) => r.channel.state().state === 'bound').map((r) => r.record.id);
  }

  /** The running channel with this id. */
  get(id: string): Channel | undefined {
    return this.running.get(id)?.channel;
  }

  /** Reads the channel table and starts, restarts or stops channels to match it; reports state. */
  async sync(): Promise<void> {
    this.syncing ??= this.doSync().finally(() => { this.syncing = null; });
    return this.syncing;
  }

  private async doSync(): Promise<void> {
    const { deps } = this;
    try {
      const records = await listChannels(deps.store.db);
      const wanted = new Map(records.filter((r) => r.enabled).map((r) => [r.id, r]));
      for (const [id, run] of this.running) {
        const next = wanted.get(id);
        if (!next || next.updatedAt !== run.record.updatedAt) {
          this.running.delete(id);
          await run.channel.stop().catch((err) => deps.log.warn({ err, channel: run.record.name }, 'channel stop failed'));
          if (!next) await reportChannelState(deps.store.db, id, { state: 'stopped', reason: null, counters: {} }, deps.now().toISOString()).catch(() => undefined);
        }
      }
      for (const [id, record] of wanted) if (!this.running.has(id)) this.launch(record);
      for (const run of this.running.values()) {
        const s = run.channel.state();
        const counters = run.channel.counters();
        deps.metrics.channelState.set({ channel: run.record.name }, s.state === 'bound' ? 1 : 0);
        for (const [k, v] of Object.entries(counters)) deps.metrics.channelCounter.set({ channel: run.record.name, counter: k }, v);
        await reportChannelState(deps.store.db, run.record.id, { state: s.state, reason: s.reason ?? null, counters: { ...counters, binds: s.binds, boundBinds: s.boundBinds } }, deps.now().toISOString());
      }
    } catch (err) {
      deps.log.error({ err }, 'channel sync failed');
    }
  }

  private launch(record: ChannelRecord): void {
    const { deps, handlers } = this;
    let channel: Channel;
    try {
      channel = createChannel({ ...record.config, name: record.name, type: record.type });
    } catch (err) {
      deps.log.error({ channel: record.name, err: (err as Error).message }, 'channel config is invalid');
      void reportChannelState(deps.store.db, record.id, { state: 'down', reason: `invalid config: ${(err as Error).message}`, counters: {} }, deps.now().toISOString());
      return;
    }
    channel.setSink({ receipt: (r) => handlers.receipt(record.id, r), inbound: (m) => handlers.inbound(record.id, m) });
    channel.on('log', (e) => handlers.log(record.id, e));
    channel.on('state', (s) => deps.log.info({ channel: record.name, state: s.state, reason: s.reason }, 'channel state'));
    this.running.set(record.id, { record, channel });
    channel.start().catch((err) => deps.log.warn({ channel: record.name, err: (err as Error).message }, 'channel could not bind yet'));
  }

  /** Stops every channel (draining in-flight parts). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.syncing;
    await Promise.all([...this.running.values()].map((r) => r.channel.stop().catch(() => undefined)));
    this.running.clear();
  }
}
