import type { Kysely } from 'kysely';

/** Virtual handsets a tenant created to try its services offline: each number belongs to one tenant. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('virtual_handsets')
    .addColumn('number', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('virtual_handsets_tenant').on('virtual_handsets').columns(['tenant_id', 'created_at']).execute();
}
