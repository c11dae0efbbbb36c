import type { Deps } from '../deps.ts';
import type { Effects } from './effects.ts';
import type { Dispatcher } from './dispatcher.ts';
import { handStored, leaseTo, Preparer, storePrepared, type Recipient, type SendSpec } from './outbox.ts';
import { failedStatuses, type Cursor } from '../domain/campaigns.ts';
import { defaultAutoPause } from '../domain/auto-pause.ts';
import { nextCronTime, parseSendWindows, type FrequencyCap } from '../domain/compliance.ts';
import { checkContent, type Category } from '../domain/templates.ts';
import { DomainError } from '../domain/errors.ts';
import type { MessageEffect } from '../store/repos/messages.ts';
import {
  CampaignStopped, campaignsToWork, createCampaign, getCampaign, hasQueued, holdCampaignMessages, leaseCampaign, releaseCampaign, saveCursor, setCampaignStatus, type Campaign,
} from '../store/repos/campaigns.ts';
import { audienceFilter, countAudience } from './audience.ts';
import type { ContactFilter } from '../store/repos/contacts.ts';
import { audienceTables, contactPage } from '../store/repos/recipients.ts';
import { refreshStatistics } from '../store/statistics.ts';
import { findTenant } from '../store/repos/tenants.ts';
import { getTemplateForSending } from '../store/repos/templates.ts';
import { cronZone } from '../domain/tenants.ts';
import { checkSignatures } from '../store/repos/signatures.ts';
import { checkMarketing } from '../store/repos/complaints.ts';

const tickMs = 250;
const batchSize = 5000;
const sliceMs = 400;

/**
 * How a campaign's recipients become messages: its tenant, its text (template or inline, checked against the content
 * policy), its send windows and its frequency cap (its own, else the tenant's defaults). Shared by materialisation and
 * pre-flight, so a start (which runs the pre-flight) and every run check it.
 */
export async function campaignSpec(deps: Deps, c: Campaign): Promise<SendSpec> {
  const db = deps.store.db;
  const tenant = await findTenant(db, c.tenantId);
  if (!tenant) throw new DomainError('not_found', 'tenant not found');
  const template = c.templateId ? await getTemplateForSending(db, c.tenantId, c.templateId) : undefined;
  // checked at every run: the template, or what the operator allows, may have changed since the campaign was written
  checkContent(c.category as Category, template, tenant.settings);
  await checkMarketing(db, c.tenantId, c.category);
  await checkSignatures(db, c.tenantId, tenant.settings.signature, [template?.text ?? c.text]);
  return {
    tenant, category: c.category as Category, text: template?.text ?? c.text!, campaignId: c.id, channel: c.channel, sender: null,
    notBefore: c.scheduleAt ? new Date(c.scheduleAt) : null,
    windows: parseSendWindows(c.options.sendWindows ?? tenant.settings.sendWindows),
    cap: c.options.frequencyCap ?? (tenant.settings.frequencyCap as FrequencyCap | null | undefined) ?? null,
  };
}

/** Pauses a running or scheduled campaign with a reason and holds its queued messages; false when it was in another state. */
export async function pauseCampaign(deps: Deps, c: Pick<Campaign, 'id' | 'tenantId'>, reason: string): Promise<boolean> {
  const now = deps.now().toISOString();
  if (!await setCampaignStatus(deps.store.db, c.tenantId, c.id, ['running', 'scheduled'], 'paused', { pauseReason: reason }, now)) return false;
  await holdCampaignMessages(deps.store.db, c.id);
  deps.log.warn({ campaign: c.id, reason }, 'campaign paused');
  return true;
}

/** The campaign engine: starts due campaigns, materialises audiences in batches with a cursor, completes and auto-pauses. */
export class Scheduler {
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private stopped = false;
  /** A campaign's slice ended with recipients left: the next tick follows at once. */
  private more = false;
  private readonly preparers = new Map<string, { preparer: Preparer; filter: ContactFilter | null }>();
  private readonly outcomes = new Map<string, boolean[]>();
  private readonly checked = new Map<string, number>();

  /** `dispatcher`: this worker's, which takes freshly stored due messages directly (stored already leased to it). */
  constructor(private readonly deps: Deps, effects: Effects, private readonly dispatcher: Dispatcher) {
    effects.onFinished((e) => this.track(e));
  }

