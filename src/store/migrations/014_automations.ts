import type { Kysely } from 'kysely';

/**
 * Automations (date, holiday, event, join and creation triggers → steps), their occurrences (one per automation,
 * contact, key and step: the key is the year of a yearly date, the event of an event trigger, "once" of a welcome),
 * the events posted by enterprise systems (unique per idempotency key), and the platform's holiday calendar with the
 * years it covers.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('automations').ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('trigger_type', 'text', (c) => c.notNull())
    .addColumn('definition', 'text', (c) => c.notNull())
    .addColumn('last_run', 'text')
    .addColumn('activated_at', 'text')
    .addColumn('lease_until', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('automations_tenant').ifNotExists().on('automations').columns(['tenant_id', 'created_at']).execute();
  await db.schema.createIndex('automations_status').ifNotExists().on('automations').columns(['status', 'trigger_type']).execute();
  await db.schema.createTable('automation_occurrences').ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('automation_id', 'text', (c) => c.notNull().references('automations.id').onDelete('cascade'))
    .addColumn('contact_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('step', 'integer', (c) => c.notNull())
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('local_date', 'text')
    .addColumn('zone', 'text', (c) => c.notNull())
    .addColumn('source', 'text')
    .addColumn('vars', 'text')
    .addColumn('event_id', 'text')
    .addColumn('suppress_value', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('message_id', 'text')
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('automation_occurrences_once').ifNotExists().unique().on('automation_occurrences').columns(['automation_id', 'contact_id', 'key', 'step']).execute();
  await db.schema.createIndex('automation_occurrences_due').ifNotExists().on('automation_occurrences').columns(['status', 'due_at']).execute();
  await db.schema.createIndex('automation_occurrences_list').ifNotExists().on('automation_occurrences').columns(['automation_id', 'due_at']).execute();
  await db.schema.createIndex('automation_occurrences_contact').ifNotExists().on('automation_occurrences').columns(['tenant_id', 'contact_id', 'status']).execute();
  await db.schema.createTable('automation_events').ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('contact_id', 'text')
    .addColumn('phone', 'text')
    .addColumn('external_id', 'text')
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('detail', 'text')
    .addColumn('received_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('automation_events_key').ifNotExists().unique().on('automation_events').columns(['tenant_id', 'idempotency_key']).execute();
  await db.schema.createIndex('automation_events_tenant').ifNotExists().on('automation_events').columns(['tenant_id', 'received_at']).execute();
  await db.schema.createTable('holidays').ifNotExists()
    .addColumn('date', 'text', (c) => c.primaryKey())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('target', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('holidays_year').ifNotExists().on('holidays').column('year').execute();
  await db.schema.createTable('holiday_years').ifNotExists()
    .addColumn('year', 'integer', (c) => c.primaryKey())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}
