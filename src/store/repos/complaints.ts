import { sql } from 'kysely';
import type { ComplaintsTable, Db } from '../database.ts';
import { idFloor } from '../../domain/ids.ts';
import { DomainError } from '../../domain/errors.ts';
import { complaintPolicySchema, defaultComplaintPolicy, type ComplaintKind, type ComplaintPolicy, type FeedbackCounts } from '../../domain/complaints.ts';

/** Statuses of a message that reached the carrier: what opt-out and complaint rates are counted against. */
const sentStatuses = ['submitted', 'delivered', 'undelivered', 'expired'];
const platformScope = '*';

/** One recorded opt-out or complaint. */
export interface Complaint {
  id: string; tenantId: string; kind: ComplaintKind; inboundId: string; campaignId: string | null; channelId: string | null; messageId: string | null;
  phone: string; keyword: string | null; text: string; at: string;
}

function toComplaint(r: ComplaintsTable): Complaint {
  return {
    id: r.id, tenantId: r.tenant_id, kind: r.kind as ComplaintKind, inboundId: r.inbound_id, campaignId: r.campaign_id, channelId: r.channel_id,
    messageId: r.message_id, phone: r.phone, keyword: r.keyword, text: r.text, at: r.at,
  };
}

async function policyRow(db: Db, scope: string): Promise<{ config: Partial<ComplaintPolicy>; updatedAt: string } | undefined> {
  const r = await db.selectFrom('complaint_policies').select(['config', 'updated_at']).where('scope', '=', scope).executeTakeFirst();
  if (!r) return undefined;
  const parsed = complaintPolicySchema.partial().safeParse(JSON.parse(r.config));
  return { config: parsed.success ? parsed.data : {}, updatedAt: r.updated_at };
}

/** The platform's policy (the built-in one until it sets its own). */
export async function platformPolicy(db: Db): Promise<ComplaintPolicy> {
  return { ...defaultComplaintPolicy, ...(await policyRow(db, platformScope))?.config };
}

/** A tenant's override of the platform policy (empty when none). */
export async function tenantOverride(db: Db, tenantId: string): Promise<Partial<ComplaintPolicy>> {
  return (await policyRow(db, tenantId))?.config ?? {};
}

/** The policy that applies to a tenant: the platform's with the tenant's override on top. */
export async function policyFor(db: Db, tenantId: string): Promise<ComplaintPolicy> {
  return { ...await platformPolicy(db), ...await tenantOverride(db, tenantId) };
}

/** Stores the platform policy (tenantId null) or a tenant's override; an empty override removes it. */
export async function savePolicy(db: Db, tenantId: string | null, config: Partial<ComplaintPolicy>, by: string | null, now: string): Promise<void> {
  const scope = tenantId ?? platformScope;
  if (tenantId !== null && Object.keys(config).length === 0) {
    await db.deleteFrom('complaint_policies').where('scope', '=', scope).execute();
    return;
  }
  const row = { scope, config: JSON.stringify(config), updated_by: by, updated_at: now };
  await db.insertInto('complaint_policies').values(row).onConflict((oc) => oc.column('scope').doUpdateSet({ config: row.config, updated_by: by, updated_at: now })).execute();
}

/**
 * Records opt-outs and complaints: one of each kind per inbound message (routing a message again adds nothing), and
 * per recipient once per campaign and kind (an opt-out sent twice is one person opting out).
 */
export async function recordComplaints(db: Db, rows: ComplaintsTable[]): Promise<void> {
  if (rows.length) await db.insertInto('complaints').values(rows).onConflict((oc) => oc.doNothing()).execute();
}

/** The last message the tenant sent to a number: the campaign and channel a reply answers. */
export async function lastMessageTo(db: Db, tenantId: string, phone: string): Promise<{ id: string; campaignId: string | null; channelId: string | null } | undefined> {
  const r = await db.selectFrom('messages').select(['id', 'campaign_id', 'channel_id']).where('phone', '=', phone).where('tenant_id', '=', tenantId)
    .orderBy('created_at', 'desc').limit(1).executeTakeFirst();
  return r && { id: r.id, campaignId: r.campaign_id, channelId: r.channel_id };
}

function countsOf(rows: { kind: string; n: number | string }[], sent: number): FeedbackCounts {
  const n = (k: string) => Number(rows.find((r) => r.kind === k)?.n ?? 0);
  return { sent, optOuts: n('opt_out'), complaints: n('complaint') };
}

