// Clicks on tracked links, gathered in memory and written in batches: the redirect never waits for the database.
import type { LinksTable } from '../store/database.ts';
import type { Store } from '../store/dialect.ts';
import { recordClicks, type NewClick } from '../store/repos/links.ts';
import { enqueueWebhookEvents, type WebhookEvent } from '../store/repos/webhooks.ts';

/** When a batch is written: `flushMs` after its first click or once `maxBatch` clicks wait; `maxPending` bounds memory. */
export interface ClickBufferLimits { flushMs: number; maxBatch: number; maxPending: number }

/**
 * Group commit for clicks. A click is answered (redirected) at once and written with the others of its window in one
 * transaction: its `link_clicks` row and, for a person (not a bot), its `link.clicked` webhook event. What a crash
 * can lose is at most one window of click records (`flushMs`, at most `maxBatch` clicks), never a redirect. When
 * `maxPending` clicks wait (the database is slower than the clicks), a click waits for the write in progress before
 * it is answered, so memory stays bounded; a failed write keeps its clicks for the next one.
 */
export class ClickBuffer {
  private pending: { click: NewClick; event: WebhookEvent | null }[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> | null = null;

  constructor(
    private readonly store: Store,
    private readonly log: { error(obj: object, msg: string): void },
    private readonly limits: ClickBufferLimits = { flushMs: 20, maxBatch: 250, maxPending: 20_000 },
  ) {}

  /** Records one open of a link; resolves at once unless the buffer is full (then once the write in progress ends). */
  add(link: LinksTable, click: Omit<NewClick, 'link'>): Promise<void> | undefined {
    const event: WebhookEvent | null = click.bot ? null : {
      tenantId: link.tenant_id, event: 'link.clicked',
      payload: { code: link.code, url: link.url, campaignId: link.campaign_id, messageId: link.message_id, to: link.phone, at: click.at },
    };
    this.pending.push({ click: { ...click, link }, event });
    if (this.pending.length >= this.limits.maxBatch) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.limits.flushMs);
    if (this.pending.length >= this.limits.maxPending) return this.writing ?? this.flush();
    return undefined;
  }

  /** Writes every click recorded so far (after the write in progress); stats read after it see them. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.pending.length) return;
    const batch = this.pending.splice(0, this.pending.length);
    this.writing = this.write(batch).finally(() => { this.writing = null; });
    await this.writing;
  }

  /** Writes what waits and stops the timer (server shutdown). */
  async close(): Promise<void> {
    await this.flush();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Clicks waiting to be written (for tests and metrics). */
  get size(): number {
    return this.pending.length;
  }

  private async write(batch: { click: NewClick; event: WebhookEvent | null }[]): Promise<void> {
    try {
      await this.store.db.transaction().execute(async (trx) => {
        await recordClicks({ db: trx, dialect: this.store.dialect, sqlite: this.store.sqlite }, batch.map((b) => b.click));
        const events = batch.flatMap((b) => (b.event ? [b.event] : []));
        if (events.length) await enqueueWebhookEvents(trx, events, new Date());
      });
    } catch (err) {
      this.log.error({ err, clicks: batch.length }, 'links: writing clicks failed; kept for the next write');
      this.pending.unshift(...batch);
      // a database down for long: the oldest clicks go rather than the node's memory
      const over = this.pending.length - this.limits.maxPending * 5;
      if (over > 0) this.log.error({ dropped: this.pending.splice(0, over).length }, 'links: clicks dropped, the database refused them too long');
      this.timer ??= setTimeout(() => void this.flush(), this.limits.flushMs * 10);
    }
  }
}
