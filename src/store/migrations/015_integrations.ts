import type { Kysely } from 'kysely';

/**
 * Integration surfaces. SMPP server: accounts a tenant's applications and resellers bind with (`smpp_accounts`), the
 * sessions bound now on any node (`smpp_sessions`, renewed while they live: max binds are counted across nodes), and
 * every accepted submit (`smpp_submits`): the id the ESME was given, the message it became, and whether its delivery
 * receipt is still owed (claimed under a lease by a node holding a receiver bind of the account, so it is sent once
 * and kept until the ESME binds again); `mo_cursor` is the last inbound message handed to the account's receivers. Tracked links: per-recipient short codes (`links`) and their clicks (`link_clicks`).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('smpp_accounts').ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('system_id', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('bind_types', 'text', (c) => c.notNull())
    .addColumn('max_binds', 'integer', (c) => c.notNull())
    .addColumn('tps', 'integer', (c) => c.notNull())
    .addColumn('window', 'integer', (c) => c.notNull())
    .addColumn('source_addresses', 'text', (c) => c.notNull())
    .addColumn('ip_allowlist', 'text', (c) => c.notNull())
    .addColumn('default_category', 'text', (c) => c.notNull())
    .addColumn('mo_delivery', 'text', (c) => c.notNull())
    .addColumn('mo_cursor', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('last_error_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('smpp_accounts_tenant').ifNotExists().on('smpp_accounts').columns(['tenant_id']).execute();
  await db.schema.createTable('smpp_sessions').ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('smpp_accounts.id').onDelete('cascade'))
    .addColumn('node_id', 'text', (c) => c.notNull())
    .addColumn('bind_type', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('bound_at', 'text', (c) => c.notNull())
    .addColumn('lease_until', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('smpp_sessions_account').ifNotExists().on('smpp_sessions').columns(['account_id', 'lease_until']).execute();
  await db.schema.createTable('smpp_submits').ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull().references('smpp_accounts.id').onDelete('cascade'))
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('destination', 'text', (c) => c.notNull())
    .addColumn('registered_delivery', 'integer', (c) => c.notNull())
    .addColumn('submitted_at', 'text', (c) => c.notNull())
    .addColumn('receipt_owed', 'integer', (c) => c.notNull())
    .addColumn('receipt_sent_at', 'text')
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'text')
    .execute();
  await db.schema.createIndex('smpp_submits_owed').ifNotExists().on('smpp_submits').columns(['account_id', 'receipt_owed']).execute();
  await db.schema.createIndex('smpp_submits_message').ifNotExists().on('smpp_submits').columns(['message_id']).execute();
  await db.schema.createTable('links').ifNotExists()
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('campaign_id', 'text')
    .addColumn('message_id', 'text')
    .addColumn('phone', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('links_campaign').ifNotExists().on('links').columns(['tenant_id', 'campaign_id']).execute();
  await db.schema.createTable('link_clicks').ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('campaign_id', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('user_agent', 'text')
    .addColumn('address_hash', 'text', (c) => c.notNull())
    .addColumn('bot', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('link_clicks_campaign').ifNotExists().on('link_clicks').columns(['tenant_id', 'campaign_id', 'at']).execute();
  await db.schema.createIndex('link_clicks_code').ifNotExists().on('link_clicks').columns(['code']).execute();
}
