import type { Kysely } from 'kysely';

/** Contacts and audiences: contacts, field definitions, tags, groups, segments, imports, consent, blocklist, suppressions. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('contacts').ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('language', 'text')
    .addColumn('timezone', 'text')
    .addColumn('fields', 'text', (c) => c.notNull())
    .addColumn('country', 'text')
    .addColumn('number_type', 'text')
    .addColumn('carrier', 'text')
    .addColumn('region', 'text')
    .addColumn('province', 'text')
    .addColumn('city', 'text')
    .addColumn('opted_out_at', 'text')
    .addColumn('opted_out_channel', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('last_messaged_at', 'text')
    .addColumn('last_replied_at', 'text')
    .execute();
  await db.schema.createIndex('contacts_tenant_phone').ifNotExists().unique().on('contacts').columns(['tenant_id', 'phone']).execute();
  await db.schema.createIndex('contacts_tenant_id').ifNotExists().on('contacts').columns(['tenant_id', 'id']).execute();

  await db.schema.createTable('contact_fields').ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('contact_fields_tenant_key').ifNotExists().unique().on('contact_fields').columns(['tenant_id', 'key']).execute();

  await db.schema.createTable('contact_tags').ifNotExists()
    .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('tag', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('contact_tags_pk', ['contact_id', 'tag'])
    .execute();
  await db.schema.createIndex('contact_tags_tenant_tag').ifNotExists().on('contact_tags').columns(['tenant_id', 'tag']).execute();

  await db.schema.createTable('groups').ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('groups_tenant_name').ifNotExists().unique().on('groups').columns(['tenant_id', 'name']).execute();

  await db.schema.createTable('contact_groups').ifNotExists()
    .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('added_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('contact_groups_pk', ['group_id', 'contact_id'])
    .execute();
  await db.schema.createIndex('contact_groups_contact').ifNotExists().on('contact_groups').column('contact_id').execute();

  await db.schema.createTable('segments').ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('filter', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('segments_tenant_name').ifNotExists().unique().on('segments').columns(['tenant_id', 'name']).execute();

  await db.schema.createTable('imports').ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('file_path', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('options', 'text', (c) => c.notNull())
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('imported', 'integer', (c) => c.notNull())
    .addColumn('updated', 'integer', (c) => c.notNull())
    .addColumn('duplicates', 'integer', (c) => c.notNull())
    .addColumn('invalid', 'integer', (c) => c.notNull())
    .addColumn('cursor_line', 'integer', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('lease_until', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('imports_tenant').ifNotExists().on('imports').columns(['tenant_id', 'created_at']).execute();
  await db.schema.createIndex('imports_status').ifNotExists().on('imports').column('status').execute();

  await db.schema.createTable('import_rejects').ifNotExists()
    .addColumn('import_id', 'text', (c) => c.notNull().references('imports.id').onDelete('cascade'))
    .addColumn('line', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .addColumn('raw', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('import_rejects_pk', ['import_id', 'line'])
    .execute();

  await db.schema.createTable('consents').ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id').onDelete('cascade'))
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('text_shown', 'text')
    .addColumn('ip', 'text')
    .addColumn('keyword', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('withdrawn_at', 'text')
    .addColumn('retain_until', 'text')
    .execute();
  await db.schema.createIndex('consents_contact').ifNotExists().on('consents').columns(['contact_id', 'purpose', 'at']).execute();
  await db.schema.createIndex('consents_tenant').ifNotExists().on('consents').columns(['tenant_id', 'retain_until']).execute();

  await db.schema.createTable('blocklist').ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('blocklist_scope_phone').ifNotExists().unique().on('blocklist').columns(['scope', 'phone']).execute();

  await db.schema.createTable('suppressions').ifNotExists()
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('phone_hash', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('suppressions_pk', ['tenant_id', 'phone_hash'])
    .execute();
}
