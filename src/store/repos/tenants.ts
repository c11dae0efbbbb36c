import { sql } from 'kysely';
import type { Db } from '../database.ts';
import { newId } from '../../domain/ids.ts';

/** A tenant as the rest of the code sees it; balance in minor units as a bigint. */
export interface Tenant { id: string; slug: string; name: string; status: string; settings: Record<string, unknown>; balance: bigint; createdAt: string }

const columns = ['id', 'slug', 'name', 'status', 'settings', 'created_at'] as const;

function toTenant(r: { id: string; slug: string; name: string; status: string; settings: string; created_at: string; balance: string }): Tenant {
  return { id: r.id, slug: r.slug, name: r.name, status: r.status, settings: JSON.parse(r.settings) as Record<string, unknown>, balance: BigInt(r.balance), createdAt: r.created_at };
}

function selectTenants(db: Db) {
  return db.selectFrom('tenants').select(columns).select(sql<string>`cast(balance as text)`.as('balance'));
}

/** Creates a tenant with a zero balance. */
export async function createTenant(db: Db, input: { slug: string; name?: string; settings?: Record<string, unknown> }): Promise<Tenant> {
  const now = new Date().toISOString();
  const row = { id: newId(), slug: input.slug, name: input.name ?? input.slug, status: 'active', settings: JSON.stringify(input.settings ?? {}), balance: '0', created_at: now, updated_at: now };
  await db.insertInto('tenants').values(row).execute();
  return toTenant(row);
}

/** Finds a tenant by slug. */
export async function findTenantBySlug(db: Db, slug: string): Promise<Tenant | undefined> {
  const r = await selectTenants(db).where('slug', '=', slug).executeTakeFirst();
  return r && toTenant(r);
}

/** Finds a tenant by id. */
export async function findTenant(db: Db, id: string): Promise<Tenant | undefined> {
  const r = await selectTenants(db).where('id', '=', id).executeTakeFirst();
  return r && toTenant(r);
}

/** Finds a tenant by id, else by slug (administration routes accept either). */
export async function findTenantByIdOrSlug(db: Db, idOrSlug: string): Promise<Tenant | undefined> {
  return (await findTenant(db, idOrSlug)) ?? (await findTenantBySlug(db, idOrSlug));
}

/** Lists every tenant (platform administration). */
export async function listTenants(db: Db): Promise<Tenant[]> {
  return (await selectTenants(db).orderBy('slug').execute()).map(toTenant);
}

/** Updates a tenant's name, status or settings. */
export async function updateTenant(db: Db, id: string, patch: { name?: string; status?: string; settings?: Record<string, unknown> }): Promise<void> {
  await db.updateTable('tenants').set({
    ...(patch.name !== undefined && { name: patch.name }),
    ...(patch.status !== undefined && { status: patch.status }),
    ...(patch.settings !== undefined && { settings: JSON.stringify(patch.settings) }),
    updated_at: new Date().toISOString(),
  }).where('id', '=', id).execute();
}
