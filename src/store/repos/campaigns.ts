import { sql, type ExpressionBuilder } from 'kysely';
import type { Database, Db } from '../database.ts';
import { newId } from '../../domain/ids.ts';
import type { Audience, CampaignOptions, Cursor } from '../../domain/campaigns.ts';
import { olderThan } from '../keyset.ts';

/** A campaign as the rest of the code sees it. */
export interface Campaign {
  id: string; tenantId: string; name: string; status: string; category: string; text: string | null; templateId: string | null;
  audience: Audience; channel: string | null; options: CampaignOptions; scheduleAt: string | null; cron: string | null;
  cursor: Cursor; materialized: boolean; pauseReason: string | null; createdAt: string; updatedAt: string; startedAt: string | null; completedAt: string | null;
}

type Row = {
  id: string; tenant_id: string; name: string; status: string; category: string; text: string | null; template_id: string | null; audience: string;
  channel: string | null; options: string; schedule_at: string | null; cron: string | null; cursor: string | null; materialized: number;
  pause_reason: string | null; created_at: string; updated_at: string; started_at: string | null; completed_at: string | null;
};

const columns = ['id', 'tenant_id', 'name', 'status', 'category', 'text', 'template_id', 'audience', 'channel', 'options', 'schedule_at', 'cron',
  'cursor', 'materialized', 'pause_reason', 'created_at', 'updated_at', 'started_at', 'completed_at'] as const;

function toCampaign(r: Row): Campaign {
  return {
    id: r.id, tenantId: r.tenant_id, name: r.name, status: r.status, category: r.category, text: r.text, templateId: r.template_id,
    audience: JSON.parse(r.audience) as Audience, channel: r.channel, options: JSON.parse(r.options) as CampaignOptions, scheduleAt: r.schedule_at,
    cron: r.cron, cursor: r.cursor ? JSON.parse(r.cursor) as Cursor : { numbers: 0, after: null, done: false, queued: 0, intervalMs: 0 }, materialized: !!r.materialized,
    pauseReason: r.pause_reason, createdAt: r.created_at, updatedAt: r.updated_at, startedAt: r.started_at, completedAt: r.completed_at,
  };
}

/** Fields of a new or edited campaign. */
export interface CampaignFields { name: string; category: string; text: string | null; templateId: string | null; audience: Audience; channel: string | null; options: CampaignOptions; scheduleAt: string | null; cron: string | null }

/** Creates a draft campaign. */
export async function createCampaign(db: Db, tenantId: string, f: CampaignFields, now: string): Promise<Campaign> {
  const row: Row = {
    id: newId(), tenant_id: tenantId, name: f.name, status: 'draft', category: f.category, text: f.text, template_id: f.templateId,
    audience: JSON.stringify(f.audience), channel: f.channel, options: JSON.stringify(f.options), schedule_at: f.scheduleAt, cron: f.cron,
    cursor: null, materialized: 0, pause_reason: null, created_at: now, updated_at: now, started_at: null, completed_at: null,
  };
  await db.insertInto('campaigns').values({ ...row, lease_until: null }).execute();
  return toCampaign(row);
}

/** One campaign of a tenant. */
export async function getCampaign(db: Db, tenantId: string, id: string): Promise<Campaign | undefined> {
  const r = await db.selectFrom('campaigns').select(columns).where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return r && toCampaign(r);
}

/** The tenant's campaigns, newest first, optionally by status. */
export async function listCampaigns(db: Db, tenantId: string, opts: { limit: number; status?: string; before?: string }): Promise<Campaign[]> {
  const rows = await db.selectFrom('campaigns').select(columns).where('tenant_id', '=', tenantId)
    .$if(!!opts.status, (q) => q.where('status', '=', opts.status!))
    .$if(!!opts.before, (q) => q.where(olderThan('created_at', 'id', opts.before!)))
    .orderBy('created_at', 'desc').orderBy('id', 'desc').limit(opts.limit).execute();
  return rows.map(toCampaign);
}

/** Replaces a draft's fields. */
export async function updateCampaign(db: Db, tenantId: string, id: string, f: CampaignFields, now: string): Promise<void> {
  await db.updateTable('campaigns').set({
    name: f.name, category: f.category, text: f.text, template_id: f.templateId, audience: JSON.stringify(f.audience), channel: f.channel,
    options: JSON.stringify(f.options), schedule_at: f.scheduleAt, cron: f.cron, updated_at: now,
  }).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
}

