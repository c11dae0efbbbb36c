import { sql } from 'kysely';
import type { Db, WebhookDeliveriesTable, WebhooksTable } from '../database.ts';
import type { DialectName } from '../dialect.ts';
import { newId } from '../../domain/ids.ts';
import { newWebhookSecret, subscribes } from '../../domain/webhooks.ts';

/** A webhook as listed: never its secret. */
export interface Webhook { id: string; url: string; events: string[] | '*'; enabled: boolean; createdAt: string }

/** One event to deliver, as the delivery log shows it. */
export interface WebhookDelivery {
  id: string; webhookId: string; event: string; status: string; attempts: number; nextAttemptAt: string | null;
  lastStatusCode: number | null; lastError: string | null; createdAt: string; deliveredAt: string | null;
  data?: unknown;
  log?: { attempt: number; at: string; statusCode: number | null; error: string | null; durationMs: number }[];
}

/** An event to fan out to a tenant's webhooks. */
export interface WebhookEvent { tenantId: string; event: 'message.status' | 'message.inbound' | string; payload: Record<string, unknown> }

function parseEvents(events: string): string[] | '*' {
  if (events === '*') return '*';
  try {
    const v = JSON.parse(events) as unknown;
    return Array.isArray(v) ? v.map(String) : [];
  } catch { return []; }
}

function toWebhook(r: Pick<WebhooksTable, 'id' | 'url' | 'events' | 'enabled' | 'created_at'>): Webhook {
  return { id: r.id, url: r.url, events: parseEvents(r.events), enabled: r.enabled === 1, createdAt: r.created_at };
}

// ---- the per-tenant cache behind enqueueWebhookEvents -------------------------------------------------

type CachedHook = { id: string; events: string };
/** Seconds an entry lives: CRUD in this process invalidates at once; other nodes see changes after this. */
const cacheTtlMs = 5_000;
/**
 * Enabled webhooks per tenant, so 200,000 status events a minute for tenants without webhooks cost one
 * map lookup each. Keyed by tenant id (ids are unique across databases, so one map serves every store).
 */
const hookCache = new Map<string, { at: number; hooks: CachedHook[] }>();

/** Forgets cached webhooks of a tenant (or of every tenant). */
export function invalidateWebhookCache(tenantId?: string): void {
  if (tenantId === undefined) hookCache.clear();
  else hookCache.delete(tenantId);
}

async function hooksOf(db: Db, tenantIds: string[], nowMs: number): Promise<Map<string, CachedHook[]>> {
  const out = new Map<string, CachedHook[]>();
  const missing: string[] = [];
  for (const t of tenantIds) {
    const c = hookCache.get(t);
    if (c && nowMs - c.at < cacheTtlMs) out.set(t, c.hooks);
    else missing.push(t);
  }
  if (missing.length) {
    const rows = await db.selectFrom('webhooks').select(['id', 'tenant_id', 'events'])
      .where('tenant_id', 'in', missing).where('enabled', '=', 1).execute();
    for (const t of missing) out.set(t, []);
    for (const r of rows) out.get(r.tenant_id)!.push({ id: r.id, events: r.events });
    if (hookCache.size > 50_000) hookCache.clear();
    for (const t of missing) hookCache.set(t, { at: nowMs, hooks: out.get(t)! });
  }
  return out;
}

/**
 * Fans events out to the enabled webhooks of their tenants that subscribe to them: one pending delivery row
 * per (event, webhook), inserted in batches. Cheap for tenants without webhooks (cached, no query).
 */
export async function enqueueWebhookEvents(db: Db, events: WebhookEvent[], now: Date = new Date()): Promise<void> {
  if (events.length === 0) return;
  const nowMs = now.getTime();
  const tenants = [...new Set(events.map((e) => e.tenantId))];
  const hooks = await hooksOf(db, tenants, nowMs);
  const at = now.toISOString();
  const rows: WebhookDeliveriesTable[] = [];
  for (const e of events) {
    const list = hooks.get(e.tenantId);
    if (!list || list.length === 0) continue;
    let payload: string | undefined;
    for (const h of list) {
      if (!subscribes(h.events, e.event)) continue;
      payload ??= JSON.stringify(e.payload);
      rows.push({
        id: newId(nowMs), tenant_id: e.tenantId, webhook_id: h.id, event: e.event, payload, status: 'pending', attempts: 0,
        next_attempt_at: at, lease_until: null, lease_owner: null, last_status_code: null, last_error: null, created_at: at, delivered_at: null,
      });
    }
  }
  for (let i = 0; i < rows.length; i += 500) await db.insertInto('webhook_deliveries').values(rows.slice(i, i + 500)).execute();
}

// ---- CRUD ---------------------------------------------------------------------------------------------

const columns = ['id', 'url', 'events', 'enabled', 'created_at'] as const;