/** A campaign's sent messages, opt-outs and complaints (the caller checked the tenant owns it). */
export async function campaignFeedback(db: Db, campaignId: string): Promise<FeedbackCounts> {
  const [sent, events] = await Promise.all([
    db.selectFrom('messages').select(sql<number>`count(*)`.as('n')).where('campaign_id', '=', campaignId).where('status', 'in', sentStatuses).executeTakeFirst(),
    db.selectFrom('complaints').select(['kind', sql<number>`count(*)`.as('n')]).where('campaign_id', '=', campaignId).groupBy('kind').execute(),
  ]);
  return countsOf(events, Number(sent?.n ?? 0));
}

/** Counts per key: sent messages and reactions, merged from two grouped queries. */
function merge(sent: { k: string | null; n: number | string }[], events: { k: string | null; kind: string; n: number | string }[]): Map<string | null, FeedbackCounts> {
  const out = new Map<string | null, FeedbackCounts>();
  const of = (k: string | null) => { let e = out.get(k); if (!e) out.set(k, (e = { sent: 0, optOuts: 0, complaints: 0 })); return e; };
  for (const r of sent) of(r.k).sent += Number(r.n);
  for (const r of events) of(r.k)[r.kind === 'opt_out' ? 'optOuts' : 'complaints'] += Number(r.n);
  return out;
}

/** A tenant's feedback since a time: in total, per channel (with its name) and per campaign (with its name). */
export async function tenantFeedback(db: Db, tenantId: string, sinceMs: number): Promise<{
  total: FeedbackCounts; byChannel: (FeedbackCounts & { channelId: string | null; channel: string | null })[]; byCampaign: (FeedbackCounts & { campaignId: string; name: string; status: string })[];
}> {
  const since = new Date(sinceMs).toISOString();
  const sentBase = db.selectFrom('messages').where('tenant_id', '=', tenantId).where('id', '>=', idFloor(sinceMs)).where('status', 'in', sentStatuses);
  const eventBase = db.selectFrom('complaints').where('tenant_id', '=', tenantId).where('at', '>=', since);
  const [sentByChannel, eventsByChannel, eventsByCampaign] = await Promise.all([
    sentBase.select(['channel_id as k', sql<number>`count(*)`.as('n')]).groupBy('channel_id').execute(),
    eventBase.select(['channel_id as k', 'kind', sql<number>`count(*)`.as('n')]).groupBy(['channel_id', 'kind']).execute(),
    eventBase.select(['campaign_id as k', 'kind', sql<number>`count(*)`.as('n')]).where('campaign_id', 'is not', null).groupBy(['campaign_id', 'kind']).execute(),
  ]);
  const channels = merge(sentByChannel, eventsByChannel);
  const ids = [...channels.keys()].filter((k): k is string => k !== null);
  const names = new Map((ids.length ? await db.selectFrom('channels').select(['id', 'name']).where('id', 'in', ids).execute() : []).map((c) => [c.id, c.name]));
  const total: FeedbackCounts = { sent: 0, optOuts: 0, complaints: 0 };
  for (const c of channels.values()) { total.sent += c.sent; total.optOuts += c.optOuts; total.complaints += c.complaints; }
  const campaignIds = [...new Set(eventsByCampaign.map((r) => r.k!))].slice(0, 200);
  const campaigns = campaignIds.length ? await db.selectFrom('campaigns').select(['id', 'name', 'status']).where('tenant_id', '=', tenantId).where('id', 'in', campaignIds).execute() : [];
  const byCampaign = [];
  for (const c of campaigns) byCampaign.push({ campaignId: c.id, name: c.name, status: c.status, ...await campaignFeedback(db, c.id) });
  return {
    total,
    byChannel: [...channels].map(([channelId, v]) => ({ channelId, channel: channelId ? names.get(channelId) ?? null : null, ...v })).sort((a, b) => b.sent - a.sent),
    byCampaign: byCampaign.sort((a, b) => b.optOuts + b.complaints - (a.optOuts + a.complaints)),
  };
}

