import type { Kysely } from 'kysely';

/**
 * The time columns the welcome triggers scan: contacts created since a time (per tenant) and the joins to a group
 * since a time, each a range read in (time, id) order (the pages' cursor) instead of a walk over every contact of the tenant
 * or member of the group.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('contacts_tenant_created').ifNotExists().on('contacts').columns(['tenant_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('contact_groups_group_added').ifNotExists().on('contact_groups').columns(['group_id', 'added_at', 'contact_id']).execute();
}
