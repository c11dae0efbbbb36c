import type { Kysely } from 'kysely';

/**
 * Loyalty (src/services/points/, src/services/referral/): a points account per contact and tenant with its
 * append-only ledger (every credit, debit, expiry and refund is an entry, unique by account + source, so a repeated
 * event never credits twice; credits keep what is left of them for earliest-expiring-first spending), the gift
 * catalogue, redemptions with their fulfilment state, and refer-a-friend invitations (one per friend's number).
 */
export async function up(db: Kysely<any>): Promise<void> {
  // balance = the sum of the account's entries, kept in the transaction that writes each entry
  await db.schema.createTable('points_accounts').ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
    .addColumn('balance', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('points_accounts_contact').ifNotExists().unique().on('points_accounts').columns(['tenant_id', 'contact_id']).execute();

  // kind: credit | debit | expiry | refund; points signed; remaining = unspent points of a credit or refund (0 otherwise)
  await db.schema.createTable('points_entries').ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull().references('points_accounts.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('points', 'integer', (c) => c.notNull())
    .addColumn('remaining', 'integer', (c) => c.notNull())
    .addColumn('expires_at', 'text')
    .addColumn('source_type', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('allocations', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('points_entries_source').ifNotExists().unique().on('points_entries').columns(['account_id', 'source_type', 'source_id']).execute();
  await db.schema.createIndex('points_entries_account').ifNotExists().on('points_entries').columns(['account_id', 'created_at']).execute();
  await db.schema.createIndex('points_entries_expiry').ifNotExists().on('points_entries').columns(['tenant_id', 'expires_at']).execute();

  await db.schema.createTable('gifts').ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('points', 'integer', (c) => c.notNull())
    .addColumn('stock', 'integer', (c) => c.notNull())
    .addColumn('starts_at', 'text')
    .addColumn('ends_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('gifts_code').ifNotExists().unique().on('gifts').columns(['tenant_id', 'code']).execute();

  // status: reserved → fulfilled | cancelled (a cancel refunds the points and returns the stock)
  await db.schema.createTable('redemptions').ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('gift_id', 'text', (c) => c.notNull().references('gifts.id'))
    .addColumn('contact_id', 'text', (c) => c.notNull())
    .addColumn('points', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('redemptions_tenant').ifNotExists().on('redemptions').columns(['tenant_id', 'created_at']).execute();

  // status: invited → joined | expired; the first referral of a friend's number wins
  await db.schema.createTable('referrals').ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('service_id', 'text', (c) => c.notNull())
    .addColumn('referrer_contact_id', 'text', (c) => c.notNull())
    .addColumn('referrer_phone', 'text', (c) => c.notNull())
    .addColumn('friend_phone', 'text', (c) => c.notNull())
    .addColumn('friend_contact_id', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('invited_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('joined_at', 'text')
    .execute();
  await db.schema.createIndex('referrals_friend').ifNotExists().unique().on('referrals').columns(['tenant_id', 'friend_phone']).execute();
  await db.schema.createIndex('referrals_referrer').ifNotExists().on('referrals').columns(['tenant_id', 'referrer_phone', 'invited_at']).execute();
}
