// Campaigns: create, pre-flight, start and the other state changes, list, and watch until done with progress events.
import type { Tidings } from './client.ts';
import { unwrap } from './client.ts';
import { paginate } from './pagination.ts';
import { wait } from './polling.ts';
import type { Campaign, CampaignInput, CampaignListItem, CampaignQuery, Preflight } from './types.ts';

/** One progress event of a watched campaign. */
export interface CampaignProgress {
  /** The campaign as last read, with its statistics. */
  campaign: Campaign;
  /** Recipients no longer waiting to be sent (total − queued). */
  processed: number;
  /** All recipients of the campaign. */
  total: number;
  /** Whether the campaign has stopped moving by itself (then this is the last event). */
  done: boolean;
}

/** Options of `watch`. */
export interface WatchOptions {
  /** Milliseconds between polls (default 1000). */
  intervalMs?: number;
  /** Also wait until no submitted message awaits its delivery receipt (default false). */
  receipts?: boolean;
  /** Stops watching: the iteration then throws the signal's reason. */
  signal?: AbortSignal;
}

/** Campaign states that do not change by themselves. */
const settled = new Set(['completed', 'cancelled', 'paused', 'draft']);

/** `tidings.campaigns`: the campaign life cycle. */
export class Campaigns {
  constructor(private readonly t: Tidings) {}

  /** Creates a draft campaign (audience, text or template, category, options). */
  async create(body: CampaignInput): Promise<Campaign> {
    return unwrap(await this.t.api.POST('/api/v1/campaigns', { body })) as Campaign;
  }

  /** A campaign with its statistics. */
  async get(id: string): Promise<Campaign> {
    return unwrap(await this.t.api.GET('/api/v1/campaigns/{id}', { params: { path: { id } } }));
  }

  /** Counts, exclusions by reason, segments and cost before sending. */
  async preflight(id: string): Promise<Preflight> {
    return unwrap(await this.t.api.POST('/api/v1/campaigns/{id}/preflight', { params: { path: { id } } }));
  }

  /** Starts now (or schedules, when the campaign has scheduleAt or cron); refused when the balance is short. */
  async start(id: string): Promise<Campaign> {
    return unwrap(await this.t.api.POST('/api/v1/campaigns/{id}/start', { params: { path: { id } } })) as Campaign;
  }

  /** Pauses a running campaign. */
  async pause(id: string): Promise<Campaign> {
    return unwrap(await this.t.api.POST('/api/v1/campaigns/{id}/pause', { params: { path: { id } } })) as Campaign;
  }

  /** Resumes a paused campaign. */
  async resume(id: string): Promise<Campaign> {
    return unwrap(await this.t.api.POST('/api/v1/campaigns/{id}/resume', { params: { path: { id } } })) as Campaign;
  }

  /** Cancels a campaign; queued messages are not sent. */
  async cancel(id: string): Promise<Campaign> {
    return unwrap(await this.t.api.POST('/api/v1/campaigns/{id}/cancel', { params: { path: { id } } })) as Campaign;
  }

  /** Every campaign, newest first, page by page (`pageSize` per request, default 100). */
  list(query: CampaignQuery & { pageSize?: number } = {}): AsyncGenerator<CampaignListItem, void, undefined> {
    const { pageSize = 100, ...filters } = query;
    return paginate(async (before) => {
      const r = unwrap(await this.t.api.GET('/api/v1/campaigns', { params: { query: { ...filters, limit: pageSize, before } } }));
      return { items: r.campaigns, next: r.next };
    });
  }

  /**
   * Polls a campaign and yields a progress event whenever its state or counts change, ending with the event whose
   * `done` is true: completed, cancelled, paused or still a draft (and, with `receipts`, no receipt outstanding).
   */
  async *watch(id: string, options: WatchOptions = {}): AsyncGenerator<CampaignProgress, Campaign, undefined> {
    const intervalMs = options.intervalMs ?? 1000;
    let last = '';
    while (true) {
      const campaign = await this.get(id);
      const stats = campaign.stats;
      const total = stats?.total ?? 0;
      const processed = stats ? stats.total - stats.queued : 0;
      const done = settled.has(campaign.status) && (!options.receipts || !stats || stats.awaitingReceipt === 0);
      const key = JSON.stringify([campaign.status, stats]);
      if (key !== last || done) yield { campaign, processed, total, done };
      last = key;
      if (done) return campaign;
      await wait(intervalMs, options.signal);
    }
  }

  /** Watches a campaign to the end, calling `onProgress` for each event; answers the campaign as it ended. */
  async waitUntilDone(id: string, options: WatchOptions & { onProgress?: (p: CampaignProgress) => void } = {}): Promise<Campaign> {
    const events = this.watch(id, options);
    while (true) {
      const next = await events.next();
      if (next.done) return next.value;
      options.onProgress?.(next.value);
    }
  }
}
