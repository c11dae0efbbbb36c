import type { Deps } from '../deps.ts';
import type { Channel, ChannelLogEntry, InboundMessage, InboundPart, Receipt } from '../channels/channel.ts';
import { createChannel } from '../channels/registry.ts';
import { dropChannelState, listChannels, reportChannelState, type ChannelRecord } from '../store/repos/channels.ts';
import { announceNode, holdBinds, releaseBinds, retireNode } from '../store/repos/channel-binds.ts';
import { isDeadLocalNode, newNodeName } from './node-name.ts';

/** What the manager does with what channels report; receipts and inbound messages resolve once stored. */
export interface ChannelHandlers {
  receipt(channelId: string, r: Receipt): Promise<void>;
  inbound(channelId: string, m: InboundMessage): Promise<void>;
  /** Stores one part of a long inbound message (joined by the handler, whichever node the other parts reach). */
  part(channelId: string, p: InboundPart): Promise<void>;
  log(channelId: string, e: ChannelLogEntry): void;
}

interface Running { record: ChannelRecord; channel: Channel; binds: number; total: number }

const pollMs = 3000;

/** The number of binds a channel's config asks for in total (across every worker node). */
function bindsOf(record: ChannelRecord): number {
  const n = Number(record.config.binds ?? 1);
  return Number.isInteger(n) && n >= 1 ? n : 1;
}

/** This node's part of a channel's TPS: its share of the binds (0 = unlimited). */
function tpsShare(record: ChannelRecord, binds: number, total: number): number {
  const tps = Number(record.config.tps ?? 0);
  return tps > 0 ? (tps * binds) / total : 0;
}

/** Settings a running channel takes in place (resize), without dropping its binds. */
const inPlace = new Set(['binds', 'tps']);

/** Whether two versions of a channel differ in their number of binds and TPS at most (so a running channel can be resized). */
function sameButSize(a: ChannelRecord, b: ChannelRecord): boolean {
  const rest = (r: ChannelRecord) => JSON.stringify([r.name, r.type, Object.entries(r.config).filter(([k]) => !inPlace.has(k)).sort(([x], [y]) => (x < y ? -1 : 1))]);
  return rest(a) === rest(b);
}

/**
 * Runs the enabled channels of the database on this worker, follows config changes, and reports state. Worker nodes
 * share each channel's binds: every node announces itself, takes an even share of the bind slots under a lease, and
 * opens only those (with the same share of the channel's TPS), so the carrier sees the configured number of binds.
 */
export class ChannelManager {
  /** This node's name in the bind leases. */
  readonly node = newNodeName();
  private readonly running = new Map<string, Running>();
  /** When the bind leases were last renewed (ms). */
  private renewedAt = 0;
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

  /**
   * How many parts this node's binds of a channel keep on the wire at most: the configured window per bind (10 when
   * the config gives none, the smallest protocol default) times the binds it holds; 0 when it does not run the channel.
   */
  windowOf(id: string): number {
    const run = this.running.get(id);
    if (!run) return 0;
    const window = Number(run.record.config.window);
    return (Number.isInteger(window) && window >= 1 ? window : 10) * run.binds;
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
    const now = deps.now();
    const leaseMs = Math.max(deps.config.leaseSeconds * 1000, 3 * pollMs);
    try {
      const db = deps.store.db;
      const at = now.toISOString();
      const until = new Date(now.getTime() + leaseMs).toISOString();
      // renewing comes first: closing channels below may take a while, and the leases must not lapse meanwhile
      const nodes = await announceNode(db, this.node, at, until, isDeadLocalNode);
      this.renewedAt = now.getTime();
      const records = await listChannels(db);
      const wanted = new Map(records.filter((r) => r.enabled).map((r) => [r.id, r]));
      await Promise.all([...this.running].filter(([id]) => !wanted.has(id)).map(async ([id, run]) => {
        await this.close(id, run);
        await releaseBinds(db, this.node, id);
        await dropChannelState(db, this.node, at, id);
      }));
      await Promise.all([...wanted].map(async ([id, record]) => {
        const total = bindsOf(record);
        const share = Math.ceil(total / nodes);
        const slots = await holdBinds(db, { channelId: id, node: this.node, total, share, now: at, until });
        const binds = Math.min(slots.length, share);
        const run = this.running.get(id);
        if (run && binds > 0 && run.channel.resize && sameButSize(run.record, record)) await this.resize(run, record, binds, total);
        else if (run && (run.record.updatedAt !== record.updatedAt || run.binds !== binds)) await this.close(id, run);
        if (slots.length > binds) await releaseBinds(db, this.node, id, slots.slice(binds));
        if (run && binds === 0) await dropChannelState(db, this.node, at, id);
        if (binds > 0 && !this.running.has(id)) this.launch(record, binds, total);
      }));
      for (const run of this.running.values()) {
        const s = run.channel.state();
        const counters = run.channel.counters();
        deps.metrics.channelState.set({ channel: run.record.name }, s.state === 'bound' ? 1 : 0);
        for (const [k, v] of Object.entries(counters)) deps.metrics.channelCounter.set({ channel: run.record.name, counter: k }, v);
        await reportChannelState(db, run.record.id, this.node, { state: s.state, reason: s.reason ?? null, counters: { ...counters, binds: s.binds, boundBinds: s.boundBinds } }, at);
      }
    } catch (err) {
      deps.log.error({ err }, 'channel sync failed');
      // Without renewed leases another node may take these binds soon: close them first, so the carrier never sees
      // more than the configured number (they reopen once the database answers again).
      if (this.running.size && now.getTime() - this.renewedAt > leaseMs - pollMs) {
        deps.log.error('bind leases could not be renewed: closing this node\'s binds until the database answers');
        await Promise.all([...this.running].map(([id, run]) => this.close(id, run)));
      }
    }
  }

