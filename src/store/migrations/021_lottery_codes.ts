import type { Kysely } from 'kysely';

/**
 * SMS lottery and anti-counterfeit codes (src/services/lottery/, src/services/codes/): lottery entries (one per
 * number per period), instant-win moments (claimed once each), draws with their seed commitment and frozen list,
 * winners with claim codes; code batches, codes stored only as keyed hashes with their first check, and every check.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('lottery_entries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('service_id', 'text', (c) => c.notNull().references('services.id').onDelete('cascade'))
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('contact_id', 'text')
    .addColumn('source_type', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('lottery_entries_once', ['service_id', 'period', 'phone'])
    .execute();

  await db.schema.createTable('lottery_draws')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('service_id', 'text', (c) => c.notNull().references('services.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('algorithm', 'text', (c) => c.notNull())
    .addColumn('seed_hash', 'text', (c) => c.notNull())
    .addColumn('seed', 'text')
    .addColumn('prizes', 'text', (c) => c.notNull())
    .addColumn('win_again', 'integer', (c) => c.notNull())
    .addColumn('entries', 'text')
    .addColumn('entries_hash', 'text')
    .addColumn('winners', 'text')
    .addColumn('all_win', 'integer')
    .addColumn('draw_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('drawn_at', 'text')
    .execute();
  await db.schema.createIndex('lottery_draws_service').on('lottery_draws').columns(['service_id', 'created_at']).execute();

  await db.schema.createTable('lottery_moments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('service_id', 'text', (c) => c.notNull().references('services.id').onDelete('cascade'))
    .addColumn('prize', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('entry_id', 'text', (c) => c.unique())
    .execute();
  await db.schema.createIndex('lottery_moments_open').on('lottery_moments').columns(['service_id', 'entry_id', 'at']).execute();

  await db.schema.createTable('lottery_winners')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('service_id', 'text', (c) => c.notNull().references('services.id').onDelete('cascade'))
    .addColumn('draw_id', 'text')
    .addColumn('entry_id', 'text', (c) => c.notNull().unique())
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('prize', 'text', (c) => c.notNull())
    .addColumn('claim_code', 'text', (c) => c.notNull())
    .addColumn('points', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('lottery_winners_service').on('lottery_winners').columns(['service_id', 'phone']).execute();

  await db.schema.createTable('code_batches')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('product', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('length', 'integer', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('skipped', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('code_batches_tenant').on('code_batches').columns(['tenant_id', 'created_at']).execute();

  // hash = HMAC-SHA256(secret outside the database, tenant|code): the code itself is never stored
  await db.schema.createTable('codes')
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('batch_id', 'text', (c) => c.notNull().references('code_batches.id').onDelete('cascade'))
    .addColumn('checks', 'integer', (c) => c.notNull())
    .addColumn('first_checked_at', 'text')
    .addColumn('first_phone', 'text')
    .addPrimaryKeyConstraint('codes_pk', ['tenant_id', 'hash'])
    .execute();
  await db.schema.createIndex('codes_batch').on('codes').column('batch_id').execute();

  await db.schema.createTable('code_checks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('service_id', 'text', (c) => c.notNull())
    .addColumn('batch_id', 'text')
    .addColumn('product', 'text')
    .addColumn('result', 'text', (c) => c.notNull())
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('province', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('code_checks_tenant').on('code_checks').columns(['tenant_id', 'at']).execute();
}