  /** Starts the periodic tick. */
  start(): void {
    this.schedule(tickMs);
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => {
      this.more = false;
      this.ticking = this.tick().finally(() => {
        this.ticking = null;
        if (!this.stopped) this.schedule(this.more ? 0 : tickMs);
      });
    }, ms);
  }

  /** Stops ticking and waits for the current tick. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.ticking;
  }

  /** One pass over the campaigns that need work. */
  async tick(): Promise<void> {
    const { deps } = this;
    try {
      for (const c of await campaignsToWork(deps.store.db, deps.now().toISOString())) {
        try {
          await this.work(c);
        } catch (err) {
          deps.log.error({ err, campaign: c.id }, 'campaign step failed');
        }
      }
    } catch (err) {
      deps.log.error({ err }, 'scheduler tick failed');
    }
  }

  private async work(c: Campaign): Promise<void> {
    const { deps } = this;
    if (c.status === 'scheduled') await this.due(c);
    else if (!c.materialized) await this.materialize(c);
    else if (!await hasQueued(deps.store.db, c.id)) {
      const now = deps.now().toISOString();
      if (await setCampaignStatus(deps.store.db, c.tenantId, c.id, ['running'], 'completed', { completedAt: now }, now)) {
        this.preparers.delete(c.id);
        this.outcomes.delete(c.id);
        deps.log.info({ campaign: c.id }, 'campaign completed');
      }
    }
  }

  private async due(c: Campaign): Promise<void> {
    const { deps } = this;
    const now = deps.now();
    const iso = now.toISOString();
    if (!c.cron) {
      await setCampaignStatus(deps.store.db, c.tenantId, c.id, ['scheduled'], 'running', { startedAt: iso }, iso);
      return;
    }
    // A recurring campaign stays scheduled; each occurrence runs as a campaign of its own.
    const tenant = await findTenant(deps.store.db, c.tenantId);
    const zone = cronZone(c.options as { timezone?: string }, tenant?.settings);
    const next = nextCronTime(c.cron, now, zone);
    if (!await setCampaignStatus(deps.store.db, c.tenantId, c.id, ['scheduled'], next ? 'scheduled' : 'completed', { scheduleAt: next?.toISOString() ?? null, ...(next ? {} : { completedAt: iso }) }, iso)) return;
    const run = await createCampaign(deps.store.db, c.tenantId, { name: `${c.name} · ${iso.slice(0, 16).replace('T', ' ')}`, category: c.category, text: c.text, templateId: c.templateId, audience: c.audience, channel: c.channel, options: c.options, scheduleAt: null, cron: null }, iso);
    await setCampaignStatus(deps.store.db, c.tenantId, run.id, ['draft'], 'running', { startedAt: iso }, iso);
  }

  private async materialize(c: Campaign): Promise<void> {
    const { deps } = this;
    const db = deps.store.db;
    const started = Date.now();
    const nowIso = deps.now().toISOString();
    if (!await leaseCampaign(db, c.id, nowIso, new Date(Date.now() + deps.config.leaseSeconds * 1000).toISOString())) return;
    try {
      const { preparer, filter } = await this.preparerFor(c);
      const cursor: Cursor = { ...c.cursor };
      const numbers = c.audience.numbers ?? [];
      if (cursor.queued === 0 && cursor.intervalMs === 0) cursor.intervalMs = await this.pacing(c, filter);
      const start = c.startedAt ? new Date(c.startedAt).getTime() : Date.now();
      while (!cursor.done && Date.now() - started < sliceMs) {
        // While this worker can send, materialise no further ahead than its dispatcher takes (the rest of the slice
        // waits), and a batch no larger than it takes, so that every due message is handed over and none is claimed.
        const sending = this.dispatcher.upChannels().size > 0;
        const room = this.dispatcher.room();
        if (sending && room < Math.min(batchSize, this.dispatcher.opts.maxInFlight / 2)) {
          await new Promise((r) => setTimeout(r, 5));
          continue;
        }
        const size = sending ? Math.min(batchSize, room) : batchSize;
        let recipients: Recipient[];
        const next: Cursor = { ...cursor };
        if (next.numbers < numbers.length) {
          recipients = numbers.slice(next.numbers, next.numbers + size).map((n) => (typeof n === 'string' ? { phone: n } : { phone: n.phone, vars: n }));
          next.numbers += recipients.length;
          next.done = next.numbers >= numbers.length && !filter;
        } else if (filter) {
          const page = await contactPage(db, c.tenantId, filter, next.after, size);
          recipients = page.map((x) => ({ phone: x.phone, contactId: x.id, contact: x }));
          if (page.length) next.after = page[page.length - 1].id;
          next.done = page.length < size;
        } else {
          recipients = [];
          next.done = true;
        }
        const prepared = await preparer.prepare(recipients);
        if (cursor.intervalMs > 0) {
          for (const p of prepared) {
            if (p.status !== 'queued') continue;
            const paced = new Date(start + next.queued++ * cursor.intervalMs).toISOString();
            if (!p.notBefore || p.notBefore < paced) p.notBefore = paced;
          }
        } else next.queued += prepared.filter((p) => p.status === 'queued').length;
        const leased = leaseTo(this.dispatcher, prepared, deps.now());
        const skipped = await storePrepared(deps, c.tenantId, prepared, { campaignId: c.id, note: `campaign ${c.name}` }, (trx, skippedIds) => {
          // duplicates found while preparing (no id) and those the insert skipped: a second message to a number
          next.duplicates = (next.duplicates ?? 0) + prepared.filter((p) => !p.id).length + skippedIds.size;
          return saveCursor(trx, c.id, next, deps.now().toISOString());
        });
        if (!skipped) {
          await this.pause(c, 'insufficient_balance');
          return;
        }
        preparer.commit();
        Object.assign(cursor, next);
        handStored(this.dispatcher, leased, skipped);
        if (leased.rest) deps.wakeDispatcher();
      }
      this.more ||= !cursor.done;
    } catch (err) {
      if (err instanceof CampaignStopped) this.preparers.delete(c.id);
      else if (err instanceof DomainError) await this.pause(c, `${err.code}: ${err.message}`);
      else throw err;
    } finally {
      await releaseCampaign(db, c.id);
    }
  }

  private async preparerFor(c: Campaign): Promise<{ preparer: Preparer; filter: ContactFilter | null }> {
    const hit = this.preparers.get(c.id);
    if (hit) return hit;
    const preparer = new Preparer(this.deps, await campaignSpec(this.deps, c));
    const filter = await audienceFilter(this.deps, c.tenantId, c.audience);
    // once per campaign on this worker, before its pages: an audience just imported is counted in the planner's statistics (PostgreSQL)
    if (filter) await refreshStatistics(this.deps.store, audienceTables);
    const entry = { preparer, filter };
    this.preparers.set(c.id, entry);
    return entry;
  }

  private async pacing(c: Campaign, filter: ContactFilter | null): Promise<number> {
    if (c.options.perMinute) return 60_000 / c.options.perMinute;
    if (!c.options.spreadHours) return 0;
    const total = (c.audience.numbers?.length ?? 0) + (filter ? await countAudience(this.deps, c.tenantId, filter) : 0);
    return total > 0 ? (c.options.spreadHours * 3600_000) / total : 0;
  }

  private async pause(c: Campaign, reason: string): Promise<void> {
    await pauseCampaign(this.deps, c, reason);
  }

  /** Watches failure rates over a sliding window of finished messages and pauses a campaign past its threshold. */
  private track(effects: MessageEffect[]): void {
    for (const e of effects) {
      if (!e.campaignId) continue;
      const list = this.outcomes.get(e.campaignId) ?? [];
      list.push(failedStatuses.has(e.status));
      if (list.length > 2000) list.splice(0, list.length - 1000);
      this.outcomes.set(e.campaignId, list);
    }
    for (const campaignId of new Set(effects.map((e) => e.campaignId).filter((x): x is string => !!x))) void this.checkFailures(campaignId, effects.find((e) => e.campaignId === campaignId)!.tenantId);
  }

  private async checkFailures(campaignId: string, tenantId: string): Promise<void> {
    const last = this.checked.get(campaignId) ?? 0;
    if (Date.now() - last < 500) return;
    this.checked.set(campaignId, Date.now());
    const c = await getCampaign(this.deps.store.db, tenantId, campaignId);
    if (!c || c.status !== 'running') return;
    const { failureRate, minSample } = c.options.autoPause ?? defaultAutoPause;
    const window = (this.outcomes.get(campaignId) ?? []).slice(-minSample);
    if (window.length < minSample) return;
    const rate = window.filter(Boolean).length / window.length;
    if (rate > failureRate) {
      this.outcomes.delete(campaignId);
      await this.pause(c, `failure rate ${(rate * 100).toFixed(1)}% over the last ${window.length} messages passed ${(failureRate * 100).toFixed(0)}%`);
    }
  }
}
