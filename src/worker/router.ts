import type { Store } from '../store/dialect.ts';
import { listRoutes } from '../store/repos/routes.ts';
import { listChannels } from '../store/repos/channels.ts';
import { pickRoute, type Destination, type RouteRule } from '../domain/routing.ts';
import { countSegments } from '../domain/text.ts';
import { partCounter, type PartCounter } from '../channels/registry.ts';

const ttlMs = 2000;

/** Routes and channel health, cached for two seconds: picks the channel and price of each message. */
export class Router {
  private loaded = 0;
  private rules: RouteRule[] = [];
  private upChannels = new Set<string>();
  private byName = new Map<string, string>();
  private counters = new Map<string, PartCounter>();
  private loading: Promise<void> | null = null;

  constructor(private readonly store: Store) {}

  /** Reloads on the next use (after routes or channels change in this process). */
  invalidate(): void {
    this.loaded = 0;
  }

  /** Makes sure the cache is fresh. */
  async refresh(): Promise<void> {
    if (Date.now() - this.loaded < ttlMs) return;
    this.loading ??= (async () => {
      const [rules, channels] = await Promise.all([listRoutes(this.store.db), listChannels(this.store.db)]);
      this.rules = rules;
      this.upChannels = new Set(channels.filter((c) => c.enabled && c.state === 'bound').map((c) => c.id));
      this.byName = new Map(channels.map((c) => [c.name, c.id]));
      this.counters = new Map(channels.map((c) => [c.id, partCounter(c.type, c.config)]));
      this.loaded = Date.now();
    })().finally(() => { this.loading = null; });
    await this.loading;
  }

  /** The id of a channel by name (or id), or undefined. Call refresh() first. */
  channelId(nameOrId: string): string | undefined {
    return this.byName.get(nameOrId) ?? ([...this.byName.values()].includes(nameOrId) ? nameOrId : undefined);
  }

  /** Segments (billed) of a text on a channel: the parts that channel's protocol sends it in. Call refresh() first. */
  segments(channelId: string, text: string): number {
    return (this.counters.get(channelId) ?? countSegments)(text);
  }

  /** The route for a destination (failover to a channel that is up). Call refresh() first. */
  route(d: Destination, pinnedChannelId?: string | null): RouteRule | undefined {
    return pickRoute(this.rules, d, (id) => this.upChannels.has(id), pinnedChannelId);
  }
}
