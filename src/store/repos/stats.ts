import { sql } from 'kysely';
import type { Db } from '../database.ts';
import { idFloor } from '../../domain/ids.ts';

/** Counts of a campaign's messages by status, exclusion reason, error, carrier, region and minute, with cost. */
export interface CampaignStats {
  total: number; excluded: number; queued: number; submitted: number; delivered: number; failed: number;
  awaitingReceipt: number; deliveryRate: number | null; resubmitted: number; cost: string; segments: number;
  byStatus: Record<string, number>; excludedBy: Record<string, number>; failedBy: Record<string, number>;
  byCarrier: { carrier: string; total: number; delivered: number; failed: number }[];
  byRegion: { region: string; total: number; delivered: number; failed: number }[];
  perMinute: { minute: string; submitted: number }[];
  /** Queued messages that wait, by why (quiet_hours, send_window, scheduled; retry: a carrier asked to retry later), with the earliest time one goes. */
  held: { reason: string; count: number; until: string }[];
}

const failedSet = new Set(['undelivered', 'expired', 'rejected', 'failed']);

/**
 * Statistics of one campaign at `now` (the caller checked the tenant owns it). `duplicates`: the second messages to a
 * number the campaign left out (its cursor counts them; they have no row), counted as excluded like pre-flight does.
 */
export async function campaignStats(db: Db, campaignId: string, now: string, duplicates = 0): Promise<CampaignStats> {
  const base = db.selectFrom('messages').where('campaign_id', '=', campaignId);
  const [byStatusRows, reasonRows, errorRows, carrierRows, regionRows, minuteRows, resub, heldRows] = await Promise.all([
    base.select(['status', sql<number>`count(*)`.as('n'), sql<string>`cast(coalesce(sum(price), 0) as text)`.as('cost'), sql<number>`coalesce(sum(segments), 0)`.as('segments')]).groupBy('status').execute(),
    base.select(['reason', sql<number>`count(*)`.as('n')]).where('status', '=', 'excluded').groupBy('reason').execute(),
    base.select([sql<string>`coalesce(carrier_stat, error, status)`.as('err'), sql<number>`count(*)`.as('n')]).where('status', 'in', [...failedSet]).groupBy(sql`coalesce(carrier_stat, error, status)`).execute(),
    base.select([sql<string>`coalesce(carrier, 'unknown')`.as('k'), 'status', sql<number>`count(*)`.as('n')]).where('status', '<>', 'excluded').groupBy([sql`coalesce(carrier, 'unknown')`, 'status']).execute(),
    base.select([sql<string>`coalesce(region, 'unknown')`.as('k'), 'status', sql<number>`count(*)`.as('n')]).where('status', '<>', 'excluded').groupBy([sql`coalesce(region, 'unknown')`, 'status']).execute(),
    base.select([sql<string>`substr(submitted_at, 1, 16)`.as('minute'), sql<number>`count(*)`.as('n')]).where('submitted_at', 'is not', null).groupBy(sql`substr(submitted_at, 1, 16)`).orderBy('minute').execute(),
    base.select(sql<number>`coalesce(sum(resubmitted), 0)`.as('n')).executeTakeFirst(),
    base.select([sql<string>`coalesce(reason, 'retry')`.as('reason'), sql<number>`count(*)`.as('n'), sql<string>`min(not_before)`.as('until')])
      .where('status', '=', 'queued').where('not_before', '>', now).groupBy(sql`coalesce(reason, 'retry')`).execute(),
  ]);
  const byStatus: Record<string, number> = {};
  if (duplicates > 0) byStatus.excluded = duplicates;
  let cost = 0n; let segments = 0;
  for (const r of byStatusRows) {
    byStatus[r.status] = (byStatus[r.status] ?? 0) + Number(r.n);
    if (r.status !== 'excluded') { cost += BigInt(r.cost); segments += Number(r.segments); }
  }
  const n = (s: string) => byStatus[s] ?? 0;
  const failed = [...failedSet].reduce((sum, s) => sum + n(s), 0);
  const sent = n('submitted') + n('delivered') + failed - n('failed') - n('rejected');
  const breakdown = (rows: { k: string; status: string; n: number }[], key: 'carrier' | 'region') => {
    const map = new Map<string, { total: number; delivered: number; failed: number }>();
    for (const r of rows) {
      const e = map.get(r.k) ?? { total: 0, delivered: 0, failed: 0 };
      e.total += Number(r.n);
      if (r.status === 'delivered') e.delivered += Number(r.n);
      if (failedSet.has(r.status)) e.failed += Number(r.n);
      map.set(r.k, e);
    }
    return [...map].map(([k, v]) => ({ [key]: k, ...v })).sort((a, b) => b.total - a.total) as never;
  };
  const total = Object.values(byStatus).reduce((a, b) => a + b, 0);
  return {
    total, excluded: n('excluded'), queued: n('queued'), submitted: n('submitted') + n('delivered') + n('undelivered') + n('expired'),
    delivered: n('delivered'), failed, awaitingReceipt: n('submitted'), deliveryRate: sent > 0 ? n('delivered') / sent : null,
    resubmitted: Number(resub?.n ?? 0), cost: cost.toString(), segments, byStatus,
    excludedBy: Object.fromEntries([...reasonRows.map((r) => [r.reason ?? 'unknown', Number(r.n)] as const), ...(duplicates > 0 ? [['duplicate', duplicates] as const] : [])]),
    failedBy: Object.fromEntries(errorRows.map((r) => [r.err, Number(r.n)])),
    byCarrier: breakdown(carrierRows, 'carrier'), byRegion: breakdown(regionRows, 'region'),
    perMinute: minuteRows.map((r) => ({ minute: r.minute, submitted: Number(r.n) })),
    held: heldRows.map((r) => ({ reason: r.reason, count: Number(r.n), until: r.until })).sort((a, b) => a.until.localeCompare(b.until)),
  };
}