/** Creates a webhook with a new secret; the returned `secret` is the only time it is shown. */
export async function createWebhook(db: Db, tenantId: string, input: { url: string; events: string[] | '*'; enabled?: boolean }, now: string): Promise<{ webhook: Webhook; secret: string }> {
  const secret = newWebhookSecret();
  const row: WebhooksTable = {
    id: newId(), tenant_id: tenantId, url: input.url, secret, events: input.events === '*' ? '*' : JSON.stringify([...new Set(input.events)]),
    enabled: input.enabled === false ? 0 : 1, created_at: now,
  };
  await db.insertInto('webhooks').values(row).execute();
  invalidateWebhookCache(tenantId);
  return { webhook: toWebhook(row), secret };
}

/** The tenant's webhooks, oldest first. */
export async function listWebhooks(db: Db, tenantId: string): Promise<Webhook[]> {
  return (await db.selectFrom('webhooks').select(columns).where('tenant_id', '=', tenantId).orderBy('created_at').orderBy('id').execute()).map(toWebhook);
}

/** A webhook of the tenant. */
export async function getWebhook(db: Db, tenantId: string, id: string): Promise<Webhook | undefined> {
  const r = await db.selectFrom('webhooks').select(columns).where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return r && toWebhook(r);
}

/** Changes a webhook's URL, events or enabled state. */
export async function updateWebhook(db: Db, tenantId: string, id: string, patch: { url?: string; events?: string[] | '*'; enabled?: boolean }): Promise<Webhook | undefined> {
  const set: Partial<WebhooksTable> = {};
  if (patch.url !== undefined) set.url = patch.url;
  if (patch.events !== undefined) set.events = patch.events === '*' ? '*' : JSON.stringify([...new Set(patch.events)]);
  if (patch.enabled !== undefined) set.enabled = patch.enabled ? 1 : 0;
  if (Object.keys(set).length) await db.updateTable('webhooks').set(set).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
  invalidateWebhookCache(tenantId);
  return getWebhook(db, tenantId, id);
}

/** Replaces a webhook's secret; returns the new one (shown once) or undefined when there is no such webhook. */
export async function rotateWebhookSecret(db: Db, tenantId: string, id: string): Promise<string | undefined> {
  const secret = newWebhookSecret();
  const r = await db.updateTable('webhooks').set({ secret }).where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return Number(r.numUpdatedRows) > 0 ? secret : undefined;
}

/** Deletes a webhook and its delivery log. */
export async function deleteWebhook(db: Db, tenantId: string, id: string): Promise<boolean> {
  const hook = await getWebhook(db, tenantId, id);
  if (!hook) return false;
  const ids = db.selectFrom('webhook_deliveries').select('id').where('webhook_id', '=', id);
  await db.deleteFrom('webhook_attempts').where('delivery_id', 'in', ids).execute();
  await db.deleteFrom('webhook_deliveries').where('webhook_id', '=', id).execute();
  await db.deleteFrom('webhooks').where('tenant_id', '=', tenantId).where('id', '=', id).execute();
  invalidateWebhookCache(tenantId);
  return true;
}

/** Queues one event for one webhook of the tenant now (the test ping); returns the delivery id. */
export async function enqueueDelivery(db: Db, tenantId: string, webhookId: string, event: string, payload: Record<string, unknown>, now: Date): Promise<string> {
  const at = now.toISOString();
  const id = newId(now.getTime());
  await db.insertInto('webhook_deliveries').values({
    id, tenant_id: tenantId, webhook_id: webhookId, event, payload: JSON.stringify(payload), status: 'pending', attempts: 0,
    next_attempt_at: at, lease_until: null, lease_owner: null, last_status_code: null, last_error: null, created_at: at, delivered_at: null,
  }).execute();
  return id;
}

// ---- the delivery log --------------------------------------------------------------------------------

function toDelivery(r: WebhookDeliveriesTable): WebhookDelivery {
  return {
    id: r.id, webhookId: r.webhook_id, event: r.event, status: r.status, attempts: r.attempts, nextAttemptAt: r.status === 'pending' ? r.next_attempt_at : null,
    lastStatusCode: r.last_status_code, lastError: r.last_error, createdAt: r.created_at, deliveredAt: r.delivered_at,
  };
}

/** The deliveries of a webhook of the tenant, newest first, each with its attempts and payload. */
export async function listDeliveries(db: Db, tenantId: string, webhookId: string, opts: { limit: number; before?: string; status?: string }): Promise<WebhookDelivery[]> {
  let q = db.selectFrom('webhook_deliveries').selectAll().where('tenant_id', '=', tenantId).where('webhook_id', '=', webhookId);
  if (opts.before) q = q.where('id', '<', opts.before);
  if (opts.status) q = q.where('status', '=', opts.status);
  const rows = await q.orderBy('id', 'desc').limit(opts.limit).execute();
  if (rows.length === 0) return [];
  const attempts = await db.selectFrom('webhook_attempts').selectAll().where('tenant_id', '=', tenantId)
    .where('delivery_id', 'in', rows.map((r) => r.id)).orderBy('attempt').execute();
  const byDelivery = new Map<string, WebhookDelivery['log']>();
  for (const a of attempts) {
    const list = byDelivery.get(a.delivery_id) ?? [];
    list.push({ attempt: a.attempt, at: a.at, statusCode: a.status_code, error: a.error, durationMs: a.duration_ms });
    byDelivery.set(a.delivery_id, list);
  }
  return rows.map((r) => ({ ...toDelivery(r), data: JSON.parse(r.payload) as unknown, log: byDelivery.get(r.id) ?? [] }));
}

