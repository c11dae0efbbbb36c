import { sql } from 'kysely';
import type { Db } from '../database.ts';
import { newId } from '../../domain/ids.ts';
import type { RouteRule } from '../../domain/routing.ts';

/** What a route is made from (price per segment in minor units). */
export interface RouteInput { tenantId?: string | null; position?: number; carrier?: string | null; country?: string | null; prefix?: string | null; category?: string | null; channelId: string; price: bigint; enabled?: boolean }

/** Every routing rule, in position order. */
export async function listRoutes(db: Db): Promise<RouteRule[]> {
  const rows = await db.selectFrom('routes')
    .select(['id', 'tenant_id', 'position', 'carrier', 'country', 'prefix', 'category', 'channel_id', 'enabled'])
    .select(sql<string>`cast(price as text)`.as('price'))
    .orderBy('position').orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, tenantId: r.tenant_id, position: r.position, carrier: r.carrier, country: r.country, prefix: r.prefix, category: r.category, channelId: r.channel_id, price: BigInt(r.price), enabled: !!r.enabled }));
}

/** Adds a routing rule. */
export async function createRoute(db: Db, input: RouteInput, now: string): Promise<RouteRule> {
  const id = newId();
  const rule: RouteRule = { id, tenantId: input.tenantId ?? null, position: input.position ?? 100, carrier: input.carrier ?? null, country: input.country ?? null, prefix: input.prefix ?? null, category: input.category ?? null, channelId: input.channelId, price: input.price, enabled: input.enabled !== false };
  await db.insertInto('routes').values({
    id, tenant_id: rule.tenantId, position: rule.position, carrier: rule.carrier, country: rule.country, prefix: rule.prefix,
    category: rule.category, channel_id: rule.channelId, price: rule.price.toString(), enabled: rule.enabled ? 1 : 0, created_at: now,
  }).execute();
  return rule;
}

/** Changes a routing rule. */
export async function updateRoute(db: Db, id: string, patch: Partial<RouteInput>): Promise<void> {
  await db.updateTable('routes').set({
    ...(patch.tenantId !== undefined && { tenant_id: patch.tenantId }),
    ...(patch.position !== undefined && { position: patch.position }),
    ...(patch.carrier !== undefined && { carrier: patch.carrier }),
    ...(patch.country !== undefined && { country: patch.country }),
    ...(patch.prefix !== undefined && { prefix: patch.prefix }),
    ...(patch.category !== undefined && { category: patch.category }),
    ...(patch.channelId !== undefined && { channel_id: patch.channelId }),
    ...(patch.price !== undefined && { price: patch.price.toString() }),
    ...(patch.enabled !== undefined && { enabled: patch.enabled ? 1 : 0 }),
  }).where('id', '=', id).execute();
}

/** Removes a routing rule. */
export async function deleteRoute(db: Db, id: string): Promise<boolean> {
  const r = await db.deleteFrom('routes').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}