/** The core counts of a campaign (the list's progress and recipients): total, excluded, queued, submitted, delivered, failed. */
export interface CampaignProgress { total: number; excluded: number; queued: number; submitted: number; delivered: number; failed: number }

/**
 * Core counts of several campaigns at once, by campaign id (one grouped query; campaigns without messages are absent),
 * with each campaign's left-out duplicates (see campaignStats) among its total and excluded.
 */
export async function campaignProgress(db: Db, campaignIds: string[], duplicates: ReadonlyMap<string, number> = new Map()): Promise<Map<string, CampaignProgress>> {
  const out = new Map<string, CampaignProgress>();
  if (!campaignIds.length) return out;
  const rows = await db.selectFrom('messages').select(['campaign_id', 'status', sql<number>`count(*)`.as('n')])
    .where('campaign_id', 'in', campaignIds).groupBy(['campaign_id', 'status']).execute();
  for (const r of rows) {
    const dup = duplicates.get(r.campaign_id!) ?? 0;
    const p = out.get(r.campaign_id!) ?? { total: dup, excluded: dup, queued: 0, submitted: 0, delivered: 0, failed: 0 };
    const n = Number(r.n);
    p.total += n;
    if (r.status === 'excluded') p.excluded += n;
    else if (r.status === 'queued') p.queued += n;
    else {
      if (r.status !== 'failed' && r.status !== 'rejected') p.submitted += n;
      if (r.status === 'delivered') p.delivered += n;
      if (failedSet.has(r.status)) p.failed += n;
    }
    out.set(r.campaign_id!, p);
  }
  return out;
}

/** Message counts by UTC hour and status, and inbound counts by hour, of one tenant since `sinceMs`. */
export async function tenantHourly(db: Db, tenantId: string, sinceMs: number): Promise<{ messages: { hour: string; status: string; n: number }[]; replies: { hour: string; n: number }[] }> {
  const since = new Date(sinceMs).toISOString();
  const [messages, replies] = await Promise.all([
    db.selectFrom('messages').select([sql<string>`substr(created_at, 1, 13)`.as('hour'), 'status', sql<number>`count(*)`.as('n')])
      .where('tenant_id', '=', tenantId).where('id', '>=', idFloor(sinceMs)).where('created_at', '>=', since)
      .groupBy([sql`substr(created_at, 1, 13)`, 'status']).execute(),
    db.selectFrom('inbound_messages').select([sql<string>`substr(received_at, 1, 13)`.as('hour'), sql<number>`count(*)`.as('n')])
      .where('tenant_id', '=', tenantId).where('received_at', '>=', since).groupBy(sql`substr(received_at, 1, 13)`).execute(),
  ]);
  return { messages: messages.map((r) => ({ ...r, n: Number(r.n) })), replies: replies.map((r) => ({ ...r, n: Number(r.n) })) };
}