/** Every tenant's feedback since a time, for the tenants with any opt-out or complaint in it, or whose marketing is suspended. */
export async function tenantsFeedback(db: Db, sinceMs: number): Promise<(FeedbackCounts & { tenantId: string; slug: string; name: string })[]> {
  const since = new Date(sinceMs).toISOString();
  const events = await db.selectFrom('complaints').select(['tenant_id as k', 'kind', sql<number>`count(*)`.as('n')]).where('at', '>=', since).groupBy(['tenant_id', 'kind']).execute();
  const suspended = await db.selectFrom('marketing_suspensions').select('tenant_id').execute();
  const ids = [...new Set([...events.map((e) => e.k), ...suspended.map((s) => s.tenant_id)])].slice(0, 1000);
  if (!ids.length) return [];
  const sent = await db.selectFrom('messages').select(['tenant_id as k', sql<number>`count(*)`.as('n')]).where('tenant_id', 'in', ids)
    .where('id', '>=', idFloor(sinceMs)).where('status', 'in', sentStatuses).groupBy('tenant_id').execute();
  const counts = merge(sent, events);
  const tenants = await db.selectFrom('tenants').select(['id', 'slug', 'name']).where('id', 'in', ids).execute();
  return tenants.map((t) => ({ tenantId: t.id, slug: t.slug, name: t.name, ...(counts.get(t.id) ?? { sent: 0, optOuts: 0, complaints: 0 }) }));
}

/** The tenant's recorded opt-outs and complaints, newest first. */
export async function listComplaints(db: Db, tenantId: string, opts: { kind?: ComplaintKind; campaignId?: string; limit: number; before?: string }): Promise<Complaint[]> {
  let q = db.selectFrom('complaints').selectAll().where('tenant_id', '=', tenantId);
  if (opts.kind) q = q.where('kind', '=', opts.kind);
  if (opts.campaignId) q = q.where('campaign_id', '=', opts.campaignId);
  if (opts.before) q = q.where('id', '<', opts.before);
  return (await q.orderBy('id', 'desc').limit(opts.limit).execute()).map(toComplaint);
}

/** A suspension of a tenant's marketing. */
export interface Suspension { tenantId: string; reason: string; suspendedBy: string | null; suspendedAt: string }

/** Every tenant whose marketing is suspended. */
export async function listSuspensions(db: Db): Promise<Suspension[]> {
  return (await db.selectFrom('marketing_suspensions').selectAll().execute()).map((r) => ({ tenantId: r.tenant_id, reason: r.reason, suspendedBy: r.suspended_by, suspendedAt: r.suspended_at }));
}

/** The suspension of a tenant's marketing, if any. */
export async function findSuspension(db: Db, tenantId: string): Promise<Suspension | undefined> {
  const r = await db.selectFrom('marketing_suspensions').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
  return r && { tenantId: r.tenant_id, reason: r.reason, suspendedBy: r.suspended_by, suspendedAt: r.suspended_at };
}

/** Suspends a tenant's marketing (a second suspension keeps the first); false when it already was suspended. */
export async function suspendMarketing(db: Db, tenantId: string, reason: string, by: string | null, now: string): Promise<boolean> {
  const r = await db.insertInto('marketing_suspensions').values({ tenant_id: tenantId, reason, suspended_by: by, suspended_at: now })
    .onConflict((oc) => oc.column('tenant_id').doNothing()).executeTakeFirst();
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
}

/** Lifts a suspension; false when there was none. */
export async function liftMarketing(db: Db, tenantId: string): Promise<boolean> {
  const r = await db.deleteFrom('marketing_suspensions').where('tenant_id', '=', tenantId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

const held = '9999-12-31T00:00:00.000Z';

/** Holds the tenant's queued marketing messages sent outside campaigns (scheduled API sends) while its marketing is suspended; answers how many. */
export async function holdTenantMarketing(db: Db, tenantId: string): Promise<number> {
  const r = await db.updateTable('messages').set({ lease_owner: 'paused', lease_until: held })
    .where('tenant_id', '=', tenantId).where('campaign_id', 'is', null).where('status', '=', 'queued').where('category', '=', 'marketing')
    .where('lease_owner', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Lets the messages holdTenantMarketing held go again (after a lift); answers how many. */
export async function releaseTenantMarketing(db: Db, tenantId: string): Promise<number> {
  const r = await db.updateTable('messages').set({ lease_owner: null, lease_until: null })
    .where('tenant_id', '=', tenantId).where('campaign_id', 'is', null).where('status', '=', 'queued').where('category', '=', 'marketing')
    .where('lease_owner', '=', 'paused').executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Throws marketing_suspended when the category is marketing and the platform suspended the tenant's marketing; reads nothing otherwise. */
export async function checkMarketing(db: Db, tenantId: string, category: string): Promise<void> {
  if (category !== 'marketing') return;
  const s = await findSuspension(db, tenantId);
  if (s) throw new DomainError('marketing_suspended', `the platform suspended this tenant's marketing since ${s.suspendedAt}: ${s.reason}. Notifications and verification codes still go out.`, { since: s.suspendedAt, reason: s.reason });
}
