import type { Kysely } from 'kysely';

/**
 * Two-way messaging: service numbers and extension codes, inbound (MO) messages, conversations of the inbox,
 * keyword settings and rules, the per-attempt webhook delivery log, and the lookup index behind
 * attribution by last sender.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('webhook_deliveries').addColumn('lease_owner', 'text').execute();
  await db.schema.createTable('webhook_attempts').ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('delivery_id', 'text', (c) => c.notNull().references('webhook_deliveries.id').onDelete('cascade'))
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('error', 'text')
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhook_attempts_delivery').ifNotExists().on('webhook_attempts').columns(['delivery_id', 'attempt']).execute();
  await db.schema.createIndex('webhook_deliveries_webhook').ifNotExists().on('webhook_deliveries').columns(['webhook_id', 'created_at']).execute();

  // A platform number (e.g. 10690001) on a channel (null = any channel); tenant_id set = dedicated to that tenant.
  await db.schema.createTable('service_numbers').ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('number', 'text', (c) => c.notNull().unique())
    .addColumn('channel_id', 'text')
    .addColumn('tenant_id', 'text', (c) => c.references('tenants.id').onDelete('cascade'))
    .addColumn('description', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  // Extension codes: scope '*' = a tenant code (unique on the platform), scope = tenant id for a campaign code of that tenant.
  await db.schema.createTable('extension_codes').ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('campaign_id', 'text')
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('extension_codes_scope_code').ifNotExists().unique().on('extension_codes').columns(['scope', 'code']).execute();
  await db.schema.createIndex('extension_codes_tenant').ifNotExists().on('extension_codes').columns(['tenant_id', 'campaign_id']).execute();

  // Every MO message, stored before anything acts on it; tenant_id null = the platform admin inbox.
  await db.schema.createTable('inbound_messages').ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text')
    .addColumn('campaign_id', 'text')
    .addColumn('contact_id', 'text')
    .addColumn('conversation_id', 'text')
    .addColumn('channel_id', 'text')
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('raw_from', 'text', (c) => c.notNull())
    .addColumn('to_number', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('data_coding', 'integer', (c) => c.notNull())
    .addColumn('parts', 'integer', (c) => c.notNull())
    .addColumn('incomplete', 'integer', (c) => c.notNull())
    .addColumn('attribution', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('keyword', 'text')
    .addColumn('rule_id', 'text')
    .addColumn('reply_message_id', 'text')
    .addColumn('reply_status', 'text')
    .addColumn('read_at', 'text')
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('inbound_tenant_received').ifNotExists().on('inbound_messages').columns(['tenant_id', 'received_at']).execute();
  await db.schema.createIndex('inbound_tenant_phone').ifNotExists().on('inbound_messages').columns(['tenant_id', 'phone', 'received_at']).execute();
  await db.schema.createIndex('inbound_conversation').ifNotExists().on('inbound_messages').columns(['conversation_id', 'received_at']).execute();

  // The inbox: one conversation per (tenant, number).
  await db.schema.createTable('conversations').ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('contact_id', 'text')
    .addColumn('unread', 'integer', (c) => c.notNull())
    .addColumn('assigned_to', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('last_text', 'text')
    .addColumn('last_direction', 'text')
    .addColumn('last_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('conversations_tenant_phone').ifNotExists().unique().on('conversations').columns(['tenant_id', 'phone']).execute();
  await db.schema.createIndex('conversations_tenant_last').ifNotExists().on('conversations').columns(['tenant_id', 'last_at']).execute();

  // Per-tenant word lists (JSON arrays; null = the defaults of the tenant's languages) and the texts of automatic replies.
  await db.schema.createTable('keyword_settings').ifNotExists()
    .addColumn('tenant_id', 'text', (c) => c.primaryKey().references('tenants.id').onDelete('cascade'))
    .addColumn('languages', 'text')
    .addColumn('opt_out_words', 'text')
    .addColumn('opt_in_words', 'text')
    .addColumn('help_words', 'text')
    .addColumn('opt_out_reply', 'text')
    .addColumn('opt_in_reply', 'text')
    .addColumn('help_reply', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createTable('keyword_rules').ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('match', 'text', (c) => c.notNull())
    .addColumn('pattern', 'text', (c) => c.notNull())
    .addColumn('reply', 'text')
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('active_from', 'text')
    .addColumn('active_until', 'text')
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('hits', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('keyword_rules_tenant').ifNotExists().on('keyword_rules').columns(['tenant_id', 'position']).execute();

  // Attribution by last sender looks up the newest message to a number across tenants.
  await db.schema.createIndex('messages_phone_created').ifNotExists().on('messages').columns(['phone', 'created_at']).execute();
}
