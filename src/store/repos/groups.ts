import type { Db } from '../database.ts';
import { runWrite, type BulkTarget } from '../bulk.ts';
import { jsonTextRows } from './contacts.ts';
import { newId } from '../../domain/ids.ts';
import { DomainError } from '../../domain/errors.ts';

/** A group of contacts with its size. */
export interface Group { id: string; name: string; description: string | null; size: number; createdAt: string; updatedAt: string }

function selectGroups(db: Db, tenantId: string) {
  return db.selectFrom('groups')
    .select(['groups.id', 'groups.name', 'groups.description', 'groups.created_at', 'groups.updated_at'])
    .select((eb) => eb.selectFrom('contact_groups').select((e) => e.fn.countAll<number | string>().as('n'))
      .whereRef('contact_groups.group_id', '=', 'groups.id').as('size'))
    .where('groups.tenant_id', '=', tenantId);
}

function toGroup(r: { id: string; name: string; description: string | null; created_at: string; updated_at: string; size: number | string | null }): Group {
  return { id: r.id, name: r.name, description: r.description, size: Number(r.size ?? 0), createdAt: r.created_at, updatedAt: r.updated_at };
}

/** Creates a group; a name the tenant already uses is a conflict. */
export async function createGroup(db: Db, tenantId: string, input: { name: string; description?: string | null }, now: string): Promise<Group> {
  if (await findGroupByName(db, tenantId, input.name)) throw new DomainError('conflict', `a group named "${input.name}" already exists`);
  const row = { id: newId(), tenant_id: tenantId, name: input.name, description: input.description ?? null, created_at: now, updated_at: now };
  await db.insertInto('groups').values(row).execute();
  return toGroup({ ...row, size: 0 });
}

/** The group of the tenant with this name, or undefined. */
export async function findGroupByName(db: Db, tenantId: string, name: string): Promise<Group | undefined> {
  const r = await selectGroups(db, tenantId).where('groups.name', '=', name).executeTakeFirst();
  return r && toGroup(r);
}

/** The group with this name, created when missing (imports use this for `--group vip`). */
export async function ensureGroup(db: Db, tenantId: string, name: string, now: string): Promise<Group> {
  const row = { id: newId(), tenant_id: tenantId, name, description: null, created_at: now, updated_at: now };
  await db.insertInto('groups').values(row).onConflict((oc) => oc.columns(['tenant_id', 'name']).doNothing()).execute();
  return (await findGroupByName(db, tenantId, name))!;
}

/** A group of the tenant by id. */
export async function getGroup(db: Db, tenantId: string, id: string): Promise<Group | undefined> {
  const r = await selectGroups(db, tenantId).where('groups.id', '=', id).executeTakeFirst();
  return r && toGroup(r);
}

/** The tenant's groups by name. */
export async function listGroups(db: Db, tenantId: string): Promise<Group[]> {
  return (await selectGroups(db, tenantId).orderBy('groups.name').execute()).map(toGroup);
}

/** Renames or re-describes a group of the tenant. */
export async function updateGroup(db: Db, tenantId: string, id: string, patch: { name?: string; description?: string | null }, now: string): Promise<Group | undefined> {
  if (patch.name !== undefined) {
    const clash = await findGroupByName(db, tenantId, patch.name);
    if (clash && clash.id !== id) throw new DomainError('conflict', `a group named "${patch.name}" already exists`);
  }
  await db.updateTable('groups').set({ ...patch, updated_at: now }).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
  return getGroup(db, tenantId, id);
}

/** Deletes a group of the tenant (its contacts stay). */
export async function deleteGroup(db: Db, tenantId: string, id: string): Promise<boolean> {
  await db.deleteFrom('contact_groups').where('tenant_id', '=', tenantId).where('group_id', '=', id).execute();
  const r = await db.deleteFrom('groups').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Adds contacts of the tenant to one of its groups; ids of other tenants' contacts are ignored. Returns how many were checked in. */
export async function addMembers(db: Db, tenantId: string, groupId: string, contactIds: string[], now: string): Promise<number> {
  if (contactIds.length === 0) return 0;
  const owned = await db.selectFrom('contacts').select('id').where('tenant_id', '=', tenantId).where('id', 'in', contactIds).execute();
  if (owned.length === 0) return 0;
  await db.insertInto('contact_groups').values(owned.map(({ id }) => ({ group_id: groupId, contact_id: id, tenant_id: tenantId, added_at: now })))
    .onConflict((oc) => oc.columns(['group_id', 'contact_id']).doNothing()).execute();
  return owned.length;
}

/** Adds contacts known to belong to the tenant to groups, one statement per group (the import hot path). */
export async function addMembersBulk(t: BulkTarget, tenantId: string, groupIds: string[], contactIds: string[], now: string): Promise<void> {
  if (contactIds.length === 0) return;
  const ids = JSON.stringify(contactIds);
  const text = `insert into contact_groups (group_id, contact_id, tenant_id, added_at) select ?, value, ?, ? from ${jsonTextRows(t.dialect)}`
    + ' where true on conflict (group_id, contact_id) do nothing';
  for (const g of groupIds) await runWrite(t, text, [g, tenantId, now, ids]);
}

/** Removes contacts from a group of the tenant. */
export async function removeMembers(db: Db, tenantId: string, groupId: string, contactIds: string[]): Promise<void> {
  if (contactIds.length === 0) return;
  await db.deleteFrom('contact_groups').where('tenant_id', '=', tenantId).where('group_id', '=', groupId).where('contact_id', 'in', contactIds).execute();
}
