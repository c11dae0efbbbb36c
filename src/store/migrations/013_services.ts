import type { Kysely } from 'kysely';

/**
 * Interactive services (src/services/): services and their frozen versions, the keywords they hold per address,
 * conversations waiting for an answer, the append-only responses, per-service entries (inquiry rows, list and team
 * members, content items, vote and answer claims, budgets) and the claims that make a re-delivered MO count once.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('services').ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('number', 'text')
    .addColumn('keywords', 'text', (c) => c.notNull())
    .addColumn('config', 'text', (c) => c.notNull())
    .addColumn('opened_at', 'text')
    .addColumn('closed_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('services_tenant').ifNotExists().on('services').columns(['tenant_id', 'status']).execute();

  // The rules a service had at each version (the live one is frozen; results keep the version they were given under).
  await db.schema.createTable('service_versions').ifNotExists()
    .addColumn('service_id', 'text', (c) => c.notNull().references('services.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('keywords', 'text', (c) => c.notNull())
    .addColumn('config', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('service_versions_pk', ['service_id', 'version'])
    .execute();

  // scope = the address digits (service number + extension) or 't:<tenant id>' for every address of the tenant.
  await db.schema.createTable('service_keywords').ifNotExists()
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('keyword', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('service_id', 'text', (c) => c.notNull().references('services.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('service_keywords_pk', ['scope', 'keyword'])
    .execute();
  await db.schema.createIndex('service_keywords_service').ifNotExists().on('service_keywords').column('service_id').execute();

  // waiting_key = tenant|address|phone while the conversation waits, null after: one waiting conversation per pair.
  await db.schema.createTable('service_conversations').ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('service_id', 'text', (c) => c.notNull().references('services.id').onDelete('cascade'))
    .addColumn('service_version', 'integer', (c) => c.notNull())
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('waiting_key', 'text', (c) => c.unique())
    .addColumn('step', 'text')
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('retries', 'integer', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('prompt', 'text')
    .addColumn('remind_at', 'text')
    .addColumn('expires_at', 'text')
    .addColumn('ended_reason', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('service_conversations_service').ifNotExists().on('service_conversations').columns(['service_id', 'created_at']).execute();
  await db.schema.createIndex('service_conversations_remind').ifNotExists().on('service_conversations').columns(['state', 'remind_at']).execute();
  await db.schema.createIndex('service_conversations_expire').ifNotExists().on('service_conversations').columns(['state', 'expires_at']).execute();

  await db.schema.createTable('service_responses').ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('service_id', 'text', (c) => c.notNull().references('services.id').onDelete('cascade'))
    .addColumn('service_version', 'integer', (c) => c.notNull())
    .addColumn('conversation_id', 'text')
    .addColumn('inbound_id', 'text', (c) => c.notNull())
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('step', 'text')
    .addColumn('raw', 'text', (c) => c.notNull())
    .addColumn('value', 'text')
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('valid', 'integer', (c) => c.notNull())
    .addColumn('score', 'integer')
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('service_responses_service').ifNotExists().on('service_responses').columns(['service_id', 'received_at']).execute();
  await db.schema.createIndex('service_responses_inbound').ifNotExists().unique().on('service_responses').columns(['service_id', 'inbound_id', 'step']).execute();

  await db.schema.createTable('service_entries').ifNotExists()
    .addColumn('service_id', 'text', (c) => c.notNull().references('services.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('service_entries_pk', ['service_id', 'kind', 'key'])
    .execute();

  // One row per (tenant, address, sender, normalised text): a second identical MO within the window is a re-delivery.
  await db.schema.createTable('service_mo_claims').ifNotExists()
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('inbound_id', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
}