/** A delivery by id (any tenant), for tests and the worker. */
export async function getDelivery(db: Db, id: string): Promise<WebhookDelivery | undefined> {
  const r = await db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
  return r && toDelivery(r);
}

// ---- the worker's side ---------------------------------------------------------------------------------

/** A claimed delivery with what is needed to send it. */
export interface ClaimedDelivery {
  id: string; tenantId: string; webhookId: string; event: string; payload: string; attempts: number; createdAt: string;
  url: string; secret: string; enabled: boolean;
}

/**
 * Claims up to `limit` due deliveries for `owner` until `leaseUntil`: pending, due, and not leased by a live
 * worker. On PostgreSQL concurrent workers skip each other's rows (`for update skip locked`); SQLite has one writer.
 */
export async function claimDeliveries(db: Db, dialect: DialectName, owner: string, now: Date, leaseUntil: Date, limit: number): Promise<ClaimedDelivery[]> {
  const at = now.toISOString();
  let due = db.selectFrom('webhook_deliveries').select('id')
    .where('status', '=', 'pending').where('next_attempt_at', '<=', at)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', at)]))
    .orderBy('next_attempt_at').limit(limit);
  if (dialect === 'postgres') due = due.forUpdate().skipLocked();
  const claimed = await db.updateTable('webhook_deliveries').set({ lease_owner: owner, lease_until: leaseUntil.toISOString() })
    .where('id', 'in', due).returning(['id']).execute();
  if (claimed.length === 0) return [];
  const rows = await db.selectFrom('webhook_deliveries').innerJoin('webhooks', 'webhooks.id', 'webhook_deliveries.webhook_id')
    .select(['webhook_deliveries.id', 'webhook_deliveries.tenant_id', 'webhook_deliveries.webhook_id', 'webhook_deliveries.event',
      'webhook_deliveries.payload', 'webhook_deliveries.attempts', 'webhook_deliveries.created_at', 'webhooks.url', 'webhooks.secret', 'webhooks.enabled'])
    .where('webhook_deliveries.id', 'in', claimed.map((c) => c.id)).where('webhook_deliveries.lease_owner', '=', owner).execute();
  return rows.map((r) => ({
    id: r.id, tenantId: r.tenant_id, webhookId: r.webhook_id, event: r.event, payload: r.payload, attempts: r.attempts,
    createdAt: r.created_at, url: r.url, secret: r.secret, enabled: r.enabled === 1,
  }));
}

/**
 * Records one attempt of a delivery this owner holds: the log line, and the new state — delivered, pending
 * again at `retryAt`, or failed (retryAt null and not ok).
 */
export async function recordAttempt(db: Db, owner: string, d: { id: string; tenantId: string; attempt: number }, result: {
  at: Date; ok: boolean; statusCode: number | null; error: string | null; durationMs: number; retryAt: Date | null;
}): Promise<void> {
  const at = result.at.toISOString();
  await db.insertInto('webhook_attempts').values({
    id: newId(result.at.getTime()), delivery_id: d.id, tenant_id: d.tenantId, attempt: d.attempt, at,
    status_code: result.statusCode, error: result.error ? result.error.slice(0, 500) : null, duration_ms: Math.round(result.durationMs),
  }).execute();
  const status = result.ok ? 'delivered' : result.retryAt ? 'pending' : 'failed';
  await db.updateTable('webhook_deliveries').set({
    status, attempts: d.attempt, last_status_code: result.statusCode, last_error: result.error ? result.error.slice(0, 500) : null,
    next_attempt_at: result.retryAt ? result.retryAt.toISOString() : null, lease_owner: null, lease_until: null,
    delivered_at: result.ok ? at : null,
  }).where('id', '=', d.id).where('lease_owner', '=', owner).execute();
}

/** Deletes finished deliveries (and their attempts) created before `before`; returns how many went. */
export async function purgeDeliveries(db: Db, before: string): Promise<number> {
  const old = db.selectFrom('webhook_deliveries').select('id').where('status', 'in', ['delivered', 'failed']).where('created_at', '<', before);
  await db.deleteFrom('webhook_attempts').where('delivery_id', 'in', old).execute();
  const r = await db.deleteFrom('webhook_deliveries').where('status', 'in', ['delivered', 'failed']).where('created_at', '<', before).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Counts of a tenant's deliveries by status (for the console). */
export async function deliveryCounts(db: Db, tenantId: string): Promise<Record<string, number>> {
  const rows = await db.selectFrom('webhook_deliveries').select(['status', sql<number | string>`count(*)`.as('n')])
    .where('tenant_id', '=', tenantId).groupBy('status').execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}