  /** Changes a running channel's binds and TPS in place (removed binds drained and unbound before it returns), or restarts it when that fails. */
  private async resize(run: Running, record: ChannelRecord, binds: number, total: number): Promise<void> {
    const changed = run.binds !== binds || run.total !== total || tpsShare(run.record, run.binds, run.total) !== tpsShare(record, binds, total);
    run.record = record;
    if (!changed) return;
    // while removed binds drain, the dispatcher's gate counts only the binds that stay
    run.binds = Math.min(run.binds, binds);
    try {
      await run.channel.resize!(binds, tpsShare(record, binds, total));
      run.binds = binds;
      run.total = total;
      this.deps.log.info({ channel: record.name, binds, tps: tpsShare(record, binds, total) }, 'channel binds and TPS changed in place');
    } catch (err) {
      this.deps.log.warn({ err, channel: record.name }, 'resizing the binds failed: restarting the channel');
      await this.close(record.id, run);
    }
  }

  /** Stops a running channel (draining what is in flight) and forgets it. */
  private async close(id: string, run: Running): Promise<void> {
    this.running.delete(id);
    this.deps.metrics.channelState.set({ channel: run.record.name }, 0);
    await run.channel.stop().catch((err) => this.deps.log.warn({ err, channel: run.record.name }, 'channel stop failed'));
  }

  private launch(record: ChannelRecord, binds: number, total: number): void {
    const { deps, handlers } = this;
    const tps = tpsShare(record, binds, total);
    let channel: Channel;
    try {
      channel = createChannel({ ...record.config, name: record.name, type: record.type, binds, ...(tps > 0 && { tps }) });
    } catch (err) {
      deps.log.error({ channel: record.name, err: (err as Error).message }, 'channel config is invalid');
      void reportChannelState(deps.store.db, record.id, this.node, { state: 'down', reason: `invalid config: ${(err as Error).message}`, counters: {} }, deps.now().toISOString());
      return;
    }
    channel.setSink({ receipt: (r) => handlers.receipt(record.id, r), inbound: (m) => handlers.inbound(record.id, m), part: (p) => handlers.part(record.id, p) });
    channel.on('log', (e) => handlers.log(record.id, e));
    channel.on('state', (s) => deps.log.info({ channel: record.name, state: s.state, reason: s.reason }, 'channel state'));
    this.running.set(record.id, { record, channel, binds, total });
    channel.start().catch((err) => deps.log.warn({ channel: record.name, err: (err as Error).message }, 'channel could not bind yet'));
  }

  /** Stops every channel (draining in-flight parts). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.syncing;
    await Promise.all([...this.running.values()].map((r) => r.channel.stop().catch(() => undefined)));
    this.running.clear();
    await retireNode(this.deps.store.db, this.node, this.deps.now().toISOString()).catch((err) => this.deps.log.warn({ err }, 'giving back the bind leases failed'));
  }
}