/** Moves a campaign to a status if it is still in one of `from` (a compare-and-set); returns whether it moved. */
export async function setCampaignStatus(db: Db, tenantId: string, id: string, from: string[], to: string, extra: { pauseReason?: string | null; startedAt?: string; completedAt?: string; scheduleAt?: string | null }, now: string): Promise<boolean> {
  const r = await db.updateTable('campaigns').set({
    status: to, updated_at: now,
    ...(extra.pauseReason !== undefined && { pause_reason: extra.pauseReason }),
    ...(extra.startedAt !== undefined && { started_at: extra.startedAt }),
    ...(extra.completedAt !== undefined && { completed_at: extra.completedAt }),
    ...(extra.scheduleAt !== undefined && { schedule_at: extra.scheduleAt }),
  }).where('tenant_id', '=', tenantId).where('id', '=', id).where('status', 'in', from).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Campaigns the scheduler must look at: due scheduled ones and running ones of every active tenant. */
export async function campaignsToWork(db: Db, now: string): Promise<Campaign[]> {
  const rows = await db.selectFrom('campaigns').select(columns)
    .where((eb) => eb.or([eb('status', '=', 'running'), eb.and([eb('status', '=', 'scheduled'), eb('schedule_at', '<=', now)])]))
    .where('tenant_id', 'not in', (eb) => eb.selectFrom('tenants').select('id').where('status', '<>', 'active'))
    .orderBy('created_at').limit(200).execute();
  return rows.map(toCampaign);
}

/** Takes the materialisation lease of a campaign (one worker at a time); returns whether this caller holds it. */
export async function leaseCampaign(db: Db, id: string, now: string, until: string): Promise<boolean> {
  const r = await db.updateTable('campaigns').set({ lease_until: until })
    .where('id', '=', id).where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)])).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/**
 * Saves the materialisation cursor in the transaction that stored the batch, only while the campaign is still
 * running; throws CampaignStopped otherwise, so the batch rolls back (nothing is sent after a pause or cancel).
 */
export async function saveCursor(db: Db, id: string, cursor: Cursor, now: string): Promise<void> {
  const r = await db.updateTable('campaigns').set({ cursor: JSON.stringify(cursor), materialized: cursor.done ? 1 : 0, updated_at: now })
    .where('id', '=', id).where('status', '=', 'running').executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) throw new CampaignStopped(id);
}

/** The campaign left the running state while a batch was being stored. */
export class CampaignStopped extends Error {
  constructor(id: string) {
    super(`campaign ${id} is no longer running`);
  }
}

/** Releases the materialisation lease. */
export async function releaseCampaign(db: Db, id: string): Promise<void> {
  await db.updateTable('campaigns').set({ lease_until: null }).where('id', '=', id).execute();
}

/** Holds a paused campaign's queued messages back (they stay queued, leased to 'paused'). */
export async function holdCampaignMessages(db: Db, campaignId: string): Promise<void> {
  await db.updateTable('messages').set({ lease_owner: 'paused', lease_until: '9999-12-31T00:00:00.000Z' })
    .where('campaign_id', '=', campaignId).where('status', '=', 'queued').where((eb) => eb.or([eb('lease_owner', 'is', null), eb('lease_owner', '=', 'paused')])).execute();
}

/** Lets a resumed campaign's held messages go again. */
export async function releaseCampaignMessages(db: Db, campaignId: string): Promise<void> {
  await db.updateTable('messages').set({ lease_owner: null, lease_until: null }).where('campaign_id', '=', campaignId).where('status', '=', 'queued').where('lease_owner', '=', 'paused').execute();
}

/**
 * Excludes a cancelled campaign's queued messages that no worker is sending right now (those finish normally);
 * returns the total price of exactly the rows it excluded, to release.
 */
export async function cancelCampaignMessages(db: Db, campaignId: string, now: string): Promise<bigint> {
  const idle = (eb: ExpressionBuilder<Database, 'messages'>) => eb.and([
    eb('campaign_id', '=', campaignId), eb('status', '=', 'queued'),
    eb.or([eb('lease_owner', 'is', null), eb('lease_owner', '=', 'paused'), eb('lease_until', '<', now)]),
  ]);
  const rows = await db.updateTable('messages').set({ status: 'excluded', reason: 'cancelled', done_at: now, lease_owner: null, lease_until: null })
    .where(idle).returning(sql<string>`cast(price as text)`.as('price')).execute();
  return rows.reduce((sum, r) => sum + BigInt(r.price), 0n);
}

/** Whether a campaign still has messages to send (queued, including held or leased ones). */
export async function hasQueued(db: Db, campaignId: string): Promise<boolean> {
  // Selecting only campaign_id lets SQLite answer from the partial index of queued messages alone.
  return !!(await db.selectFrom('messages').select('campaign_id').where('campaign_id', '=', campaignId).where('status', '=', 'queued').limit(1).executeTakeFirst());
}
